"""The retention offer: an editor marks one offer as the one shown to subscribers who cancel;
the account page's "Cancel subscription" opens Stripe's portal straight into cancelling, with
that coupon offered first; taking it discounts the subscription, and the account page says so."""

from datetime import timedelta
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from devtools.stripe_standin.testing import pay, request
from subscriptions import services
from subscriptions.models import Offer, Subscription
from tests.stripe_helpers import deliver, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(stripe_standin):
    return make_plan(name="Digital", monthly=900, yearly=9000)


def make_offer(*, code="STAY", name="Stay with us", retention=True, **fields):
    fields.setdefault("kind", Offer.Kind.PERCENT)
    fields.setdefault("percent_off", 50)
    fields.setdefault("duration", Offer.Duration.REPEATING)
    fields.setdefault("duration_in_months", 3)
    offer = Offer(code=code, name=name, **fields)
    services.create_offer_at_stripe(offer=offer, plans=[])
    offer.is_retention = retention
    offer.save()
    return offer


def text(response):
    return unescape(response.content.decode())


@pytest.fixture
def subscriber(client, reader, plan, stripe_standin):
    client.force_login(reader)
    started = client.post("/subscribe/checkout/", {"plan": plan.pk, "interval": "month"})
    paid = pay(started["Location"], email=reader.email)
    back = urlsplit(paid.header("Location"))
    client.get(f"{back.path}?{back.query}")
    assert Subscription.objects.get(user=reader).status == "active"
    return reader


def open_cancellation(client, standin):
    response = client.post("/account/billing/cancel/")
    assert response.status_code == 303, text(response)[:1000]
    bps_id = urlsplit(response["Location"]).path.rsplit("/", 1)[-1]
    return response["Location"], standin.store.data["portal_sessions"][bps_id]


def deliver_latest(standin, kind):
    event = [e for e in standin.store.data["events"].values() if e["type"] == kind][-1]
    assert deliver(Client(), event).status_code == 200


def test_the_account_page_cancels_through_the_portal_with_the_retention_coupon(
    client, subscriber, stripe_standin
):
    offer = make_offer()
    account = text(client.get("/account/"))
    assert "Cancel subscription" in account
    _, session = open_cancellation(client, stripe_standin)
    flow = session["flow"]
    subscription = Subscription.objects.get(user=subscriber)
    assert flow["type"] == "subscription_cancel"
    assert flow["subscription_cancel"] == {
        "subscription": subscription.stripe_id,
        "retention": {"type": "coupon_offer", "coupon_offer": {"coupon": offer.stripe_coupon_id}},
    }
    assert flow["after_completion"]["redirect"]["return_url"].endswith("/account/?billing=updated")


def test_a_subscriber_who_takes_the_offer_keeps_their_subscription_at_half_price(
    client, subscriber, stripe_standin
):
    offer = make_offer()
    url, _ = open_cancellation(client, stripe_standin)
    page = request("GET", url).text
    assert "Before you go: 50% off for 3 months" in page
    subscription = Subscription.objects.get(user=subscriber)
    accepted = request(
        "POST", url, form={"action": "accept_retention", "subscription": subscription.stripe_id}
    )
    assert accepted.status == 303
    assert urlsplit(accepted.header("Location")).path == "/account/"

    deliver_latest(stripe_standin, "customer.subscription.updated")
    subscription.refresh_from_db()
    assert subscription.discount_offer == offer
    assert subscription.offer is None  # it was not bought with an offer
    assert subscription.status == "active" and not subscription.cancel_at_period_end
    assert timedelta(days=88) < subscription.discount_ends_at - timezone.now() < timedelta(days=93)
    account = text(client.get("/account/?billing=updated"))
    assert "50% off for 3 months, until" in account
    assert subscription.discount_ends_at.strftime("%-d %B %Y") in account
    assert "(Stay with us)" in account

    # The discount is on the next payment, and a second cancellation offers nothing more.
    stripe_standin.advance(days=31)
    renewal = [
        i
        for i in stripe_standin.store.data["invoices"].values()
        if i["billing_reason"] == "subscription_cycle"
    ]
    assert renewal[0]["amount_paid"] == 450
    _, again = open_cancellation(client, stripe_standin)
    assert (
        "retention" not in again["flow"]["subscription_cancel"]
        or not again["flow"]["subscription_cancel"]["retention"]
    )


def test_a_subscriber_who_cancels_anyway_is_ending_and_is_not_asked_again(
    client, subscriber, stripe_standin
):
    make_offer()
    url, _ = open_cancellation(client, stripe_standin)
    subscription = Subscription.objects.get(user=subscriber)
    done = request(
        "POST",
        url,
        form={"action": "cancel_at_period_end", "subscription": subscription.stripe_id},
    )
    assert done.status == 303
    deliver_latest(stripe_standin, "customer.subscription.updated")
    subscription.refresh_from_db()
    assert subscription.cancel_at_period_end
    assert subscription.discount_offer is None
    account = text(client.get("/account/"))
    assert "Ending" in account
    assert "Cancel subscription" not in account
    response = client.post("/account/billing/cancel/")
    assert response.status_code == 303
    assert urlsplit(response["Location"]).path == "/account/"


