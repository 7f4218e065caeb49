"""Hosted Checkout and Customer Portal pages of the Stripe stand-in, posted like a browser."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from devtools.stripe_standin.testing import pay, request


@pytest.fixture
def prices(client):
    monthly = client.v1.prices.create(
        params={
            "currency": "usd",
            "unit_amount": 900,
            "recurring": {"interval": "month"},
            "product_data": {"name": "Digital monthly"},
        }
    )
    yearly = client.v1.prices.create(
        params={
            "currency": "usd",
            "unit_amount": 9000,
            "recurring": {"interval": "year"},
            "product_data": {"name": "Digital yearly"},
        }
    )
    return monthly, yearly


def new_session(client, price, **extra):
    params = {
        "mode": "subscription",
        "line_items": [{"price": price.id, "quantity": 1}],
        "success_url": "https://news.test/subscribed?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://news.test/plans",
        "client_reference_id": "42",
        **extra,
    }
    return client.v1.checkout.sessions.create(params=params)


def event_types(srv) -> list[str]:
    return [e["type"] for e in srv.store.data["events"].values()]


def assert_every_input_is_labelled(html: str) -> None:
    ids = re.findall(r'<(?:input|select)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', html)
    controls = re.findall(r"<(?:input|select)(?![^>]*type=\"hidden\")[^>]*>", html)
    assert len(ids) == len(controls), "every visible control needs an id"
    for control_id in ids:
        assert f'<label for="{control_id}">' in html, f"no label for #{control_id}"


# ---------------------------------------------------------------- checkout
def test_checkout_page_lists_the_plan_and_labels_every_field(client, prices):
    session = new_session(client, prices[0], customer_email="ada@example.com")
    page = request("GET", session.url)
    assert page.status == 200
    assert page.header("Content-Type").startswith("text/html")
    assert "<title>Stripe stand-in Checkout" in page.text
    assert "Digital monthly" in page.text
    assert "$9.00 / month" in page.text
    assert 'value="ada@example.com"' in page.text
    assert '<a href="https://news.test/plans">← Back</a>' in page.text
    assert "<script" not in page.text
    for name in ("email", "card_number", "card_expiry", "card_cvc", "card_name"):
        assert f'name="{name}"' in page.text
    assert_every_input_is_labelled(page.text)


def test_paying_redirects_to_success_url_with_the_real_session_id_and_creates_objects(
    srv, client, prices
):
    session = new_session(
        client,
        prices[0],
        metadata={"user_id": "42"},
        subscription_data={"metadata": {"user_id": "42"}},
    )
    resp = pay(session.url, card="4242424242424242", email="new@example.com")

    assert resp.status == 303
    assert resp.header("Location") == (
        f"https://news.test/subscribed?session_id={urllib.parse.quote(session.id)}"
    )
    done = client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["subscription"]})
    assert done.status == "complete"
    assert done.payment_status == "paid"
    assert done.url is None
    assert done.client_reference_id == "42"
    assert done.customer_details.email == "new@example.com"
    sub = done.subscription
    assert sub.status == "active"
    assert sub.customer == done.customer
    assert sub.metadata["user_id"] == "42"
    assert sub["items"].data[0].price.id == prices[0].id
    assert client.v1.customers.retrieve(done.customer).email == "new@example.com"
    invoice = client.v1.invoices.retrieve(done.invoice)
    assert invoice.status == "paid"
    assert invoice.billing_reason == "subscription_create"
    assert invoice.parent.subscription_details.subscription == sub.id
    assert sub.latest_invoice == invoice.id
    assert event_types(srv)[-4:] == [
        "customer.created",
        "customer.subscription.created",
        "invoice.paid",
        "checkout.session.completed",
    ]
    assert "already complete" in request("GET", session.url).text


def test_an_existing_customer_is_reused_and_not_announced_again(srv, client, prices):
    cus = client.v1.customers.create(params={"email": "known@example.com"})
    session = new_session(client, prices[0], customer=cus.id)
    assert 'value="known@example.com"' in request("GET", session.url).text
    assert pay(session.url, email="known@example.com").status == 303
    done = client.v1.checkout.sessions.retrieve(session.id)
    assert done.customer == cus.id
    assert len(srv.store.data["customers"]) == 1
    assert event_types(srv)[-3:] == [
        "customer.subscription.created",
        "invoice.paid",
        "checkout.session.completed",
    ]


def test_declined_card_leaves_the_session_open_and_creates_nothing(srv, client, prices):
    session = new_session(client, prices[0])
    events_before = len(srv.store.data["events"])
    resp = pay(session.url, card="4000 0000 0000 0002")

    assert resp.status == 402
    assert "Your card was declined." in resp.text
    assert 'role="alert"' in resp.text
    assert client.v1.checkout.sessions.retrieve(session.id).status == "open"
    assert srv.store.data["customers"] == {}
    assert srv.store.data["subscriptions"] == {}
    assert srv.store.data["invoices"] == {}
    assert len(srv.store.data["events"]) == events_before
    assert pay(session.url).status == 303  # and can still be paid afterwards


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("card_number", "4242 4242 4242 4241", "Your card number is invalid."),
        ("card_number", "", "Your card number is incomplete."),
        ("card_number", "5555 5555 5555 4444", "use a Stripe test card"),
        ("card_expiry", "13 / 30", "expiration month is invalid"),
        ("card_expiry", "01 / 20", "expiration date is in the past"),
        ("card_cvc", "1", "security code is incomplete"),
        ("email", "not-an-email", "Enter a valid email address."),
    ],
)
def test_invalid_card_details_show_a_clear_message(srv, client, prices, field, value, message):
    session = new_session(client, prices[0])
    resp = pay(session.url, **{field: value})
    assert resp.status in (400, 402)
    assert message in resp.text
    assert client.v1.checkout.sessions.retrieve(session.id).status == "open"
    assert srv.store.data["subscriptions"] == {}


def test_a_trial_checkout_starts_trialing_and_0341_cards_are_accepted_for_it(srv, client, prices):
    session = new_session(client, prices[0], subscription_data={"trial_period_days": 7})
    assert "7-day free trial" in request("GET", session.url).text
    assert pay(session.url, card="4000000000000341").status == 303
    done = client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["subscription"]})
    assert done.subscription.status == "trialing"
    assert client.v1.invoices.retrieve(done.invoice).amount_paid == 0
    # ... but the card fails when the trial ends.
    srv.advance(days=8)
    assert client.v1.subscriptions.retrieve(done.subscription.id).status == "past_due"


def test_unknown_checkout_and_portal_pages_are_friendly_404s(srv):
    for path in ("/checkout/cs_test_nope", "/portal/bps_nope"):
        resp = request("GET", srv.url + path)
        assert resp.status == 404
        assert "not found" in resp.text
        assert "Traceback" not in resp.text


# ---------------------------------------------------------------- portal
@pytest.fixture
def subscribed(srv, client, prices):
    session = new_session(client, prices[0])
    pay(session.url)
    done = client.v1.checkout.sessions.retrieve(session.id)
    portal = client.v1.billing_portal.sessions.create(
        params={"customer": done.customer, "return_url": "https://news.test/account"}
    )
    return portal, done.subscription


def portal_post(portal, sub_id, action, **extra):
    return request("POST", portal.url, form={"action": action, "subscription": sub_id, **extra})


def test_portal_lists_the_subscription_with_return_link(client, subscribed):
    portal, sub_id = subscribed
    page = request("GET", portal.url)
    assert page.status == 200
    assert "<title>Stripe stand-in Billing portal" in page.text
    assert "Digital monthly" in page.text
    assert "Renews on" in page.text
    assert '<a href="https://news.test/account">← Return to' in page.text
    assert "Digital yearly" in page.text  # offered as a plan to switch to
    assert_every_input_is_labelled(page.text)


def test_portal_switches_plan_and_reports_previous_attributes(srv, client, prices, subscribed):
    portal, sub_id = subscribed
    resp = portal_post(portal, sub_id, "switch", price=prices[1].id)
    assert resp.status == 200
    assert "Your plan was changed to Digital yearly." in resp.text
    sub = client.v1.subscriptions.retrieve(sub_id)
    assert sub["items"].data[0].price.id == prices[1].id
    event = list(srv.store.data["events"].values())[-1]
    assert event["type"] == "customer.subscription.updated"
    assert event["data"]["previous_attributes"]["items"]["data"][0]["price"]["id"] == prices[0].id


def test_portal_cancels_at_period_end_and_resumes(srv, client, subscribed):
    portal, sub_id = subscribed
    resp = portal_post(portal, sub_id, "cancel_at_period_end")
    assert "will be canceled on" in resp.text
    assert "Resume subscription" in resp.text
    sub = client.v1.subscriptions.retrieve(sub_id)
    assert sub.cancel_at_period_end is True
    assert sub.status == "active"
    last = list(srv.store.data["events"].values())[-1]
    assert last["type"] == "customer.subscription.updated"
    assert last["data"]["previous_attributes"]["cancel_at_period_end"] is False

    resp = portal_post(portal, sub_id, "resume")
    assert "no longer be canceled" in resp.text
    assert client.v1.subscriptions.retrieve(sub_id).cancel_at_period_end is False
    last = list(srv.store.data["events"].values())[-1]
    assert last["data"]["previous_attributes"]["cancel_at_period_end"] is True


def test_portal_cancel_now_ends_the_subscription(srv, client, subscribed):
    portal, sub_id = subscribed
    resp = portal_post(portal, sub_id, "cancel_now")
    assert "Your subscription was canceled." in resp.text
    assert client.v1.subscriptions.retrieve(sub_id).status == "canceled"
    assert event_types(srv)[-1] == "customer.subscription.deleted"
    again = portal_post(portal, sub_id, "cancel_now")
    assert again.status == 400
    assert "already canceled" in again.text


def test_portal_refuses_other_customers_subscriptions(srv, client, prices, subscribed):
    _, sub_id = subscribed
    stranger = client.v1.customers.create(params={"email": "stranger@example.com"})
    theirs = client.v1.billing_portal.sessions.create(params={"customer": stranger.id})
    resp = portal_post(theirs, sub_id, "cancel_now")
    assert resp.status == 400
    assert client.v1.subscriptions.retrieve(sub_id).status == "active"
