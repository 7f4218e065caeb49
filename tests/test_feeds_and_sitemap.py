import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from articles.models import Article
from newsroom.site import absolute
from tests.factories import (
    PREVIEW_SENTENCE,
    SECRET_SENTENCE,
    make_article,
    make_author,
    make_section,
)

pytestmark = pytest.mark.django_db


def test_the_feed_lists_headlines_and_standfirsts_without_any_body(client):
    make_article(headline="Paid story", standfirst="A short summary.")
    make_article(headline="Free story", access=Article.Access.PUBLIC)
    response = client.get("/feed/")
    assert response.status_code == 200
    xml = response.content.decode()
    assert "Paid story" in xml
    assert "A short summary." in xml
    assert "Free story" in xml
    assert PREVIEW_SENTENCE not in xml
    assert SECRET_SENTENCE not in xml


def test_the_feed_leaves_out_drafts_and_scheduled_articles(client):
    make_article(headline="Draft story", status=Article.Status.DRAFT)
    make_article(headline="Future story", published_at=timezone.now() + timedelta(hours=1))
    make_article(headline="Published story")
    response = client.get("/feed/")
    xml = response.content.decode()
    assert response.status_code == 200
    assert "Published story" in xml
    assert "Draft story" not in xml
    assert "Future story" not in xml


def test_a_section_feed_lists_only_that_section(client):
    mine = make_article(headline="In section")
    make_article(headline="Elsewhere")
    xml = client.get(f"/{mine.section.slug}/feed/").content.decode()
    assert "In section" in xml
    assert "Elsewhere" not in xml
    assert client.get("/no-such-section/feed/").status_code == 404


@pytest.mark.parametrize("count", [1, 12])
def test_feed_queries_are_constant(client, django_assert_num_queries, count):
    for _ in range(count):
        make_article(authors=[make_author(), make_author()])
    # articles, their bylines
    with django_assert_num_queries(2):
        response = client.get("/feed/")
    assert response.status_code == 200


def whole_sitemap(client, **headers) -> str:
    """The sitemap index and every file it lists, as one text."""
    index = client.get("/sitemap.xml", **headers)
    assert index.status_code == 200
    texts = [index.content.decode()]
    for loc in re.findall(r"<loc>([^<]+)</loc>", texts[0]):
        response = client.get(urlsplit(loc).path, **headers)
        assert response.status_code == 200, loc
        texts.append(response.content.decode())
    return "\n".join(texts)


def test_the_sitemap_lists_published_articles_only(client):
    published = make_article()
    draft = make_article(status=Article.Status.DRAFT)
    xml = whole_sitemap(client)
    assert published.get_absolute_url() in xml
    assert draft.get_absolute_url() not in xml
    assert SECRET_SENTENCE not in xml


def test_robots_txt_points_at_the_sitemap(client, settings):
    settings.SITE_URL = "http://testserver"  # robots.txt names SITE_URL (test_one_public_host.py)
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


@pytest.mark.parametrize("path", ["/feed/", "/sitemap.xml"])
def test_feed_and_sitemap_links_point_at_this_site_not_a_placeholder(client, path, settings):
    settings.SITE_URL = "http://localhost"  # links name SITE_URL (test_one_public_host.py)
    article = make_article()
    if path == "/sitemap.xml":
        xml = whole_sitemap(client, HTTP_HOST="localhost")
    else:
        xml = client.get(path, HTTP_HOST="localhost").content.decode()
    assert f"http://localhost{article.get_absolute_url()}" in xml
    assert "example.com" not in xml


def test_the_sitemap_index_lists_one_file_per_50000_article_ids(client):
    first = make_article(headline="Early story")
    late = make_article(headline="Late story")
    Article.objects.filter(pk=late.pk).update(id=120_001)  # in the third block of ids
    index = client.get("/sitemap.xml").content.decode()
    assert absolute("/sitemap-sections.xml") in index
    for number in (1, 2, 3):
        assert absolute(f"/sitemap-articles-{number}.xml") in index
    assert "sitemap-articles-4.xml" not in index
    assert first.get_absolute_url() in client.get("/sitemap-articles-1.xml").content.decode()
    second = client.get("/sitemap-articles-2.xml")
    assert second.status_code == 200
    assert "<urlset" in second.content.decode()
    assert "<url>" not in second.content.decode()
    third = client.get("/sitemap-articles-3.xml").content.decode()
    assert late.get_absolute_url() in third
    assert first.get_absolute_url() not in third
    assert client.get("/sitemap-articles-4.xml").status_code == 404


def test_the_sitemap_lists_every_section(client):
    make_section(name="Harbour", slug="harbour")
    make_section(name="Climate", slug="climate")
    xml = client.get("/sitemap-sections.xml").content.decode()
    assert f"<loc>{absolute('/harbour/')}</loc>" in xml
    assert f"<loc>{absolute('/climate/')}</loc>" in xml
