"""The metered wall: a signed-in reader without a subscription reads a few paid stories whole
each calendar month, counted on the server; anonymous readers get one page for all."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from articles.access import Reason, access_for
from articles.models import Article
from subscriptions.entitlements import has_paid_access
from subscriptions.models import MeteredRead
from tests.factories import PREVIEW_SENTENCE, SECRET_SENTENCE, make_article, make_author, make_tag
from tests.stripe_helpers import store_subscription

pytestmark = pytest.mark.django_db

LEFT_ONE = "1 of 2 free stories left this month"
LEFT_NONE = "0 of 2 free stories left this month"
USED_UP = "You've read your 2 free stories this month"
ANONYMOUS_CTA = "Sign up free to read 2 subscriber stories a month"


@pytest.fixture
def metered(settings):
    settings.METERED_FREE_STORIES = 2


def read(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert article.headline in html
    assert PREVIEW_SENTENCE in html
    return response, html


def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


def test_a_registered_reader_reads_two_paid_stories_whole_then_meets_the_wall(
    client, reader, metered
):
    first, second, third = make_article(), make_article(), make_article()
    client.force_login(reader)

    response, html = read(client, first)
    assert SECRET_SENTENCE in html
    assert LEFT_ONE in html
    assert "private" in cache_control(response)

    _, html = read(client, second)
    assert SECRET_SENTENCE in html
    assert LEFT_NONE in html

    response, html = read(client, third)
    assert SECRET_SENTENCE not in html
    assert USED_UP in html
    assert "Subscribe to read this one" in html
    assert LEFT_NONE not in html
    assert MeteredRead.objects.filter(user=reader).count() == 2


def test_rereading_a_story_this_month_costs_nothing(client, reader, metered):
    first, second, third = make_article(), make_article(), make_article()
    client.force_login(reader)
    for _ in range(3):
        _, html = read(client, first)
        assert SECRET_SENTENCE in html
        assert LEFT_ONE in html
    read(client, second)
    read(client, third)  # the wall
    # Stories already read this month stay readable once the free ones are spent.
    _, html = read(client, first)
    assert SECRET_SENTENCE in html
    assert LEFT_NONE in html
    assert MeteredRead.objects.filter(user=reader).count() == 2


def test_each_reader_has_their_own_count(client, reader, django_user_model, metered):
    first, second, third = make_article(), make_article(), make_article()
    client.force_login(reader)
    read(client, first)
    read(client, second)
    other = Client()
    other.force_login(django_user_model.objects.create_user(email="other@example.com"))
    _, html = read(other, third)
    assert SECRET_SENTENCE in html
    assert LEFT_ONE in html


def test_the_count_starts_again_each_calendar_month(client, reader, metered):
    first, second, third = make_article(), make_article(), make_article()
    client.force_login(reader)
    read(client, first)
    read(client, second)
    assert USED_UP in read(client, third)[1]
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    MeteredRead.objects.filter(user=reader).update(month=last_month)

    _, html = read(client, third)
    assert SECRET_SENTENCE in html
    assert LEFT_ONE in html
    assert set(MeteredRead.objects.values_list("month", flat=True)) == {
        last_month,
        timezone.localdate().replace(day=1),
    }


def test_the_month_is_the_newsrooms_calendar_month(reader, metered, settings, monkeypatch):
    settings.TIME_ZONE = "Pacific/Auckland"
    # 23:30 UTC on 31 January is already 1 February in Auckland.
    moment = timezone.make_aware(timezone.datetime(2026, 1, 31, 23, 30), timezone.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    access_for(reader, make_article())
    assert MeteredRead.objects.get().month == date(2026, 2, 1)


def test_the_wall_is_off_by_default(client, reader):
    client.force_login(reader)
    _, html = read(client, make_article())
    assert SECRET_SENTENCE not in html
    assert "This post is for paying subscribers only" in html
    assert "free stories" not in html
    assert not MeteredRead.objects.exists()


def test_the_anonymous_call_to_action_offers_the_free_stories(metered):
    article = make_article()
    first, html = read(Client(), article)
    assert SECRET_SENTENCE not in html
    assert ANONYMOUS_CTA in html
    assert f'href="/accounts/signup/?next={article.get_absolute_url()}"' in html
    # One page for every anonymous reader: nothing counted, nothing that differs per visitor.
    second = Client().get(article.get_absolute_url())
    assert second.content == first.content
    assert "public" in cache_control(first)
    assert "Set-Cookie" not in first.headers
    assert not MeteredRead.objects.exists()


def test_the_anonymous_call_to_action_says_nothing_of_free_stories_when_the_wall_is_off(client):
    _, html = read(client, make_article())
    assert "This post is for paying subscribers only" in html
    assert "Sign up free to read" not in html


@pytest.mark.parametrize("access", [Article.Access.PUBLIC, Article.Access.REGISTERED])
def test_free_and_registered_stories_spend_nothing(client, reader, metered, access):
    client.force_login(reader)
    _, html = read(client, make_article(access=access))
    assert SECRET_SENTENCE in html
    assert "free stories left" not in html
    assert not MeteredRead.objects.exists()


def test_subscribers_and_staff_spend_nothing(client, subscriber, staff_without_group, metered):
    article = make_article()
    for user in (subscriber, staff_without_group):
        client.force_login(user)
        _, html = read(client, article)
        assert SECRET_SENTENCE in html
        assert "free stories left" not in html
    assert not MeteredRead.objects.exists()


def test_a_lapsed_subscriber_is_metered_like_any_registered_reader(client, reader, metered):
    store_subscription(reader, status="canceled")
    client.force_login(reader)
    _, html = read(client, make_article())
    assert SECRET_SENTENCE in html
    assert LEFT_ONE in html


def test_a_metered_reader_is_not_a_subscriber_anywhere_else(client, reader, metered):
    client.force_login(reader)
    read(client, make_article())
    assert access_for(reader, make_article()).reason == Reason.METERED
    assert not has_paid_access(type(reader).objects.get(pk=reader.pk))
    pricing = client.get("/pricing/")
    assert pricing.status_code == 200
    assert "You already have paid access" not in pricing.content.decode()


def test_a_story_read_on_the_meter_is_private_and_not_indexed_by_a_shared_cache(
    client, reader, metered
):
    client.force_login(reader)
    response, html = read(client, make_article())
    assert SECRET_SENTENCE in html
    directives = cache_control(response)
    assert "private" in directives
    assert "public" not in directives


def test_a_last_story_spent_in_another_tab_meanwhile_is_counted_under_the_lock(
    reader, metered, monkeypatch
):
    first, second, third = make_article(), make_article(), make_article()
    this_month = timezone.localdate().replace(day=1)
    MeteredRead.objects.create(user=reader, article=first, month=this_month)
    real_atomic = transaction.atomic

    def another_tab_spends_the_last_one(*args, **kwargs):
        # Between our first look (one left) and taking the lock, another tab reads `second`.
        MeteredRead.objects.get_or_create(user=reader, article=second, month=this_month)
        return real_atomic(*args, **kwargs)

    monkeypatch.setattr(
        "subscriptions.entitlements.transaction",
        SimpleNamespace(atomic=another_tab_spends_the_last_one),
    )
    decision = access_for(reader, third)
    assert not decision.full
    assert decision.reason == Reason.UPGRADE_REQUIRED
    assert decision.meter.left == 0
    assert set(MeteredRead.objects.values_list("article", flat=True)) == {first.pk, second.pk}


@pytest.mark.parametrize("many", [False, True])
def test_the_metered_page_costs_the_same_however_many_authors_and_topics(
    client, reader, metered, django_assert_num_queries, many
):
    authors = [make_author() for _ in range(5 if many else 1)]
    tags = [make_tag() for _ in range(8 if many else 1)]
    article = make_article(authors=authors, tags=tags)
    client.force_login(reader)
    # session, user, billing state, this month's reads; then under the lock: savepoint, the
    # reader's row, the count, the new read, release; then the five of the anonymous page
    # (article, bylines, tags, navigation, more from its section).
    with django_assert_num_queries(14):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert LEFT_ONE in response.content.decode()
    # A reread: this month's reads answer it alone.
    with django_assert_num_queries(9):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert LEFT_ONE in response.content.decode()


@pytest.mark.parametrize("already", [2, 12])
def test_the_wall_costs_the_same_however_many_stories_were_read(
    client, reader, metered, django_assert_num_queries, already
):
    this_month = timezone.localdate().replace(day=1)
    for _ in range(already):
        MeteredRead.objects.create(user=reader, article=make_article(), month=this_month)
    article = make_article()
    client.force_login(reader)
    # as a reread, then the longest free trial on sale for the call to action
    with django_assert_num_queries(10):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert USED_UP in response.content.decode()
