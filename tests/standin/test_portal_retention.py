"""The portal's cancellation deep link in the stand-in: `flow_data` of type
`subscription_cancel`, with a retention coupon offered first ("Before you go: 50% off for 3
months"); accepting it makes the coupon the subscription's discount and emits
customer.subscription.updated; cancelling sets cancel_at_period_end; both return to the site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import stripe

from devtools.stripe_standin.testing import monthly_checkout, pay, request

REPO = Path(__file__).resolve().parents[2]
RETURN = "https://news.test/account/?billing=updated"


@pytest.fixture
def subscribed(srv, client):
    price, session = monthly_checkout(client)
    pay(session.url)
    done = client.v1.checkout.sessions.retrieve(session.id)
    return done.customer, done.subscription


@pytest.fixture
def coupon(client):
    return client.v1.coupons.create(
        params={"percent_off": 50, "duration": "repeating", "duration_in_months": 3}
    )


def cancel_flow(client, customer, subscription, *, retention=None, **after):
    flow = {
        "type": "subscription_cancel",
        "subscription_cancel": {"subscription": subscription},
        "after_completion": after or {"type": "redirect", "redirect": {"return_url": RETURN}},
    }
    if retention:
        flow["subscription_cancel"]["retention"] = {
            "type": "coupon_offer",
            "coupon_offer": {"coupon": retention},
        }
    return client.v1.billing_portal.sessions.create(
        params={"customer": customer, "return_url": RETURN, "flow_data": flow}
    )


def form(session, subscription, action):
    return request("POST", session.url, form={"action": action, "subscription": subscription})


def events(srv, kind):
    return [e for e in srv.store.data["events"].values() if e["type"] == kind]


def test_the_session_carries_the_flow_in_stripes_shape(srv, client, subscribed, coupon):
    customer, subscription = subscribed
    session = cancel_flow(client, customer, subscription, retention=coupon.id)
    flow = session.to_dict()["flow"]
    assert set(flow) == {
        "after_completion",
        "subscription_cancel",
        "subscription_update",
        "subscription_update_confirm",
        "type",
    }
    fixtures = REPO.parent / "shared/stripe/fixtures.json"
    if fixtures.is_file():  # beside the repo in CI, as for test_shapes
        theirs = json.loads(fixtures.read_text())["resources"]["billing_portal.session"]["flow"]
        assert set(flow) == set(theirs)
        assert set(flow["after_completion"]) == set(theirs["after_completion"])
        assert set(flow["subscription_cancel"]) == set(theirs["subscription_cancel"])
        retention = flow["subscription_cancel"]["retention"]
        assert set(retention) == set(theirs["subscription_cancel"]["retention"])
    assert flow["type"] == "subscription_cancel"
    assert flow["subscription_cancel"] == {
        "retention": {"coupon_offer": {"coupon": coupon.id}, "type": "coupon_offer"},
        "subscription": subscription,
    }
    assert flow["after_completion"]["redirect"] == {"return_url": RETURN}


def test_the_page_offers_the_coupon_and_accepting_it_discounts_the_subscription(
    srv, client, subscribed, coupon
):
    customer, subscription = subscribed
    session = cancel_flow(client, customer, subscription, retention=coupon.id)
    page = request("GET", session.url).text
    assert "Before you go: 50% off for 3 months" in page
    assert "Accept offer" in page and "Cancel subscription" in page

    accepted = form(session, subscription, "accept_retention")
    assert accepted.status == 303
    assert accepted.header("Location") == RETURN
    sub = srv.store.data["subscriptions"][subscription]
    (discount_id,) = sub["discounts"]
    discount = srv.store.data["discounts"][discount_id]
    assert discount["source"] == {"coupon": coupon.id, "type": "coupon"}
    assert discount["end"] is not None
    assert sub["cancel_at_period_end"] is False
    update = events(srv, "customer.subscription.updated")[-1]
    assert update["data"]["previous_attributes"] == {"discounts": []}
    assert srv.store.data["coupons"][coupon.id]["times_redeemed"] == 1

    # The next renewal costs half.
    srv.advance(days=31)
    renewal = [
        i
        for i in srv.store.data["invoices"].values()
        if i["billing_reason"] == "subscription_cycle"
    ]
    assert renewal[0]["amount_paid"] == renewal[0]["subtotal"] // 2

    # Once taken, the offer is not shown again on that session.
    assert "Before you go" not in request("GET", session.url).text
    assert form(session, subscription, "accept_retention").status == 400


def test_cancelling_in_the_flow_ends_at_period_end_and_returns(srv, client, subscribed, coupon):
    customer, subscription = subscribed
    session = cancel_flow(client, customer, subscription, retention=coupon.id)
    cancelled = form(session, subscription, "cancel_at_period_end")
    assert cancelled.status == 303
    assert cancelled.header("Location") == RETURN
    sub = srv.store.data["subscriptions"][subscription]
    assert sub["cancel_at_period_end"] is True
    assert sub["discounts"] == []


def test_without_retention_the_flow_only_cancels(srv, client, subscribed):
    customer, subscription = subscribed
    session = cancel_flow(client, customer, subscription)
    page = request("GET", session.url).text
    assert "Cancel your subscription" in page
    assert "Before you go" not in page
    assert form(session, subscription, "accept_retention").status == 400


def bad_flows(subscription, coupon):
    base = {"type": "subscription_cancel", "subscription_cancel": {"subscription": subscription}}
    return {
        "unknown coupon": (
            dict(
                base,
                subscription_cancel={
                    "subscription": subscription,
                    "retention": {"type": "coupon_offer", "coupon_offer": {"coupon": "nope"}},
                },
            ),
            "No such coupon",
        ),
        "another kind of retention": (
            dict(
                base,
                subscription_cancel={"subscription": subscription, "retention": {"type": "x"}},
            ),
            "type must be coupon_offer",
        ),
        "unknown subscription": (
            dict(base, subscription_cancel={"subscription": "sub_nope"}),
            "No such subscription",
        ),
        "another flow": ({"type": "payment_method_update"}, "only supports"),
        "redirect without its url": (
            dict(base, after_completion={"type": "redirect"}),
            "return_url",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "unknown coupon",
        "another kind of retention",
        "unknown subscription",
        "another flow",
        "redirect without its url",
    ],
)
def test_bad_flow_data_is_refused(srv, client, subscribed, coupon, case):
    customer, subscription = subscribed
    flow, says = bad_flows(subscription, coupon.id)[case]
    before = len(srv.store.data["portal_sessions"])
    with pytest.raises(stripe.InvalidRequestError) as error:
        client.v1.billing_portal.sessions.create(params={"customer": customer, "flow_data": flow})
    assert says in str(error.value)
    assert len(srv.store.data["portal_sessions"]) == before


def test_a_retention_coupon_is_refused_for_a_subscription_of_another_customer(
    srv, client, subscribed, coupon
):
    _, subscription = subscribed
    other = client.v1.customers.create(params={"email": "other@example.com"})
    with pytest.raises(stripe.InvalidRequestError) as error:
        cancel_flow(client, other.id, subscription, retention=coupon.id)
    assert "does not belong to this customer" in str(error.value)
