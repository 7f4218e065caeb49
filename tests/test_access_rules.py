"""The access rule, in one place: which stored states let a reader read paid work."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from articles.access import Reason, access_for
from articles.models import Article
from subscriptions.entitlements import billing_state, has_paid_access
from subscriptions.models import ComplimentaryAccess
from tests.factories import PREVIEW_SENTENCE, SECRET_SENTENCE, make_article
from tests.stripe_helpers import store_subscription

pytestmark = pytest.mark.django_db


def fresh(user):
    # The answer is cached on the user object for one request; a new request loads anew.
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("status", ["active", "trialing"])
def test_active_and_trialing_subscriptions_grant_paid_access(reader, status):
    store_subscription(reader, status=status)
    assert has_paid_access(fresh(reader))


@pytest.mark.parametrize(
    "status", ["canceled", "unpaid", "incomplete", "incomplete_expired", "paused"]
)
def test_every_other_status_denies_paid_access(reader, status):
    store_subscription(reader, status=status)
    assert not has_paid_access(fresh(reader))


def test_a_reader_without_a_subscription_has_no_paid_access(reader):
    assert not has_paid_access(fresh(reader))


def test_past_due_grants_access_within_the_grace_period(reader, settings):
    settings.SUBSCRIPTION_GRACE_DAYS = 3
    store_subscription(
        reader, status="past_due", past_due_since=timezone.now() - timedelta(days=2, hours=23)
    )
    state = billing_state(fresh(reader))
    assert state.paid
    assert state.in_grace


def test_past_due_denies_access_once_the_grace_period_is_over(reader, settings):
    settings.SUBSCRIPTION_GRACE_DAYS = 3
    store_subscription(
        reader, status="past_due", past_due_since=timezone.now() - timedelta(days=3, minutes=1)
    )
    state = billing_state(fresh(reader))
    assert not state.paid
    assert not state.in_grace


def test_the_grace_period_follows_the_setting(reader, settings):
    store_subscription(reader, status="past_due", past_due_since=timezone.now() - timedelta(days=5))
    settings.SUBSCRIPTION_GRACE_DAYS = 3
    assert not has_paid_access(fresh(reader))
    settings.SUBSCRIPTION_GRACE_DAYS = 7
    assert has_paid_access(fresh(reader))


def test_someone_elses_subscription_grants_nothing(reader, subscriber):
    assert has_paid_access(fresh(subscriber))
    assert not has_paid_access(fresh(reader))


def test_complimentary_access_without_expiry_grants_paid_access(reader, staff_without_group):
    ComplimentaryAccess.objects.create(
        user=reader, reason="Press pass", granted_by=staff_without_group
    )
    assert has_paid_access(fresh(reader))


def test_complimentary_access_grants_until_it_expires(reader):
    ComplimentaryAccess.objects.create(
        user=reader, reason="Trial for a school", expires_at=timezone.now() + timedelta(hours=1)
    )
    assert has_paid_access(fresh(reader))


def test_expired_complimentary_access_grants_nothing(reader):
    ComplimentaryAccess.objects.create(
        user=reader, reason="Last year's contest", expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert not has_paid_access(fresh(reader))


def test_anonymous_readers_cost_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert not has_paid_access(AnonymousUser())


@pytest.mark.parametrize("subscriptions", [1, 8])
def test_a_signed_in_reader_costs_one_query_however_often_asked(
    reader, subscriptions, django_assert_num_queries
):
    for _ in range(subscriptions):
        store_subscription(reader, status="canceled")
    ComplimentaryAccess.objects.create(
        user=reader, reason="old", expires_at=timezone.now() - timedelta(days=1)
    )
    user = fresh(reader)
    with django_assert_num_queries(1):
        for _ in range(5):
            assert not has_paid_access(user)
            assert not billing_state(user).in_grace


def test_the_paywall_asks_the_same_rule(reader):
    article = make_article()
    assert access_for(fresh(reader), article).reason == Reason.UPGRADE_REQUIRED
    store_subscription(reader, status="trialing")
    assert access_for(fresh(reader), article).reason == Reason.SUBSCRIBER


def test_a_past_due_reader_in_grace_reads_in_full_and_sees_the_card_banner(client, reader):
    article = make_article()
    store_subscription(reader, status="past_due")
    client.force_login(reader)
    page = client.get(article.get_absolute_url()).content.decode()
    assert SECRET_SENTENCE in page
    assert "Your last payment failed" in page


def test_a_reader_past_grace_sees_only_the_preview(client, reader, settings):
    settings.SUBSCRIPTION_GRACE_DAYS = 3
    article = make_article()
    store_subscription(reader, status="past_due", past_due_since=timezone.now() - timedelta(days=4))
    client.force_login(reader)
    response = client.get(article.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert PREVIEW_SENTENCE in page  # the article's page, showing its preview
    assert SECRET_SENTENCE not in page
    assert "Your last payment failed" not in page


def test_comp_access_reads_in_full_and_expired_comp_does_not(client, reader):
    article = make_article()
    comp = ComplimentaryAccess.objects.create(user=reader, reason="Press pass")
    client.force_login(reader)
    assert SECRET_SENTENCE in client.get(article.get_absolute_url()).content.decode()
    comp.expires_at = timezone.now() - timedelta(minutes=1)
    comp.save()
    assert SECRET_SENTENCE not in client.get(article.get_absolute_url()).content.decode()


def test_an_access_decision_has_no_truth_value_so_callers_say_full():
    article = make_article(access=Article.Access.PAID)
    decision = access_for(AnonymousUser(), article)
    assert decision.full is False
    assert decision.reason == Reason.SUBSCRIPTION_REQUIRED
    with pytest.raises(TypeError, match="use .full"):
        bool(decision)
