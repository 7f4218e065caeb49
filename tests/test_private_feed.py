"""The private RSS feed: a paying reader's own address, whole stories while they have access,
the preview otherwise; rotated from the account page; never cached or indexed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from newsroom import pagecache
from readers.models import PrivateFeed
from subscriptions.models import Subscription
from tests.factories import PREVIEW_SENTENCE, SECRET_SENTENCE, make_article, make_author
from tests.stripe_helpers import store_subscription
from tests.users import verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_story():
    return make_article(headline="Harbour deal", access=Article.Access.PAID)


def feed_of(user):
    return PrivateFeed.objects.create(user=user)


def test_a_paying_readers_feed_carries_whole_paid_stories(client, subscriber, paid_story):
    response = client.get(feed_of(subscriber).get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    body = response.content.decode()
    assert "Harbour deal" in body
    assert PREVIEW_SENTENCE in body
    assert SECRET_SENTENCE in body


def test_the_feed_is_private_never_stored_and_not_indexed(client, subscriber, paid_story):
    response = client.get(feed_of(subscriber).get_absolute_url())
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives
    assert response["X-Robots-Tag"] == "noindex"


def test_a_lapsed_subscribers_feed_carries_the_preview_only(client, subscriber, paid_story):
    feed = feed_of(subscriber)
    Subscription.objects.filter(user=subscriber).update(status="canceled", ended_at=timezone.now())
    response = client.get(feed.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Harbour deal" in body
    assert PREVIEW_SENTENCE in body
    assert SECRET_SENTENCE not in body
    assert "Subscribe to read on" in body


def test_public_stories_are_whole_for_everyone_with_a_feed(client, reader):
    make_article(headline="Open story", access=Article.Access.PUBLIC)
    body = client.get(feed_of(reader).get_absolute_url()).content.decode()
    assert SECRET_SENTENCE in body


def test_drafts_and_scheduled_stories_are_not_in_the_feed(client, subscriber):
    make_article(headline="Still a draft", status=Article.Status.DRAFT)
    make_article(headline="Not yet", published_at=timezone.now() + timedelta(hours=1))
    make_article(headline="Out now")
    body = client.get(feed_of(subscriber).get_absolute_url()).content.decode()
    assert "Out now" in body
    assert "Still a draft" not in body
    assert "Not yet" not in body


def test_an_unknown_token_is_not_found(client, subscriber, paid_story):
    feed_of(subscriber)
    response = client.get("/feed/private/not-a-token/")
    assert response.status_code == 404
    assert SECRET_SENTENCE not in response.content.decode()


def test_a_deactivated_accounts_feed_is_not_found(client, subscriber, paid_story):
    feed = feed_of(subscriber)
    subscriber.is_active = False
    subscriber.save()
    assert client.get(feed.get_absolute_url()).status_code == 404


def test_the_feed_answers_get_and_head_only(client, subscriber):
    assert client.post(feed_of(subscriber).get_absolute_url()).status_code == 405


def test_the_page_cache_never_keeps_the_feed(client, subscriber, paid_story, settings):
    settings.PAGE_CACHE_SECONDS = 60
    pagecache._local.forget()
    url = feed_of(subscriber).get_absolute_url()
    first = client.get(url)
    assert SECRET_SENTENCE in first.content.decode()
    Subscription.objects.filter(user=subscriber).update(status="canceled")
    again = client.get(url)
    assert "X-Page-Cache" not in again
    assert SECRET_SENTENCE not in again.content.decode()
    assert PREVIEW_SENTENCE in again.content.decode()
    pagecache._local.forget()


# ---------------------------------------------------------------- the account page


def test_a_paying_reader_gets_a_feed_from_the_account_page(client, subscriber, paid_story):
    client.force_login(subscriber)
    page = client.get("/account/")
    assert "Get my private feed" in page.content.decode()
    response = client.post("/account/feed/rotate/", follow=True)
    feed = PrivateFeed.objects.get(user=subscriber)
    html = response.content.decode()
    assert "Your private feed is ready" in html
    assert feed.get_absolute_url() in html
    assert SECRET_SENTENCE in client.get(feed.get_absolute_url()).content.decode()


def test_a_free_reader_is_offered_no_feed_and_cannot_make_one(client, reader):
    client.force_login(reader)
    page = client.get("/account/")
    assert page.status_code == 200
    assert "Your account" in page.content.decode()
    assert "private feed" not in page.content.decode().lower()
    response = client.post("/account/feed/rotate/", follow=True)
    assert "A private feed comes with a subscription." in response.content.decode()
    assert not PrivateFeed.objects.exists()


def test_rotating_the_address_kills_the_old_one(client, subscriber, paid_story):
    feed = feed_of(subscriber)
    old_url = feed.get_absolute_url()
    client.force_login(subscriber)
    response = client.post("/account/feed/rotate/", follow=True)
    assert "The old one no longer works" in response.content.decode()
    feed.refresh_from_db()
    assert feed.get_absolute_url() != old_url
    assert feed.get_absolute_url() in response.content.decode()
    client.logout()
    assert client.get(old_url).status_code == 404
    assert SECRET_SENTENCE in client.get(feed.get_absolute_url()).content.decode()


def test_a_lapsed_reader_still_sees_and_can_rotate_their_feed(client, subscriber):
    feed = feed_of(subscriber)
    Subscription.objects.filter(user=subscriber).update(status="canceled")
    client.force_login(subscriber)
    html = client.get("/account/").content.decode()
    assert feed.get_absolute_url() in html
    assert "without one it shows the beginning of each story" in html
    client.post("/account/feed/rotate/")
    assert client.get(feed.get_absolute_url()).status_code == 404


def test_rotating_needs_a_signed_in_post(client, subscriber):
    feed = feed_of(subscriber)
    assert client.get("/account/feed/rotate/").status_code == 405
    response = client.post("/account/feed/rotate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert PrivateFeed.objects.get().token == feed.token


def test_one_readers_rotation_leaves_another_readers_feed_alone(client, subscriber):
    other = verified_user("other-subscriber@example.com")
    store_subscription(other)
    theirs = feed_of(other)
    feed_of(subscriber)
    client.force_login(subscriber)
    client.post("/account/feed/rotate/")
    assert PrivateFeed.objects.get(user=other).token == theirs.token


# ---------------------------------------------------------------- query count


@pytest.mark.parametrize("stories", [1, 12], ids=["few", "many"])
def test_the_feed_costs_the_same_queries_however_many_stories(
    client, subscriber, django_assert_num_queries, stories
):
    author = make_author()
    for _ in range(stories):
        make_article(authors=[author])
    url = feed_of(subscriber).get_absolute_url()
    # the feed and its reader, the reader's paid access, the stories, their bylines
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<item>") == stories
