"""Stripe's events are stored by the endpoint, then processed by tasks: several per task, with
retries and backoff, and none lost when Stripe fails, the database fails mid-handling, or a
worker dies holding them (the lease runs out and the sweep has them taken again)."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from subscriptions import services
from subscriptions.models import StripeEvent, Subscription
from subscriptions.tasks import process_stripe_events, sweep_stripe_events
from tests.stripe_helpers import event, make_plan, post_event, subscribe_at_stripe
from tests.task_helpers import make_due, run_next_task, run_queued_tasks
from tests.users import verified_user

pytestmark = pytest.mark.django_db

PROCESS = process_stripe_events.module_path


@pytest.fixture
def subscriptions_at_stripe(stripe_standin):
    """Three readers' subscriptions at Stripe, not yet stored here."""
    plan = make_plan()
    return [subscribe_at_stripe(verified_user(f"r{n}@example.com"), plan) for n in range(3)]


def runs_waiting():
    return DBTaskResult.objects.filter(task_path=PROCESS, status=TaskResultStatus.READY)


def test_many_events_posted_together_wait_for_one_run_that_processes_them_all(
    client, subscriptions_at_stripe
):
    for sub in subscriptions_at_stripe:
        assert post_event(client, event("customer.subscription.created", sub)).status_code == 200
    # A run waiting to start will see every event stored before it starts: one row, not three.
    assert runs_waiting().count() == 1
    assert StripeEvent.objects.pending().count() == 3
    run_queued_tasks()
    assert StripeEvent.objects.processed().count() == 3
    assert Subscription.objects.filter(status="active").count() == 3
    result = DBTaskResult.objects.get(task_path=PROCESS)
    assert result.return_value == {"processed": 3}


def test_a_run_takes_events_in_batches(client, subscriptions_at_stripe, settings):
    settings.STRIPE_EVENT_BATCH = 2
    for sub in subscriptions_at_stripe:
        post_event(client, event("customer.subscription.created", sub))
    run_queued_tasks()
    assert StripeEvent.objects.processed().count() == 3


def test_a_run_out_of_time_hands_the_rest_to_another_run(client, subscriptions_at_stripe, settings):
    settings.STRIPE_EVENT_RUN_SECONDS = 0
    for sub in subscriptions_at_stripe:
        post_event(client, event("customer.subscription.created", sub))
    run_next_task()  # no time at all: it takes nothing and hands over
    assert StripeEvent.objects.pending().count() == 3
    assert StripeEvent.objects.filter(claimed_until__isnull=False).count() == 0
    assert runs_waiting().count() == 1  # handed over
    settings.STRIPE_EVENT_RUN_SECONDS = 30
    run_queued_tasks()
    assert StripeEvent.objects.processed().count() == 3


def test_an_event_failing_each_time_backs_off_then_is_failed_with_its_error(
    client, subscriptions_at_stripe, settings
):
    settings.STRIPE_EVENT_ATTEMPTS = 3
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # Stripe unreachable
    settings.STRIPE_TIMEOUT = 1
    post_event(client, event("customer.subscription.created", subscriptions_at_stripe[0]))
    run_queued_tasks()
    first = StripeEvent.objects.get()
    assert (first.status, first.attempts) == ("pending", 1)
    assert first.next_attempt_at - timezone.now() > timedelta(seconds=5)
    # A run is waiting for the time the event is due again.
    assert runs_waiting().get().run_after == first.next_attempt_at

    StripeEvent.objects.update(next_attempt_at=timezone.now())
    make_due()
    run_queued_tasks()
    second = StripeEvent.objects.get()
    assert (second.status, second.attempts) == ("pending", 2)
    # The backoff doubles.
    gap = second.next_attempt_at - timezone.now()
    assert timedelta(seconds=15) < gap <= timedelta(seconds=20)

    StripeEvent.objects.update(next_attempt_at=timezone.now())
    make_due()
    run_queued_tasks()
    last = StripeEvent.objects.get()
    assert (last.status, last.attempts) == ("failed", 3)
    assert "APIConnectionError" in last.last_error
    assert not Subscription.objects.exists()


