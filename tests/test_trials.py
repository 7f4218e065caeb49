"""Free trials: a plan's trial days go to Checkout for a reader who has never subscribed; the
card is still taken; pricing and the paywall say so; a second trial is never offered."""

from html import unescape
from urllib.parse import urlsplit

import pytest
from django.test import Client

from devtools.stripe_standin.testing import pay, request
from subscriptions.entitlements import may_start_trial
from subscriptions.models import Subscription
from tests.factories import SECRET_SENTENCE, make_article
from tests.html_helpers import button_names
from tests.stripe_helpers import make_plan, store_subscription, stripe_customer_for

pytestmark = pytest.mark.django_db

TRIAL_CTA = "Start your 7-day free trial"
SECOND_TRIAL = "Free trials are for new subscribers. You have subscribed before"


@pytest.fixture
def trial_plan(stripe_standin):
    return make_plan(trial_days=7)


def start(client, plan, **extra):
    return client.post("/subscribe/checkout/", {"plan": plan.pk, "interval": "month", **extra})


def session_state(standin, response):
    assert response.status_code == 303
    session_id = urlsplit(response["Location"]).path.rsplit("/", 1)[-1]
    return standin.store.data["checkout_sessions"][session_id], standin.store.sub_state[session_id]


def text(response):
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_a_new_reader_starts_checkout_with_the_plans_trial_and_the_card_still_taken(
    client, reader, trial_plan, stripe_standin
):
    client.force_login(reader)
    response = start(client, trial_plan)
    session, state = session_state(stripe_standin, response)
    assert state["trial_period_days"] == 7
    assert session["payment_method_collection"] == "always"
    assert session["amount_total"] == 0
    # Stripe's page asks for the card and says nothing is charged today.
    page = request("GET", response["Location"]).text
    assert "Includes a 7-day free trial" in page
    assert "Card number" in page


def test_paying_for_a_trial_gives_access_now_and_a_trialing_subscription(
    client, reader, trial_plan, stripe_standin
):
    article = make_article()
    client.force_login(reader)
    response = start(client, trial_plan, next=article.get_absolute_url())
    paid = pay(response["Location"], email=reader.email)
    assert paid.status == 303
    back = urlsplit(paid.header("Location"))
    client.get(f"{back.path}?{back.query}")
    stored = Subscription.objects.get(user=reader)
    assert stored.status == "trialing"
    assert SECRET_SENTENCE in client.get(article.get_absolute_url()).content.decode()
    # The card was taken, to be charged when the trial ends.
    assert stripe_standin.store.cards[stored.stripe_customer_id]["last4"] == "4242"


@pytest.mark.parametrize("before", ["canceled", "trialing then canceled", "incomplete_expired"])
def test_a_reader_who_has_subscribed_before_gets_no_second_trial(
    client, reader, trial_plan, stripe_standin, before
):
    stripe_customer_for(reader)
    store_subscription(reader, status=before.split()[-1])
    assert not may_start_trial(reader)
    client.force_login(reader)
    pricing = text(client.get("/pricing/"))
    assert SECOND_TRIAL in pricing
    assert TRIAL_CTA not in pricing
    assert f"Subscribe to {trial_plan.name}" in pricing
    _, state = session_state(stripe_standin, start(client, trial_plan))
    assert not state["trial_period_days"]


def test_a_forged_trial_field_cannot_buy_a_second_trial(client, reader, trial_plan, stripe_standin):
    stripe_customer_for(reader)
    store_subscription(reader, status="canceled")
    client.force_login(reader)
    response = start(client, trial_plan, trial_period_days="30", subscription_data="x")
    _, state = session_state(stripe_standin, response)
    assert not state["trial_period_days"]


def test_pricing_offers_the_trial_to_new_and_anonymous_readers(client, reader, trial_plan):
    for who in ("anonymous", "reader"):
        if who == "reader":
            client.force_login(reader)
        pricing = text(client.get("/pricing/"))
        assert f"{TRIAL_CTA} of {trial_plan.name}" in button_names(pricing)
        assert "7 days free" in pricing
        assert "We take your card now and charge it when the trial ends" in pricing
        assert SECOND_TRIAL not in pricing


def test_a_plan_without_a_trial_is_sold_as_before(client, reader, stripe_standin):
    plan = make_plan(name="Plain")
    client.force_login(reader)
    pricing = text(client.get("/pricing/"))
    assert "Subscribe to Plain" in pricing
    assert "free trial" not in pricing.lower()
    _, state = session_state(stripe_standin, start(client, plan))
    assert not state["trial_period_days"]


def test_the_paywall_says_start_your_free_trial_when_a_plan_has_one(client, reader, trial_plan):
    article = make_article()
    html = text(Client().get(article.get_absolute_url()))
    assert TRIAL_CTA in html
    assert SECRET_SENTENCE not in html
    client.force_login(reader)
    html = text(client.get(article.get_absolute_url()))
    assert TRIAL_CTA in html
    assert "Upgrade to read" not in html


def test_the_paywall_does_not_promise_a_trial_to_a_reader_who_had_one(client, reader, trial_plan):
    store_subscription(reader, status="canceled")
    client.force_login(reader)
    html = text(client.get(make_article().get_absolute_url()))
    assert "This post is for paying subscribers only" in html
    assert "Upgrade to read" in html
    assert "free trial" not in html


def test_the_trial_days_are_set_in_the_admin(client, staff_without_group, trial_plan):
    staff_without_group.is_superuser = True
    staff_without_group.save()
    client.force_login(staff_without_group)
    page = client.get(f"/admin/subscriptions/plan/{trial_plan.pk}/change/")
    assert page.status_code == 200
    assert 'name="trial_days" value="7"' in page.content.decode()


@pytest.mark.parametrize("many", [False, True])
def test_the_anonymous_paywall_costs_one_query_more_for_the_trial_offer(
    stripe_standin, django_assert_num_queries, many
):
    for n in range(6 if many else 1):
        make_plan(name=f"Plan {n}", trial_days=n)
    article = make_article()
    # the five of the page (article, bylines, tags, navigation, more from its section), then
    # the longest trial on sale
    with django_assert_num_queries(6):
        assert Client().get(article.get_absolute_url()).status_code == 200
