"""One-time payments: Checkout in `mode=payment` with an inline price, paid on the hosted page
with one PaymentIntent (no subscription, no customer), refunded by that PaymentIntent."""

from __future__ import annotations

import pytest
import stripe

from devtools.stripe_standin.testing import one_time_checkout, pay, request


def test_a_payment_checkout_charges_its_inline_price_once_and_makes_no_subscription(client):
    session = one_time_checkout(
        client,
        customer_email="buyer@example.com",
        payment_intent_data={"metadata": {"gift": "7"}},
        metadata={"gift": "7"},
    )
    assert (session.mode, session.status, session.amount_total) == ("payment", "open", 2700)
    assert session.payment_intent is None
    page = request("GET", session.url)
    assert "Pay" in page.text and "3-month gift subscription" in page.text

    answer = pay(session.url, email="buyer@example.com")
    assert answer.status == 303
    assert "session_id=" + session.id in answer.header("Location")
    done = client.v1.checkout.sessions.retrieve(session.id)
    assert (done.status, done.payment_status) == ("complete", "paid")
    assert done.subscription is None and done.customer is None
    assert done.metadata["gift"] == "7"
    intent = client.v1.payment_intents.retrieve(done.payment_intent)
    assert (intent.status, intent.amount_received, intent.currency) == ("succeeded", 2700, "usd")
    assert intent.metadata["gift"] == "7"
    assert client.v1.subscriptions.list().data == []
    types = [e.type for e in client.v1.events.list(params={"limit": 5}).data]
    assert types[:2] == ["checkout.session.completed", "payment_intent.succeeded"]


def test_its_line_item_is_the_inline_price_which_nobody_else_can_buy(client):
    session = one_time_checkout(client, amount=1000)
    item = client.v1.checkout.sessions.line_items.list(session.id).data[0]
    assert (item.amount_total, item.price.type, item.price.active) == (1000, "one_time", False)
    with pytest.raises(stripe.InvalidRequestError, match="not active"):
        one_time_checkout(client, line_items=[{"price": item.price.id, "quantity": 1}])


def test_a_declined_card_leaves_the_payment_open_and_unpaid(client):
    session = one_time_checkout(client)
    answer = pay(session.url, card="4000 0000 0000 0002")
    assert answer.status == 402 and "declined" in answer.text
    again = client.v1.checkout.sessions.retrieve(session.id)
    assert (again.status, again.payment_status, again.payment_intent) == ("open", "unpaid", None)


def test_a_paid_one_time_payment_is_refunded_by_its_payment_intent(client):
    session = one_time_checkout(client)
    pay(session.url)
    intent_id = client.v1.checkout.sessions.retrieve(session.id).payment_intent
    refund = client.v1.refunds.create(params={"payment_intent": intent_id})
    assert (refund.amount, refund.status) == (2700, "succeeded")
    charge = client.v1.charges.retrieve(client.v1.payment_intents.retrieve(intent_id).latest_charge)
    assert charge.refunded is True
    with pytest.raises(stripe.InvalidRequestError, match="already been refunded"):
        client.v1.refunds.create(params={"payment_intent": intent_id})


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"subscription_data": {"trial_period_days": 7}},
            "can not pass `subscription_data` in `payment` mode",
        ),
        ({"mode": "setup"}, "only supports mode=subscription and mode=payment"),
        (
            {
                "line_items": [
                    {"price_data": {"currency": "usd", "unit_amount": 500}, "quantity": 1}
                ]
            },
            r"product_data\]\[name\]",
        ),
    ],
)
def test_a_payment_checkout_refuses_what_stripe_refuses(client, params, message):
    with pytest.raises(stripe.InvalidRequestError, match=message):
        one_time_checkout(client, **params)


def test_a_recurring_price_is_refused_in_payment_mode(client):
    price = client.v1.prices.create(
        params={
            "currency": "usd",
            "unit_amount": 900,
            "recurring": {"interval": "month"},
            "product_data": {"name": "Digital monthly"},
        }
    )
    with pytest.raises(stripe.InvalidRequestError, match="passed a recurring price"):
        one_time_checkout(client, line_items=[{"price": price.id, "quantity": 1}])
