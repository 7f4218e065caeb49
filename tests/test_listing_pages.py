from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    PREVIEW_SENTENCE,
    SECRET_SENTENCE,
    make_article,
    make_author,
    make_section,
    make_tag,
)

pytestmark = pytest.mark.django_db


def listing_urls(article, author, tag):
    return [
        "/",
        article.section.get_absolute_url(),
        author.get_absolute_url(),
        tag.get_absolute_url(),
    ]


@pytest.fixture
def story():
    author, tag = make_author(), make_tag()
    article = make_article(authors=[author], tags=[tag], headline="The harbour vote")
    return article, author, tag


def test_listings_show_headline_and_standfirst_but_never_the_body(client, subscriber, story):
    article, author, tag = story
    client.force_login(subscriber)
    for url in listing_urls(article, author, tag):
        html = client.get(url).content.decode()
        assert "The harbour vote" in html, url
        assert article.standfirst in html, url
        assert PREVIEW_SENTENCE not in html, url
        assert SECRET_SENTENCE not in html, url


def test_listings_hide_drafts_and_scheduled_articles(client, story):
    _, author, tag = story
    section = story[0].section
    make_article(
        headline="Draft story", status=Article.Status.DRAFT, section=section, authors=[author]
    )
    make_article(
        headline="Scheduled story",
        published_at=timezone.now() + timedelta(days=1),
        section=section,
        authors=[author],
        tags=[tag],
    )
    for url in listing_urls(story[0], author, tag):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert story[0].headline in html, url
        assert "Draft story" not in html, url
        assert "Scheduled story" not in html, url


def test_home_shows_the_newest_as_lead_then_latest_then_sections(client):
    politics = make_section(name="Politics", slug="politics", order=1)
    climate = make_section(name="Climate", slug="climate", order=2)
    now = timezone.now()
    older_climate = make_article(
        headline="Older climate story", section=climate, published_at=now - timedelta(days=3)
    )
    make_article(
        headline="Older politics story", section=politics, published_at=now - timedelta(days=2)
    )
    for n in range(10):
        make_article(section=climate, published_at=now - timedelta(hours=2 + n))
    newest = make_article(
        headline="Newest politics story", section=politics, published_at=now - timedelta(hours=1)
    )
    html = client.get("/").content.decode()
    lead = html.split('aria-label="Lead story"')[1].split("</section>")[0]
    assert newest.headline in lead
    assert older_climate.headline not in lead
    assert html.index('id="section-politics"') < html.index('id="section-climate"')
    assert html.index("Older politics story") < html.index("Older climate story")


def test_unknown_section_author_and_tag_are_not_found(client):
    assert client.get("/no-such-section/").status_code == 404
    assert client.get("/authors/nobody/").status_code == 404
    assert client.get("/tags/nothing/").status_code == 404


def test_section_pages_paginate_and_ignore_a_bad_page_number(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    section = make_section()
    for n in range(5):
        make_article(section=section, headline=f"Story {n}")
    first = client.get(section.get_absolute_url()).content.decode()
    assert "Page 1 of 3" in first
    assert client.get(section.get_absolute_url() + "?page=3").status_code == 200
    for bad in ["999", "-1", "abc", "1e9"]:
        response = client.get(section.get_absolute_url() + f"?page={bad}")
        assert response.status_code == 200


# Past the eleven top stories, so the section blocks have something to show.
@pytest.mark.parametrize("count", [13, 40])
def test_home_page_queries_are_constant(client, django_assert_num_queries, count):
    sections = [make_section() for _ in range(3)]
    authors = [make_author() for _ in range(3)]
    tags = [make_tag() for _ in range(3)]
    for n in range(count):
        make_article(section=sections[n % 3], authors=authors[: 1 + n % 3], tags=tags)
    # navigation, lead and latest, their bylines, latest per section, their bylines
    with django_assert_num_queries(5):
        response = client.get("/")
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 15])
def test_section_page_queries_are_constant(client, django_assert_num_queries, count):
    section = make_section()
    authors = [make_author() for _ in range(3)]
    for _ in range(count):
        make_article(section=section, authors=authors, tags=[make_tag()])
    # section, count, page of articles, their bylines, navigation
    with django_assert_num_queries(5):
        response = client.get(section.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 15])
def test_author_page_queries_are_constant(client, django_assert_num_queries, count):
    author = make_author()
    for _ in range(count):
        make_article(authors=[author, make_author()])
    with django_assert_num_queries(5):
        response = client.get(author.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 15])
def test_tag_page_queries_are_constant(client, django_assert_num_queries, count):
    tag = make_tag()
    for _ in range(count):
        make_article(tags=[tag, make_tag()], authors=[make_author()])
    with django_assert_num_queries(5):
        response = client.get(tag.get_absolute_url())
    assert response.status_code == 200


def test_signed_in_listing_pages_are_private(client, reader, story):
    client.force_login(reader)
    response = client.get("/")
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_the_navigation_marks_the_current_section(client):
    article = make_article()
    for url in [article.section.get_absolute_url(), article.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert f'href="{article.section.get_absolute_url()}" aria-current="page"' in html
    assert 'aria-current="page"' not in client.get("/").content.decode()


def test_home_section_blocks_do_not_repeat_the_top_stories(client, settings):
    section = make_section(name="Politics", slug="politics")
    stories = [make_article(section=section, headline=f"Story {n:02d}") for n in range(14)]
    html = client.get("/").content.decode()
    for story in stories:
        assert html.count(f">{story.headline}<") == 1, story.headline
    assert html.count("card-lead") == 1  # only the lead story is set large


def test_a_long_section_is_counted_only_a_few_pages_ahead(client, settings):
    # An exact count would walk every article of the section on every page view.
    settings.ARTICLES_PER_PAGE = 1
    section = make_section()
    now = timezone.now()
    for n in range(15):
        make_article(section=section, headline=f"Story {n:02d}", published_at=now - timedelta(n))
    first = client.get(section.get_absolute_url()).content.decode()
    assert "Story 00" in first
    assert "<span>Page 1</span>" in first  # eleven pages counted, more exist
    assert 'rel="next" href="?page=2"' in first
    near_the_end = client.get(section.get_absolute_url() + "?page=14").content.decode()
    assert "Story 13" in near_the_end
    assert "<span>Page 14 of 15</span>" in near_the_end
    last = client.get(section.get_absolute_url() + "?page=15").content.decode()
    assert "Story 14" in last
    assert 'rel="next"' not in last
    beyond = client.get(section.get_absolute_url() + "?page=99999999999999999999")
    assert beyond.status_code == 200
    assert "<span>Page 15 of 15</span>" in beyond.content.decode()
