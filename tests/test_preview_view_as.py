"""View as: staff see an article as an anonymous reader, a free reader and a subscriber would."""

import pytest

from articles.access import access_for
from articles.models import Article
from articles.previews import access_as
from tests.editorial_helpers import change_url
from tests.factories import (
    PREVIEW_SENTENCE,
    SECRET_SENTENCE,
    make_article,
    make_author,
    make_tag,
)

pytestmark = pytest.mark.django_db


def view_as(client, article, persona):
    response = client.get(f"/preview/{article.pk}/as/{persona}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    return response.content.decode()


@pytest.mark.parametrize(
    "access, persona, reads_all",
    [
        ("paid", "anonymous", False),
        ("paid", "reader", False),
        ("paid", "subscriber", True),
        ("registered", "anonymous", False),
        ("registered", "reader", True),
        ("registered", "subscriber", True),
        ("public", "anonymous", True),
        ("public", "reader", True),
    ],
)
def test_view_as_shows_exactly_what_that_reader_gets(
    client, desk_editor, access, persona, reads_all
):
    article = make_article(access=access, status="draft")
    client.force_login(desk_editor)
    html = view_as(client, article, persona)
    assert PREVIEW_SENTENCE in html
    assert (SECRET_SENTENCE in html) is reads_all
    assert ("paywall" in html.lower() and 'class="paywall' in html) is not reads_all


def test_view_as_names_the_reader_in_the_banner(client, desk_editor):
    article = make_article(status="draft")
    client.force_login(desk_editor)
    html = view_as(client, article, "reader")
    assert "Preview as a free reader, who sees the preview, then the paywall" in html


def test_view_as_agrees_with_the_site_for_real_readers(reader, subscriber):
    for access in Article.Access.values:
        article = make_article(access=access)
        assert access_as("reader", article) == access_for(reader, article)
        assert access_as("subscriber", article) == access_for(subscriber, article)


def test_view_as_an_unknown_kind_of_reader_is_not_found(client, desk_editor):
    article = make_article(status="draft")
    client.force_login(desk_editor)
    assert client.get(f"/preview/{article.pk}/as/robot/").status_code == 404


def test_readers_cannot_use_view_as(client, reader):
    article = make_article(status="draft")
    client.force_login(reader)
    response = client.get(f"/preview/{article.pk}/as/subscriber/")
    assert response.status_code == 302
    assert SECRET_SENTENCE not in response.content.decode()


def test_the_article_admin_page_links_to_each_view(client, desk_editor):
    article = make_article(status="draft")
    client.force_login(desk_editor)
    html = client.get(change_url(article)).content.decode()
    assert f'href="/preview/{article.pk}/"' in html
    # "View on site" of an unpublished article opens its preview, not a 404.
    assert f'<a href="/preview/{article.pk}/" class="viewsitelink">' in html
    for persona in ("anonymous", "reader", "subscriber"):
        assert f'href="/preview/{article.pk}/as/{persona}/"' in html


@pytest.mark.parametrize("persona", ["anonymous", "subscriber"])
def test_view_as_runs_a_constant_number_of_queries(
    client, desk_editor, django_assert_num_queries, persona
):
    few = make_article(status="draft", authors=[make_author()], tags=[make_tag()])
    many = make_article(
        status="draft",
        authors=[make_author() for _ in range(6)],
        tags=[make_tag() for _ in range(9)],
    )
    for _ in range(5):
        make_article(section=many.section)
    client.force_login(desk_editor)
    for article in (few, many):
        # session, user, 2× permissions, the article, bylines, authors, tags, section nav,
        # and the billing banner's one query for the signed-in editor; under the paywall,
        # the longest free trial on sale for the call to action; more from its section.
        with django_assert_num_queries(12 if persona == "anonymous" else 11):
            view_as(client, article, persona)
