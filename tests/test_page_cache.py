"""The anonymous page cache (newsroom/pagecache.py): what it serves, to whom, and when it lets go.

Runs on whatever cache the suite has: Redis on CI (REDIS_URL set), local memory otherwise.
"""

import gzip
import pickle
import time
from datetime import timedelta
from email.utils import formatdate

import brotli
import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

from articles.models import Article, ArticleAuthor
from newsroom import pagecache
from subscriptions.models import Plan
from tests.factories import (
    PREVIEW_SENTENCE,
    SECRET_SENTENCE,
    make_article,
    make_author,
    make_section,
    make_tag,
)

pytestmark = pytest.mark.django_db

HIT = "X-Page-Cache"


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60
    pagecache._local.forget()
    yield
    pagecache._local.forget()


@pytest.fixture
def story():
    author, tag = make_author(name="Ada Quill"), make_tag(name="Council")
    section = make_section(name="Harbour", slug="harbour")
    article = make_article(
        headline="The harbour vote",
        access=Article.Access.PUBLIC,
        section=section,
        authors=[author],
        tags=[tag],
    )
    return article, author, tag


def reader_pages(article, author, tag):
    return {
        "home": "/",
        "section": article.section.get_absolute_url(),
        "article": article.get_absolute_url(),
        "author": author.get_absolute_url(),
        "tag": tag.get_absolute_url(),
        "search": "/search/?q=harbour",
    }


def stored_entries() -> list[dict]:
    """Every page held in this process's memory or in the shared cache."""
    entries = list(pagecache._local.pages.values())
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client()
        pattern = f"{backend.key_prefix}:*pagecache:page:*"
        raw = [client.get(key) for key in client.scan_iter(match=pattern)]
        entries += [backend._cache._serializer.loads(value) for value in raw if value]
    else:
        entries += [
            pickle.loads(value)  # noqa: S301 - our own cache, in a test
            for key, value in backend._cache.items()
            if "pagecache:page:" in key
        ]
    return entries


def stored_text() -> str:
    """All stored bodies, each in all three encodings, decoded."""
    return "\n".join(
        text
        for entry in stored_entries()
        for text in (
            entry["identity"].decode(),
            gzip.decompress(entry["gzip"]).decode(),
            brotli.decompress(entry["br"]).decode(),
        )
    )


@pytest.mark.parametrize("page", ["home", "section", "article", "author", "tag", "search"])
def test_an_anonymous_page_is_built_once_then_served_without_a_query(
    client, page_cache, story, django_assert_num_queries, page
):
    url = reader_pages(*story)[page]
    first = client.get(url)
    assert first.status_code == 200
    assert HIT not in first
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200
    assert second[HIT] == "hit"
    assert second.content == first.content
    assert "The harbour vote" in second.content.decode()


def test_a_cached_page_carries_the_headers_a_cdn_needs(client, page_cache, story):
    url = story[0].get_absolute_url()
    client.get(url)
    response = client.get(url)
    assert response[HIT] == "hit"
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=60", "s-maxage=60", "stale-while-revalidate=30"} <= directives
    vary = {part.strip() for part in response["Vary"].split(",")}
    assert {"Cookie", "Accept-Encoding"} <= vary
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")
    assert response["Content-Security-Policy"]  # the headers of the page itself are kept
    assert response["X-Frame-Options"] == "DENY"


def test_conditional_requests_get_304_without_a_body(client, page_cache, story):
    url = story[0].get_absolute_url()
    client.get(url)
    cached = client.get(url)
    etag, modified = cached["ETag"], cached["Last-Modified"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    older = formatdate(time.time() - 3600, usegmt=True)
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=older).status_code == 200
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


@pytest.mark.parametrize(
    ("accept", "decode"), [("br", brotli.decompress), ("gzip", gzip.decompress)]
)
def test_compressed_bodies_are_stored_once_and_chosen_by_accept_encoding(
    client, page_cache, story, accept, decode
):
    url = story[0].get_absolute_url()
    plain = client.get(url).content
    response = client.get(url, HTTP_ACCEPT_ENCODING=f"{accept}, deflate")
    assert response[HIT] == "hit"
    assert response["Content-Encoding"] == accept
    assert int(response["Content-Length"]) == len(response.content) < len(plain)
    assert decode(response.content) == plain


def test_a_cached_page_is_never_served_to_a_signed_in_reader(client, page_cache, subscriber):
    article = make_article(headline="Paid story")  # paid, with SECRET_SENTENCE past the break
    anonymous = client.get(article.get_absolute_url())
    assert client.get(article.get_absolute_url())[HIT] == "hit"
    assert SECRET_SENTENCE not in anonymous.content.decode()
    client.force_login(subscriber)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert HIT not in response
    assert SECRET_SENTENCE in response.content.decode()
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("cookie", ["sessionid", "messages", "some_meter"])
def test_a_request_with_a_session_a_message_or_an_unknown_cookie_is_never_served_from_the_cache(
    client, page_cache, story, cookie
):
    url = story[0].get_absolute_url()
    client.get(url)
    assert client.get(url)[HIT] == "hit"
    client.cookies[cookie] = "anything"
    response = client.get(url)
    assert response.status_code == 200
    assert HIT not in response
    assert "The harbour vote" in response.content.decode()


