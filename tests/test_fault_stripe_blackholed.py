"""Stripe black-holed: a socket that accepts connections and never answers.

A Stripe call gives up within its deadline, then the circuit breaker answers at once without
touching the network; reader pages never call Stripe at all.
"""

import socket
import threading
import time

import pytest

from subscriptions.models import Customer, Subscription
from subscriptions.stripe_guard import CircuitBreaker
from tests.factories import SECRET_SENTENCE, make_article
from tests.stripe_helpers import make_plan

pytestmark = pytest.mark.django_db


class BlackHole:
    """Accepts every connection, reads nothing, answers nothing; counts who came."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.sock.getsockname()[1]
        self.connections = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture
def plan(stripe_standin):
    return make_plan()  # made at the stand-in, before Stripe goes dark


@pytest.fixture
def black_hole(settings, plan):
    hole = BlackHole()
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{hole.port}"
    settings.STRIPE_SECRET_KEY = "sk_test_standin"
    settings.STRIPE_TIMEOUT = 1
    settings.STRIPE_DEADLINE = 3
    settings.STRIPE_BREAKER_SECONDS = 30
    yield hole
    hole.close()


@pytest.fixture
def linked_reader(reader):
    Customer.objects.create(user=reader, stripe_id="cus_blackholed")
    return reader


def checkout(client, plan):
    started = time.monotonic()
    response = client.post(
        "/subscribe/checkout/", {"plan": plan.pk, "interval": "month", "next": "/"}
    )
    return response, time.monotonic() - started


def test_a_checkout_gives_up_within_the_deadline_with_the_retry_page(
    client, linked_reader, black_hole, plan
):
    client.force_login(linked_reader)
    response, elapsed = checkout(client, plan)
    assert response.status_code == 503
    assert "We couldn’t reach our payment provider" in response.content.decode()
    assert 1 <= elapsed < 4  # STRIPE_DEADLINE is 3 s: no 25 s wait
    assert len(black_hole.connections) >= 1
    assert not Subscription.objects.exists()


def test_once_stripe_has_failed_the_breaker_answers_at_once_without_the_network(
    client, linked_reader, black_hole, plan
):
    client.force_login(linked_reader)
    checkout(client, plan)
    tried = len(black_hole.connections)
    response, elapsed = checkout(client, plan)
    assert response.status_code == 503
    assert "We couldn’t reach our payment provider" in response.content.decode()
    assert elapsed < 0.5
    assert len(black_hole.connections) == tried


def test_reader_pages_never_wait_on_stripe(client, subscriber, black_hole):
    article = make_article(access="paid")
    client.force_login(subscriber)
    for path in ["/", article.get_absolute_url(), f"/{article.section.slug}/", "/pricing/"]:
        started = time.monotonic()
        response = client.get(path)
        assert response.status_code == 200, path
        assert time.monotonic() - started < 1, path
    assert SECRET_SENTENCE in client.get(article.get_absolute_url()).content.decode()
    assert black_hole.connections == []


def test_the_breaker_lets_one_call_try_again_after_its_pause():
    breaker = CircuitBreaker(failures_to_open=2, open_seconds=0.2)
    breaker.failed()
    assert breaker.allow()  # one failure is not an outage
    breaker.failed()
    assert not breaker.allow()
    time.sleep(0.25)
    assert breaker.allow()  # the trial call
    assert not breaker.allow()  # everyone else still fails fast while it runs
    breaker.succeeded()
    assert breaker.allow()
