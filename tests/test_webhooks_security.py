"""The webhook endpoint refuses anything Stripe did not send, and never answers 500; what it
accepts is stored, then applied by a worker."""

import json
import time

import pytest

from subscriptions.models import StripeEvent, Subscription
from tests.stripe_helpers import (
    deliver,
    event,
    make_plan,
    post_event,
    sign,
    subscribe_at_stripe,
)
from tests.task_helpers import make_due, run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_event(stripe_standin, reader):
    plan = make_plan()
    sub = subscribe_at_stripe(reader, plan)
    return event("customer.subscription.created", sub)


def nothing_changed():
    return not Subscription.objects.exists() and not StripeEvent.objects.exists()


def test_a_correctly_signed_event_is_stored_answered_and_then_applied_by_a_worker(
    client, live_event
):
    response = post_event(client, live_event)
    assert response.status_code == 200
    stored = StripeEvent.objects.get()
    assert (stored.event_id, stored.status) == (live_event["id"], "pending")
    assert not Subscription.objects.exists()
    run_queued_tasks()
    assert Subscription.objects.get().status == "active"
    assert StripeEvent.objects.get().status == "processed"


def test_a_forged_signature_is_refused(client, live_event):
    response = post_event(client, live_event, secret="whsec_somebody_else")
    assert response.status_code == 400
    assert nothing_changed()


def test_a_missing_signature_is_refused(client, live_event):
    assert post_event(client, live_event, signature="").status_code == 400
    assert nothing_changed()


@pytest.mark.parametrize(
    "header", ["garbage", "t=abc,v1=def", "v1=deadbeef", "t=1700000000", "t=,v1=", ",,,=="]
)
def test_a_malformed_signature_header_is_refused(client, live_event, header):
    assert post_event(client, live_event, signature=header).status_code == 400
    assert nothing_changed()


def test_a_stale_timestamp_is_refused_even_when_signed_correctly(client, live_event):
    response = post_event(client, live_event, timestamp=int(time.time()) - 301)
    assert response.status_code == 400
    assert nothing_changed()


def test_a_timestamp_from_the_future_is_refused_beyond_the_same_tolerance(client, live_event):
    response = post_event(client, live_event, timestamp=int(time.time()) + 301)
    assert response.status_code == 400
    assert response.json() == {"error": "Invalid signature."}
    assert nothing_changed()


def test_a_timestamp_slightly_ahead_within_the_tolerance_is_accepted(client, live_event):
    # Clocks drift: a few seconds ahead is still Stripe.
    response = deliver(client, live_event, timestamp=int(time.time()) + 30)
    assert response.status_code == 200
    assert Subscription.objects.get().status == "active"


@pytest.mark.parametrize("opener, closer", [("[", "]"), ('{"a":', "}")])
def test_a_signed_event_nested_thousands_deep_is_refused(client, stripe_standin, opener, closer):
    payload = (
        '{"id": "evt_deep", "type": "customer.subscription.created", "data": {"object": '
        + opener * 5000
        + "1"
        + closer * 5000
        + "}}"
    )
    response = post_event(client, payload)
    assert response.status_code == 400
    assert response.json() == {"error": "Malformed event."}
    assert nothing_changed()


def test_a_body_altered_after_signing_is_refused(client, live_event):
    payload = json.dumps(live_event)
    header = sign(payload)
    tampered = payload.replace('"active"', '"canceled"')
    response = client.post(
        "/stripe/webhook/",
        data=tampered,
        content_type="application/json",
        headers={"Stripe-Signature": header},
    )
    assert response.status_code == 400
    assert nothing_changed()


@pytest.mark.parametrize(
    "payload",
    [
        "{not json",
        "[]",
        '"just a string"',
        "null",
        '{"id": 5, "type": "customer.subscription.created", "data": {"object": {}}}',
        '{"id": "evt_1", "type": ["x"], "data": {"object": {}}}',
        '{"id": "evt_1", "type": "customer.subscription.created", "data": []}',
        '{"id": "evt_1", "type": "customer.subscription.created", "data": {"object": "sub_1"}}',
        '{"id": "evt_1", "type": "customer.subscription.updated", "data": {"object": {"id": 7}}}',
        '{"id": "evt_1", "type": "invoice.paid", "data": {"object": {"parent": "sub_1"}}}',
        '{"id": "evt_1", "type": "invoice.payment_failed", "data": {"object": {"id": "in_1"}}}',
        '{"id": "evt_1", "type": "checkout.session.completed",'
        ' "data": {"object": {"subscription": {"id": "sub_1"}}}}',
    ],
)
def test_signed_but_malformed_events_are_refused_and_change_nothing(
    client, stripe_standin, payload
):
    response = post_event(client, payload)
    assert response.status_code == 400
    assert nothing_changed()


def test_invalid_utf8_is_refused(client, stripe_standin):
    body = b'{"id": "evt_\xff"}'
    response = client.post(
        "/stripe/webhook/",
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": "t=1,v1=00"},
    )
    assert response.status_code == 400


def test_an_oversized_body_is_refused_before_it_is_read(client, stripe_standin):
    payload = json.dumps(event("ping", {"padding": "x" * 300_000}))
    response = post_event(client, payload)
    assert response.status_code == 413
    assert not StripeEvent.objects.exists()


def test_only_post_is_allowed(client):
    assert client.get("/stripe/webhook/").status_code == 405
    assert client.put("/stripe/webhook/").status_code == 405


def test_the_endpoint_needs_no_csrf_token(live_event, stripe_standin):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post_event(strict, live_event).status_code == 200


def test_unhandled_event_types_are_acknowledged_and_ignored(client, stripe_standin):
    response = post_event(client, event("customer.updated", {"id": "cus_1", "object": "customer"}))
    assert response.status_code == 200
    assert nothing_changed()


def test_a_duplicate_event_is_acknowledged_and_applied_once(client, live_event, stripe_standin):
    assert deliver(client, live_event).status_code == 200
    stored = Subscription.objects.get()
    # Change the row by hand; a replay of the same event id must not touch it again.
    Subscription.objects.filter(pk=stored.pk).update(status="unpaid")
    response = deliver(client, live_event)
    assert response.status_code == 200
    assert response.json().get("duplicate") is True
    assert Subscription.objects.get().status == "unpaid"
    assert StripeEvent.objects.filter(event_id=live_event["id"]).count() == 1


def test_stripe_unreachable_during_the_refetch_keeps_the_event_and_retries_it_later(
    client, live_event, settings, stripe_standin
):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens on the discard port
    settings.STRIPE_TIMEOUT = 1
    # The endpoint makes no Stripe call: the event is taken at once.
    response = deliver(client, live_event)
    assert response.status_code == 200
    stored = StripeEvent.objects.get()
    assert (stored.status, stored.attempts) == ("pending", 1)
    assert "APIConnectionError" in stored.last_error
    assert not Subscription.objects.exists()
    # Stripe is back; once the backoff has passed, a worker applies the kept event.
    settings.STRIPE_API_BASE = stripe_standin.url
    StripeEvent.objects.update(next_attempt_at=stored.received_at)
    make_due()
    run_queued_tasks()
    assert Subscription.objects.get().status == "active"
    assert StripeEvent.objects.get().status == "processed"


def test_an_event_for_a_subscription_stripe_does_not_know_changes_nothing(client, stripe_standin):
    bogus = {"id": "sub_doesnotexist", "object": "subscription", "customer": "cus_x"}
    response = deliver(client, event("customer.subscription.updated", bogus))
    assert response.status_code == 200
    assert not Subscription.objects.exists()
    assert StripeEvent.objects.get().status == "processed"
