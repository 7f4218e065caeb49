"""Webhook delivery from the Stripe stand-in: signatures, order, retries and give-ups."""

from __future__ import annotations

import json
import socket
import time

import pytest
import stripe

from devtools.stripe_standin.server import StandinServer
from devtools.stripe_standin.testing import (
    WebhookReceiver,
    make_client,
    monthly_checkout,
    pay,
    request,
)

SECRET = "whsec_test_standin_secret"


def subscribe(client, email="hook@example.com"):
    _, session = monthly_checkout(client)
    assert pay(session.url, email=email).status == 303
    return client.v1.checkout.sessions.retrieve(session.id)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_checkout_events_arrive_signed_and_in_order():
    with (
        WebhookReceiver() as receiver,
        StandinServer(port=0, webhook_url=receiver.url, webhook_secret=SECRET) as srv,
    ):
        client = make_client(srv.url)
        session = subscribe(client)
        counts = srv.flush_webhooks()

        checkout_types = [
            "customer.created",
            "customer.subscription.created",
            "invoice.paid",
            "checkout.session.completed",
        ]
        assert receiver.types()[-4:] == checkout_types
        assert counts["pending"] == 0
        for req in receiver.requests:
            assert req["path"] == "/webhooks/stripe/"
            event = stripe.Webhook.construct_event(
                req["body"], req["headers"]["Stripe-Signature"], SECRET
            )
            assert event.livemode is False
            assert event.api_version == "2026-10-28.endive"
            stripe.WebhookSignature.verify_header(
                req["body"].decode(), req["headers"]["Stripe-Signature"], SECRET, tolerance=60
            )
            with pytest.raises(stripe.SignatureVerificationError):
                stripe.Webhook.construct_event(
                    req["body"], req["headers"]["Stripe-Signature"], "whsec_wrong"
                )
        completed = receiver.events()[-1]
        assert completed["data"]["object"]["id"] == session.id
        assert completed["data"]["object"]["subscription"] == session.subscription
        assert completed["pending_webhooks"] == 1
        assert set(completed["request"]) == {"id", "idempotency_key"}


def test_signature_timestamp_is_real_time_even_after_the_clock_moves():
    with (
        WebhookReceiver() as receiver,
        StandinServer(port=0, webhook_url=receiver.url, webhook_secret=SECRET) as srv,
    ):
        client = make_client(srv.url)
        subscribe(client)
        srv.advance(days=40)
        srv.flush_webhooks()
        renewal = receiver.requests[-1]
        stamp = int(renewal["headers"]["Stripe-Signature"].split(",")[0][2:])
        assert abs(stamp - time.time()) < 30
        event = stripe.Webhook.construct_event(
            renewal["body"], renewal["headers"]["Stripe-Signature"], SECRET
        )
        assert event.type == "customer.subscription.updated"
        assert event.created > time.time() + 27 * 86400  # simulated time of the renewal
        assert "items" in event.data.previous_attributes


def test_api_events_record_the_request_and_idempotency_key():
    with (
        WebhookReceiver() as receiver,
        StandinServer(port=0, webhook_url=receiver.url, webhook_secret=SECRET) as srv,
    ):
        client = make_client(srv.url)
        cus = client.v1.customers.create(
            params={"email": "a@example.com"}, options={"idempotency_key": "idem-1"}
        )
        srv.flush_webhooks()
        event = receiver.events()[-1]
        assert event["type"] == "customer.created"
        assert event["request"]["idempotency_key"] == "idem-1"
        assert event["request"]["id"] == cus.last_response.request_id


def test_a_500_is_retried_with_backoff_until_it_succeeds():
    with (
        WebhookReceiver(statuses=[500, 500]) as receiver,
        StandinServer(
            port=0, webhook_url=receiver.url, webhook_secret=SECRET, webhook_backoff=0.05
        ) as srv,
    ):
        client = make_client(srv.url)
        cus = client.v1.customers.create(params={"email": "retry@example.com"})
        counts = srv.flush_webhooks()

        assert counts == {"delivered": 1, "failed": 0, "pending": 0}
        bodies = [json.loads(r["body"]) for r in receiver.requests]
        assert [b["data"]["object"]["id"] for b in bodies] == [cus.id] * 3
        assert len({b["id"] for b in bodies}) == 1
        deliveries = request("GET", f"{srv.url}/_standin/deliveries").json()["data"]
        assert [(d["status"], d["attempt"]) for d in deliveries] == [(500, 1), (500, 2), (200, 3)]
        assert all(d["event_id"] == bodies[0]["id"] for d in deliveries)


def test_a_receiver_that_always_fails_is_given_up_on_without_blocking_later_events():
    with (
        WebhookReceiver(default_status=503) as receiver,
        StandinServer(
            port=0,
            webhook_url=receiver.url,
            webhook_secret=SECRET,
            webhook_backoff=0.05,
            webhook_max_attempts=3,
        ) as srv,
    ):
        client = make_client(srv.url)
        first = client.v1.customers.create(params={"email": "one@example.com"})
        second = client.v1.customers.create(params={"email": "two@example.com"})
        started = time.monotonic()
        counts = srv.flush_webhooks()
        assert time.monotonic() - started < 5
        assert counts == {"delivered": 0, "failed": 2, "pending": 0}
        attempts = [json.loads(r["body"])["data"]["object"]["id"] for r in receiver.requests]
        assert attempts.count(first.id) == 3
        assert attempts.count(second.id) == 3
        # Second event's first attempt went out before the first event's retries finished.
        assert attempts.index(second.id) < len(attempts) - 1 - attempts[::-1].index(first.id)

        # Undelivered events are still retrievable from the API.
        events = client.v1.events.list(params={"type": "customer.created"})
        fetched = client.v1.events.retrieve(events.data[0].id)
        assert fetched.data.object.id == second.id


def test_an_unreachable_endpoint_fails_fast_and_flush_reports_it():
    url = f"http://127.0.0.1:{free_port()}/hooks"
    with StandinServer(port=0, webhook_url=url, webhook_secret=SECRET, webhook_backoff=0.02) as srv:
        client = make_client(srv.url)
        client.v1.customers.create(params={"email": "x@example.com"})
        flushed = request("POST", f"{srv.url}/_standin/webhooks/flush").json()
        assert flushed == {"delivered": 0, "failed": 1, "pending": 0}
        deliveries = srv.deliveries()
        assert len(deliveries) == 5
        assert all(d["status"] is None and d["error"] for d in deliveries)


def test_webhooks_can_be_configured_at_runtime():
    with WebhookReceiver() as receiver, StandinServer(port=0) as srv:
        client = make_client(srv.url)
        client.v1.customers.create(params={"email": "before@example.com"})
        resp = request(
            "POST",
            f"{srv.url}/_standin/webhooks/config",
            form={"url": receiver.url, "secret": SECRET},
        )
        assert resp.json() == {"url": receiver.url, "enabled": True}
        client.v1.customers.create(params={"email": "after@example.com"})
        srv.flush_webhooks()
        assert [e["data"]["object"]["email"] for e in receiver.events()] == ["after@example.com"]
        before = client.v1.events.list(params={"limit": 2}).data[-1]
        assert before.pending_webhooks == 0