def test_a_page_that_sets_a_cookie_is_never_stored(client, page_cache):
    first = client.get("/accounts/login/")  # a form: it sets the CSRF cookie
    assert first.status_code == 200
    assert first.cookies
    client.cookies.clear()
    assert HIT not in client.get("/accounts/login/")
    assert "csrfmiddlewaretoken" not in stored_text()


def change_headline(article, author, tag):
    article.headline = "The harbour vote is off"
    article.save()
    return "The harbour vote is off"


def unpublish(article, author, tag):
    article.status = Article.Status.DRAFT
    article.save()
    return


def rename_author(article, author, tag):
    author.name = "Ada Quillfeather"
    author.save()
    return "Ada Quillfeather"


def rename_section(article, author, tag):
    article.section.name = "Waterfront"
    article.section.save()
    return "Waterfront"


def add_topic(article, author, tag):
    article.tags.add(make_tag(name="Lighthouses"))
    return "Lighthouses"


def add_byline(article, author, tag):
    ArticleAuthor.objects.create(article=article, author=make_author(name="Bo Pike"), order=1)
    return "Bo Pike"


def delete_article(article, author, tag):
    article.delete()
    return


def change_plan(article, author, tag):
    Plan.objects.create(
        name="Harbour Pass",
        stripe_product_id="prod_harbour",
        monthly_price_id="price_harbour_month",
        yearly_price_id="price_harbour_year",
        monthly_amount=500,
        yearly_amount=5000,
        currency="usd",
    )
    return "The harbour vote"  # the page is unchanged, but built again


@pytest.mark.parametrize(
    "change",
    [
        change_headline,
        unpublish,
        rename_author,
        rename_section,
        add_topic,
        add_byline,
        delete_article,
        change_plan,
    ],
)
def test_every_change_that_can_alter_a_page_replaces_the_cached_page_at_once(
    client, page_cache, story, change
):
    article, author, tag = story
    url = article.get_absolute_url()
    before = client.get(url)
    assert client.get(url)[HIT] == "hit"
    expected = change(article, author, tag)
    after = client.get(url)
    assert HIT not in after
    if expected is None:
        assert after.status_code == 404
        assert "The harbour vote" not in client.get("/").content.decode()
    else:
        assert after.status_code == 200
        assert expected in after.content.decode()
        assert after.content != before.content or change is change_plan


def test_switching_a_public_story_to_paid_leaves_its_full_text_in_no_cache(client, page_cache):
    article = make_article(headline="Once free", access=Article.Access.PUBLIC)
    for url in [article.get_absolute_url(), "/"]:
        client.get(url)
    assert SECRET_SENTENCE in stored_text()
    article.access = Article.Access.PAID
    article.save()
    assert SECRET_SENTENCE not in stored_text()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert PREVIEW_SENTENCE in html
    assert SECRET_SENTENCE not in html
    assert client.get(article.get_absolute_url())[HIT] == "hit"
    assert SECRET_SENTENCE not in stored_text()


def test_a_bulk_switch_to_paid_through_the_admin_path_leaves_no_full_text(client, page_cache):
    # The admin rewrites the body with update(), which sends no signal; it says so itself.
    article = make_article(headline="Once free", access=Article.Access.PUBLIC)
    client.get(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(access=Article.Access.PAID)
    pagecache.content_changed()
    assert SECRET_SENTENCE not in stored_text()
    assert SECRET_SENTENCE not in client.get(article.get_absolute_url()).content.decode()


def test_no_cached_page_outlives_the_next_scheduled_publication(client, page_cache):
    make_article(headline="Already out")
    due = timezone.now() + timedelta(seconds=1.5)
    make_article(headline="Scheduled story", published_at=due)
    first = client.get("/").content.decode()
    assert "Already out" in first
    assert "Scheduled story" not in first
    assert client.get("/")[HIT] == "hit"
    time.sleep(max(0, (due - timezone.now()).total_seconds()) + 0.1)
    response = client.get("/")
    assert HIT not in response
    assert "Scheduled story" in response.content.decode()


def test_when_redis_is_down_pages_are_served_uncached(client, page_cache, settings, story):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    url = story[0].get_absolute_url()
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert HIT not in response
        assert "The harbour vote" in response.content.decode()
    story[0].headline = "Edited while Redis is down"
    story[0].save()  # the version cannot be replaced: logged, and nothing is served from it
    assert "Edited while Redis is down" in client.get(url).content.decode()


def test_the_cache_is_off_when_page_cache_seconds_is_zero(client, settings, story):
    settings.PAGE_CACHE_SECONDS = 0
    url = story[0].get_absolute_url()
    client.get(url)
    assert HIT not in client.get(url)
