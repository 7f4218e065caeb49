"""Refunds of an invoice's payment (by PaymentIntent or by Charge), deleting a customer, and
holding back one answer so a test can make Stripe answer late."""

from __future__ import annotations

import threading
import time

import pytest
import stripe

from devtools.stripe_standin.testing import TEST_KEY, monthly_checkout, pay, request


def paid_subscription(client):
    _price, session = monthly_checkout(client)
    pay(session.url)
    done = client.v1.checkout.sessions.retrieve(session.id)
    return client.v1.subscriptions.retrieve(done.subscription), done.invoice


def payment_of(client, invoice_id):
    payments = client.v1.invoice_payments.list(params={"invoice": invoice_id}).data
    assert len(payments) == 1
    return payments[0]


def test_a_paid_invoice_has_a_payment_intent_and_a_charge_for_its_amount(client):
    _sub, invoice_id = paid_subscription(client)
    payment = payment_of(client, invoice_id)
    assert payment.status == "paid"
    assert payment.amount_paid == 900
    assert payment.payment.type == "payment_intent"
    intent = client.v1.payment_intents.retrieve(payment.payment.payment_intent)
    assert (intent.status, intent.amount_received) == ("succeeded", 900)
    charge = client.v1.charges.retrieve(intent.latest_charge)
    assert (charge.amount_captured, charge.amount_refunded, charge.refunded) == (900, 0, False)


def test_refunding_by_payment_intent_refunds_the_whole_charge_once(client):
    _sub, invoice_id = paid_subscription(client)
    intent_id = payment_of(client, invoice_id).payment.payment_intent

    refund = client.v1.refunds.create(
        params={"payment_intent": intent_id, "reason": "duplicate", "metadata": {"why": "2 tabs"}}
    )

    assert (refund.status, refund.amount, refund.currency) == ("succeeded", 900, "usd")
    assert refund.payment_intent == intent_id
    assert refund.metadata.to_dict() == {"why": "2 tabs"}
    charge = client.v1.charges.retrieve(refund.charge)
    assert (charge.amount_refunded, charge.refunded) == (900, True)
    assert client.v1.refunds.retrieve(refund.id).id == refund.id
    with pytest.raises(stripe.InvalidRequestError) as again:
        client.v1.refunds.create(params={"payment_intent": intent_id})
    assert again.value.code == "charge_already_refunded"


def test_a_partial_refund_by_charge_leaves_the_rest_refundable(client):
    _sub, invoice_id = paid_subscription(client)
    intent = client.v1.payment_intents.retrieve(
        payment_of(client, invoice_id).payment.payment_intent
    )
    client.v1.refunds.create(params={"charge": intent.latest_charge, "amount": 300})
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        client.v1.refunds.create(params={"charge": intent.latest_charge, "amount": 700})
    assert too_much.value.code == "amount_too_large"
    client.v1.refunds.create(params={"charge": intent.latest_charge})
    refunds = client.v1.refunds.list(params={"charge": intent.latest_charge}).data
    assert sorted(r.amount for r in refunds) == [300, 600]


def test_a_refund_needs_exactly_one_existing_payment(client):
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.refunds.create(params={})
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        client.v1.refunds.create(params={"payment_intent": "pi_nothing"})
    assert unknown.value.code == "resource_missing"


def test_a_refund_with_an_idempotency_key_is_made_once(client):
    _sub, invoice_id = paid_subscription(client)
    intent_id = payment_of(client, invoice_id).payment.payment_intent
    options = {"idempotency_key": "refund-once"}
    first = client.v1.refunds.create(params={"payment_intent": intent_id}, options=options)
    second = client.v1.refunds.create(params={"payment_intent": intent_id}, options=options)
    assert first.id == second.id


def test_refunds_are_announced_as_events(client):
    _sub, invoice_id = paid_subscription(client)
    intent_id = payment_of(client, invoice_id).payment.payment_intent
    client.v1.refunds.create(params={"payment_intent": intent_id})
    types = [e.type for e in client.v1.events.list(params={"limit": 2}).data]
    assert types == ["charge.refunded", "refund.created"]


def test_deleting_a_customer_cancels_its_subscriptions_and_keeps_its_invoices(client, srv):
    sub, invoice_id = paid_subscription(client)
    deleted = client.v1.customers.delete(sub.customer)
    assert deleted.deleted is True
    assert client.v1.subscriptions.retrieve(sub.id).status == "canceled"
    assert client.v1.invoices.retrieve(invoice_id).customer == sub.customer
    assert client.v1.customers.retrieve(sub.customer).deleted is True
    gone = request("DELETE", f"{srv.url}/v1/customers/{sub.customer}", api_key=TEST_KEY)
    assert gone.status == 404


def test_a_held_answer_says_what_stripe_had_when_asked_and_arrives_late(client, srv):
    sub, _invoice = paid_subscription(client)
    hold = srv.hold_answer("GET", rf"/v1/subscriptions/{sub.id}")
    answers = {}

    def slow_fetch():
        answers["slow"] = client.v1.subscriptions.retrieve(sub.id).status

    thread = threading.Thread(target=slow_fetch)
    thread.start()
    assert hold.reached.wait(5)
    client.v1.subscriptions.cancel(sub.id)  # meanwhile, at Stripe
    answers["fresh"] = client.v1.subscriptions.retrieve(sub.id).status  # not held: once only
    assert "slow" not in answers
    hold.release()
    thread.join(5)
    assert answers == {"fresh": "canceled", "slow": "active"}


def test_the_control_api_holds_an_answer_for_some_seconds(client, srv):
    sub, _invoice = paid_subscription(client)
    held = request(
        "POST",
        f"{srv.url}/_standin/hold",
        form={"method": "GET", "path": "/v1/subscriptions/.+", "seconds": "1"},
    )
    assert held.status == 200
    started = time.monotonic()
    client.v1.subscriptions.retrieve(sub.id)
    assert time.monotonic() - started >= 1
    started = time.monotonic()
    client.v1.subscriptions.retrieve(sub.id)
    assert time.monotonic() - started < 1
    bad = request("POST", f"{srv.url}/_standin/hold", form={"path": "("})
    assert bad.status == 400


def test_a_refused_path_fails_every_time_without_changing_anything_until_reset(client, srv):
    sub, _invoice = paid_subscription(client)
    srv.refuse("DELETE", rf"/v1/subscriptions/{sub.id}")
    with pytest.raises(stripe.APIError):
        client.v1.subscriptions.cancel(sub.id)
    assert client.v1.subscriptions.retrieve(sub.id).status == "active"
    srv.holds.clear()
    assert client.v1.subscriptions.cancel(sub.id).status == "canceled"
