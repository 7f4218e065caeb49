"""Real `manage.py db_worker` processes apply stored Stripe events, re-fetching from the
stand-in over HTTP. One is killed while Stripe is answering; the next takes the event again
once its lease runs out, and it is applied once."""

import signal
import time

import pytest
from django.test import Client

from subscriptions.models import StripeEvent, Subscription
from tests.stripe_helpers import event, make_plan, post_event, subscribe_at_stripe
from tests.users import verified_user
from tests.worker_process import run_worker_batch, start_worker

pytestmark = pytest.mark.django_db(transaction=True)


def stripe_env(standin, **extra):
    return {
        "STRIPE_API_BASE": standin.url,
        "STRIPE_SECRET_KEY": "sk_test_standin",
        "STRIPE_TIMEOUT": "2",
        **extra,
    }


def test_a_worker_process_applies_every_stored_event(stripe_standin):
    plan = make_plan()
    subs = [subscribe_at_stripe(verified_user(f"w{n}@example.com"), plan) for n in range(5)]
    for sub in subs:
        assert post_event(Client(), event("customer.subscription.created", sub)).status_code == 200
    assert StripeEvent.objects.pending().count() == 5

    output = run_worker_batch(**stripe_env(stripe_standin))
    assert StripeEvent.objects.processed().count() == 5, output
    assert Subscription.objects.filter(status="active").count() == 5


def test_an_event_held_by_a_killed_worker_is_applied_once_by_the_next(stripe_standin, reader):
    sub = subscribe_at_stripe(reader, make_plan())
    hold = stripe_standin.hold_answer("GET", f"/v1/subscriptions/{sub['id']}")
    assert post_event(Client(), event("customer.subscription.created", sub)).status_code == 200

    # The first worker claims the event (a one-second lease) and is killed while Stripe answers.
    worker = start_worker(
        "--queue-name",
        "*",
        "--interval",
        "0.1",
        **stripe_env(stripe_standin, STRIPE_EVENT_LEASE="1"),
    )
    try:
        assert hold.reached.wait(60), "the worker never asked Stripe"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    hold.release()
    stored = StripeEvent.objects.get()
    assert stored.status == "pending" and stored.claimed_until is not None
    assert not Subscription.objects.exists()

    # The next worker puts the dead one's task back (TASKS_STALE_AFTER) and takes the event,
    # whose lease has run out; the customer's lock the dead worker held runs out too.
    time.sleep(1.5)
    deadline = time.monotonic() + 90
    while not StripeEvent.objects.processed().exists():
        assert time.monotonic() < deadline, "the event was never applied"
        run_worker_batch(
            timeout=120,
            **stripe_env(stripe_standin, TASKS_STALE_AFTER="1", STRIPE_EVENT_BACKOFF="1"),
        )
        time.sleep(1)
    assert StripeEvent.objects.get().status == "processed"
    assert Subscription.objects.get().status == "active"
