"""The admin's article list: what it shows, how it filters, and a constant number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.editorial_helpers import LIST_URL
from tests.factories import make_article, make_author, make_section, make_tag

pytestmark = pytest.mark.django_db


def make_articles(count):
    sections = [make_section() for _ in range(3)]
    authors = [make_author() for _ in range(4)]
    tags = [make_tag() for _ in range(5)]
    for n in range(count):
        make_article(
            section=sections[n % 3],
            authors=[authors[n % 4], authors[(n + 1) % 4]],
            tags=tags[: n % 5 + 1],
        )


def count_list_queries(client, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get(LIST_URL)
    assert response.status_code == 200
    return response


def test_the_list_shows_headline_section_authors_access_status_and_time(client, desk_editor):
    author = make_author(name="Ada Byline")
    scheduled = make_article(
        headline="Tomorrow's story",
        authors=[author],
        published_at=timezone.now() + timedelta(days=1),
    )
    make_article(headline="Unfinished", status="draft", access="registered")
    client.force_login(desk_editor)
    html = client.get(LIST_URL).content.decode()
    assert "Tomorrow&#x27;s story" in html
    assert scheduled.section.name in html
    assert "Ada Byline" in html
    assert "Scheduled" in html
    assert "Draft" in html
    assert "Registered: free account required" in html


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_runs_the_same_number_of_queries_however_many_articles(
    client, desk_editor, django_assert_num_queries, count
):
    make_articles(count)
    client.force_login(desk_editor)
    client.get(LIST_URL)  # warm the content-type cache
    # session, user, 2× permissions, section and author filter choices, 2 counts, the page,
    # its bylines and their authors, 2 for the date hierarchy, 2 for the savepoint.
    response = count_list_queries(client, django_assert_num_queries, 15)
    assert response.content.decode().count('class="action-checkbox"') == count


def test_the_list_filters_by_status_section_access_and_author(client, desk_editor):
    author = make_author(name="Filter Author")
    wanted = make_article(headline="Wanted one", authors=[author], access="public")
    make_article(headline="Other one", status="draft")
    client.force_login(desk_editor)
    for query in (
        f"?section__id__exact={wanted.section_id}",
        "?status__exact=published",
        "?access__exact=public",
        f"?authors__id__exact={author.pk}",
    ):
        html = client.get(LIST_URL + query).content.decode()
        assert "Wanted one" in html, query
        assert "Other one" not in html, query


def test_the_list_searches_headlines_and_standfirsts(client, desk_editor):
    make_article(headline="Harbour deal", standfirst="Plain words.")
    make_article(headline="Other news", standfirst="About the lighthouse.")
    make_article(headline="Unrelated", standfirst="Nothing here.")
    client.force_login(desk_editor)
    html = client.get(LIST_URL + "?q=harbour").content.decode()
    assert "Harbour deal" in html and "Unrelated" not in html
    html = client.get(LIST_URL + "?q=lighthouse").content.decode()
    assert "Other news" in html and "Unrelated" not in html


def test_authors_and_tags_are_chosen_by_autocomplete(client, desk_editor):
    make_author(name="Zelda Quill")
    client.force_login(desk_editor)
    html = client.get("/admin/articles/article/add/").content.decode()
    assert 'name="tags" id="id_tags" class="admin-autocomplete"' in html
    assert 'name="bylines-0-author" id="id_bylines-0-author" class="admin-autocomplete"' in html
    response = client.get(
        "/admin/autocomplete/",
        {
            "term": "zel",
            "app_label": "articles",
            "model_name": "articleauthor",
            "field_name": "author",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Zelda Quill"]
