"""One public host everywhere: a page asked for under another name (a node's own address, a
proxy's internal host) still names SITE_URL in every link meant to leave it."""

import json
import re

import pytest
from django.core import mail

from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db

OTHER_HOST = "node-2.internal"


@pytest.fixture(autouse=True)
def public_host(settings):
    settings.SITE_URL = "https://news.example.com"
    settings.ALLOWED_HOSTS = [OTHER_HOST, "testserver"]


def get(client, path):
    response = client.get(path, HTTP_HOST=OTHER_HOST)
    assert response.status_code == 200, path
    return response.content.decode()


def test_the_article_page_names_only_the_public_host(client):
    article = make_article(access="public", authors=[make_author(slug="ada")])
    html = get(client, article.get_absolute_url())
    url = f"https://news.example.com{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["mainEntityOfPage"] == url
    assert data["author"][0]["url"] == "https://news.example.com/authors/ada/"
    assert OTHER_HOST not in html


@pytest.mark.parametrize(
    "path", ["/feed/", "/sitemap.xml", "/sitemap-articles-1.xml", "/robots.txt"]
)
def test_feeds_the_sitemap_and_robots_txt_name_only_the_public_host(client, path):
    article = make_article()
    text = get(client, path)
    assert OTHER_HOST not in text
    if path == "/robots.txt":
        assert "Sitemap: https://news.example.com/sitemap.xml" in text
    elif path == "/sitemap.xml":  # the index: its files, on the public host
        assert "<loc>https://news.example.com/sitemap-articles-1.xml</loc>" in text
    else:
        assert f"https://news.example.com{article.get_absolute_url()}" in text


def test_a_section_feed_links_back_to_itself_on_the_public_host(client):
    article = make_article()
    text = get(client, f"/{article.section.slug}/feed/")
    assert f"https://news.example.com/{article.section.slug}/feed/" in text
    assert OTHER_HOST not in text


def test_emails_name_only_the_public_host(client, reader):
    client.post("/accounts/login/code/", {"email": reader.email}, HTTP_HOST=OTHER_HOST)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    bodies = [message.body] + [content for content, _ in getattr(message, "alternatives", [])]
    assert all(OTHER_HOST not in body for body in bodies)
    assert "https://news.example.com" in message.body


def test_feeds_and_the_sitemap_may_be_kept_by_caches(client):
    make_article()
    for path, max_age in [("/feed/", 300), ("/sitemap.xml", 3600)]:
        response = client.get(path)
        assert response.status_code == 200
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"public", f"max-age={max_age}"} <= directives, path
