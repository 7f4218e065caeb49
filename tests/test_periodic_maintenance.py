"""Reconciliation runs daily and finished task rows are pruned, as tasks that schedule their own
next run (no cron), each chain guarded against duplicates."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.pruning import prune_finished_tasks
from jobs.tasks import ensure_periodic_tasks
from subscriptions.models import Subscription
from subscriptions.tasks import reconcile_with_stripe
from tests.jobs_tasks import make_group
from tests.stripe_helpers import make_plan, subscribe_at_stripe
from tests.task_helpers import run_queued_tasks

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def waiting(task):
    return DBTaskResult.objects.filter(task_path=task.module_path, status="READY")


def test_every_worker_start_leaves_one_reconciliation_and_one_pruning_waiting():
    ensure_periodic_tasks()
    ensure_periodic_tasks()  # a second worker starting
    assert waiting(reconcile_with_stripe).count() == 1
    assert waiting(prune_finished_tasks).count() == 1


def test_reconciliation_applies_stripes_state_and_comes_back_tomorrow(stripe_standin, reader):
    plan = make_plan()
    subscribe_at_stripe(reader, plan)  # a subscription whose webhook never arrived
    started = timezone.now()
    reconcile_with_stripe.enqueue()
    assert run_queued_tasks() == 1
    assert Subscription.objects.get(user=reader).status == "active"
    [next_run] = waiting(reconcile_with_stripe)
    assert started + DAY <= next_run.run_after <= timezone.now() + DAY


def test_a_reconciliation_that_cannot_reach_stripe_tries_again_in_an_hour(settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    settings.STRIPE_SECRET_KEY = "sk_test_standin"
    reconcile_with_stripe.enqueue()
    run_queued_tasks()
    [next_run] = waiting(reconcile_with_stripe)
    assert next_run.run_after <= timezone.now() + timedelta(hours=1)
    assert next_run.run_after > timezone.now() + timedelta(minutes=50)


def test_a_repeated_run_does_not_start_a_second_chain(stripe_standin):
    reconcile_with_stripe.enqueue()
    reconcile_with_stripe.enqueue()  # e.g. a run put back after its worker died
    run_queued_tasks()
    assert waiting(reconcile_with_stripe).count() == 1


def test_finished_task_rows_older_than_a_week_are_deleted(settings):
    settings.TASKS_KEEP_DAYS = 7
    old, recent = make_group.enqueue("old"), make_group.enqueue("recent")
    run_queued_tasks()
    DBTaskResult.objects.filter(id=old.id).update(finished_at=timezone.now() - 8 * DAY)
    pending = make_group.using(run_after=timezone.now() + DAY).enqueue("later")
    prune_finished_tasks.enqueue()
    run_queued_tasks()
    remaining = set(DBTaskResult.objects.values_list("id", flat=True))
    assert str(old.id) not in {str(r) for r in remaining}
    assert {str(recent.id), str(pending.id)} <= {str(r) for r in remaining}
    assert waiting(prune_finished_tasks).count() == 1