def test_without_a_retention_offer_the_flow_only_cancels(client, subscriber, stripe_standin):
    make_offer(code="PUBLIC", retention=False)
    _, session = open_cancellation(client, stripe_standin)
    assert session["flow"]["subscription_cancel"]["retention"] is None


def test_a_trial_is_not_offered_the_retention_coupon(client, reader, stripe_standin):
    make_offer()
    plan = make_plan(name="Trial plan", trial_days=7)
    client.force_login(reader)
    started = client.post("/subscribe/checkout/", {"plan": plan.pk, "interval": "month"})
    back = urlsplit(pay(started["Location"], email=reader.email).header("Location"))
    client.get(f"{back.path}?{back.query}")
    assert Subscription.objects.get(user=reader).status == "trialing"
    _, session = open_cancellation(client, stripe_standin)
    assert session["flow"]["subscription_cancel"]["retention"] is None


def test_a_coupon_stripe_refuses_still_lets_the_reader_cancel(client, subscriber, stripe_standin):
    offer = make_offer()
    # Used up at Stripe (say, by hand in the dashboard): Stripe refuses to offer it.
    coupon = stripe_standin.store.data["coupons"][offer.stripe_coupon_id]
    coupon["max_redemptions"], coupon["times_redeemed"] = 1, 1
    _, session = open_cancellation(client, stripe_standin)
    assert session["flow"]["type"] == "subscription_cancel"
    assert session["flow"]["subscription_cancel"]["retention"] is None


def test_a_reader_without_a_subscription_is_told_so(client, reader, stripe_standin):
    client.force_login(reader)
    response = client.post("/account/billing/cancel/", follow=True)
    assert response.status_code == 200
    assert "You have no subscription to cancel." in text(response)
    assert not stripe_standin.store.data["portal_sessions"]


def test_cancelling_is_a_post_by_a_signed_in_reader(client, subscriber, stripe_standin):
    assert client.get("/account/billing/cancel/").status_code == 405
    anonymous = Client().post("/account/billing/cancel/")
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    assert not stripe_standin.store.data["portal_sessions"]


# ---------------------------------------------------------------- the admin


@pytest.fixture
def admin_client(client, staff_without_group):
    staff_without_group.is_superuser = True
    staff_without_group.save()
    client.force_login(staff_without_group)
    return client


def mark(admin_client, *offers):
    return admin_client.post(
        "/admin/subscriptions/offer/",
        {"action": "make_retention", "_selected_action": [o.pk for o in offers]},
        follow=True,
    )


def test_an_editor_marks_one_offer_as_the_retention_offer(admin_client, stripe_standin):
    first = make_offer(code="FIRST", retention=False)
    second = make_offer(code="SECOND", retention=False, percent_off=30)
    assert "FIRST (50% off for 3 months) is now offered" in text(mark(admin_client, first))
    assert "SECOND (30% off for 3 months) is now offered" in text(mark(admin_client, second))
    assert list(Offer.objects.filter(is_retention=True)) == [second]
    # Its own page is closed: it is for subscribers who are leaving.
    page = admin_client.get("/offer/SECOND/")
    assert page.status_code == 410
    assert "This offer is not open to new subscribers." in text(page)


@pytest.mark.parametrize("which", ["trial", "two at once", "archived"])
def test_an_offer_that_cannot_keep_a_subscriber_is_refused(admin_client, stripe_standin, which):
    if which == "trial":
        offers = [Offer.objects.create(code="TRY", name="Try", kind="trial", trial_days=7)]
    elif which == "two at once":
        offers = [make_offer(code="A1", retention=False), make_offer(code="A2", retention=False)]
    else:
        offers = [make_offer(retention=False)]
        services.archive_offer(offer=offers[0])
    response = mark(admin_client, *offers)
    assert response.status_code == 200
    assert "cannot be the retention offer" in text(response) or "Choose one offer" in text(response)
    assert not Offer.objects.filter(is_retention=True).exists()


def test_the_admin_counts_the_subscribers_the_offer_kept(
    subscriber, staff_without_group, stripe_standin
):
    offer = make_offer()
    Subscription.objects.filter(user=subscriber).update(discount_offer=offer)
    staff_without_group.is_superuser = True
    staff_without_group.save()
    editor = Client()
    editor.force_login(staff_without_group)
    listing = text(editor.get("/admin/subscriptions/offer/"))
    assert "1 kept" in listing
