"""Stripe failing (unreachable, 5xx, rate-limited, hanging): a clear page and a retry, never a
500 or a hung worker, and nothing changed."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from subscriptions.models import Customer, Subscription
from tests.stripe_helpers import make_plan

pytestmark = pytest.mark.django_db


class _Broken(BaseHTTPRequestHandler):
    """A real HTTP server that answers every Stripe request with one failure."""

    status = 500
    hang = 0.0
    hits = 0

    def log_message(self, *args):
        pass

    def _answer(self):
        type(self).hits += 1
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.hang:
            time.sleep(self.hang)
            return
        body = json.dumps(
            {"error": {"type": "api_error", "message": f"Failure {self.status}"}}
        ).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer


@pytest.fixture
def broken_stripe(settings):
    def start(*, status=500, hang=0.0):
        handler = type("Handler", (_Broken,), {"status": status, "hang": hang, "hits": 0})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        settings.STRIPE_API_BASE = f"http://127.0.0.1:{server.server_address[1]}"
        settings.STRIPE_TIMEOUT = 1
        return handler

    servers = []
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def plan(stripe_standin):
    return make_plan()


@pytest.fixture
def linked_reader(reader, stripe_standin):
    customer = stripe_standin.store.create_customer({"email": reader.email})
    Customer.objects.create(user=reader, stripe_id=customer["id"])
    return reader


def checkout(client, plan):
    return client.post(
        "/subscribe/checkout/", {"plan": plan.pk, "interval": "month", "next": "/news/a/"}
    )


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_a_failing_stripe_gives_a_retry_page_on_checkout(
    client, plan, linked_reader, broken_stripe, status
):
    handler = broken_stripe(status=status)
    client.force_login(linked_reader)
    response = checkout(client, plan)
    assert response.status_code == 503
    body = response.content.decode()
    assert "We couldn’t reach our payment provider" in body
    assert "Nothing was charged" in body
    # The retry re-posts the same choice, with a CSRF token, to the same place.
    assert 'action="/subscribe/checkout/"' in body
    assert f'name="plan" value="{plan.pk}"' in body
    assert 'name="interval" value="month"' in body
    assert 'name="next" value="/news/a/"' in body
    assert "csrfmiddlewaretoken" in body
    assert handler.hits >= 1
    assert not Subscription.objects.exists()


def test_server_errors_are_retried_twice_before_giving_up(
    client, plan, linked_reader, broken_stripe
):
    handler = broken_stripe(status=500)
    client.force_login(linked_reader)
    checkout(client, plan)
    assert handler.hits == 3


def test_an_unreachable_stripe_gives_a_retry_page(client, plan, linked_reader, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    settings.STRIPE_TIMEOUT = 1
    client.force_login(linked_reader)
    assert checkout(client, plan).status_code == 503


def test_a_hanging_stripe_does_not_hang_the_worker(client, plan, linked_reader, broken_stripe):
    broken_stripe(hang=30)
    client.force_login(linked_reader)
    started = time.monotonic()
    response = checkout(client, plan)
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    # Three attempts of a one-second timeout, plus backoff: well under gunicorn's 30 seconds.
    assert elapsed < 10


def test_the_webhook_event_is_kept_for_a_retry_when_stripe_fails_during_the_refetch(
    client, broken_stripe, stripe_standin
):
    from subscriptions.models import StripeEvent
    from tests.stripe_helpers import deliver, event

    broken_stripe(status=500)
    obj = {"id": "sub_123", "object": "subscription", "customer": "cus_1", "status": "active"}
    response = deliver(client, event("customer.subscription.updated", obj))
    # Taken at once: the endpoint does not call Stripe. The worker's re-fetch failed, so the
    # event waits for its next attempt.
    assert response.status_code == 200
    stored = StripeEvent.objects.get()
    assert (stored.status, stored.attempts) == ("pending", 1)
    assert stored.next_attempt_at > stored.received_at
    assert "APIError" in stored.last_error