def test_the_database_failing_mid_handling_leaves_the_event_to_be_retried(
    client, subscriptions_at_stripe, monkeypatch
):
    real = services.store_fetched
    calls = []

    def fails_once(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(services, "store_fetched", fails_once)
    post_event(client, event("customer.subscription.created", subscriptions_at_stripe[0]))
    run_queued_tasks()
    stored = StripeEvent.objects.get()
    assert (stored.status, stored.attempts) == ("pending", 1)
    assert "OperationalError" in stored.last_error
    # Nothing half-applied: the change and the mark roll back together.
    assert not Subscription.objects.exists()

    StripeEvent.objects.update(next_attempt_at=timezone.now())
    make_due()
    run_queued_tasks()
    assert StripeEvent.objects.get().status == "processed"
    assert Subscription.objects.get().status == "active"


def test_an_event_held_by_a_dead_worker_is_taken_again_once_its_lease_runs_out(
    client, subscriptions_at_stripe
):
    post_event(client, event("customer.subscription.created", subscriptions_at_stripe[0]))
    # A worker claimed it and died: the claim stands until its lease ends, and its task row is
    # gone from the queue (jobs.recover_stale would put it back later).
    StripeEvent.objects.update(claimed_until=timezone.now() + timedelta(minutes=2))
    DBTaskResult.objects.all().delete()
    sweep_stripe_events.enqueue()
    run_queued_tasks()
    assert StripeEvent.objects.get().status == "pending"  # still leased: nobody takes it

    StripeEvent.objects.update(
        claimed_until=timezone.now() - timedelta(seconds=1),
        received_at=timezone.now() - timedelta(minutes=2),
    )
    DBTaskResult.objects.filter(task_path=sweep_stripe_events.module_path).delete()
    sweep_stripe_events.enqueue()
    run_queued_tasks()
    assert StripeEvent.objects.get().status == "processed"
    assert Subscription.objects.get().status == "active"


def test_the_sweep_leaves_fresh_events_to_their_own_run_and_schedules_itself(
    client, subscriptions_at_stripe
):
    post_event(client, event("customer.subscription.created", subscriptions_at_stripe[0]))
    DBTaskResult.objects.all().delete()  # the endpoint's run was lost
    sweep_stripe_events.enqueue()
    run_queued_tasks()
    # Stored seconds ago: not yet the sweep's business.
    assert not runs_waiting().exists()
    assert StripeEvent.objects.get().status == "pending"
    next_sweep = DBTaskResult.objects.get(
        task_path=sweep_stripe_events.module_path, status=TaskResultStatus.READY
    )
    assert next_sweep.run_after > timezone.now() + timedelta(seconds=50)

    StripeEvent.objects.update(received_at=timezone.now() - timedelta(seconds=61))
    make_due()
    run_queued_tasks()
    assert StripeEvent.objects.get().status == "processed"


def test_two_runs_racing_for_one_event_apply_it_once(client, subscriptions_at_stripe):
    from subscriptions import events

    post_event(client, event("customer.subscription.trial_will_end", subscriptions_at_stripe[0]))
    [stored] = StripeEvent.objects.all()
    # Both workers read the event before either applied it (a lease that ran out meanwhile).
    assert events.process(stored) == "processed"
    assert events.process(stored) == "skipped"
    assert StripeEvent.objects.get().attempts == 1


def test_an_event_type_that_lost_its_handler_is_failed_not_retried_for_ever(client, stripe_standin):
    StripeEvent.objects.create(
        event_id="evt_old", type="customer.subscription.frozen", payload='{"data": {}}'
    )
    process_stripe_events.enqueue()
    run_queued_tasks()
    gone = StripeEvent.objects.get()
    assert gone.status == "failed"
    assert "No handler" in gone.last_error
