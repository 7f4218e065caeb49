"""The subscriptions app's tasks: daily reconciliation with Stripe, and processing stored events.

Periodic ones are started by every worker (jobs.tasks.PERIODIC_TASKS); `jobs.tasks.schedule`
keeps exactly one run waiting, so workers starting together or a run repeated after a crash
never make two chains.
"""

import io
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.management import CommandError, call_command
from django.tasks import task
from django.tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jobs.tasks import retried_task, schedule
from newsroom import clock

from . import events
from .models import StripeEvent

log = logging.getLogger(__name__)


@task()
def reconcile_with_stripe() -> str:
    """`manage.py stripe_reconcile`, then the next run: tomorrow, or in an hour if Stripe failed."""
    report = io.StringIO()
    try:
        call_command("stripe_reconcile", stdout=report)
    except CommandError as error:
        log.warning("Reconciliation with Stripe failed, trying again in an hour: %s", error)
        schedule(reconcile_with_stripe, in_seconds=settings.RECONCILE_RETRY_SECONDS)
        return f"failed: {error}"
    schedule(reconcile_with_stripe, in_seconds=settings.RECONCILE_EVERY_SECONDS)
    log.info("Reconciled with Stripe:\n%s", report.getvalue())
    return report.getvalue()


# ---------------------------------------------------------------- Stripe events
@retried_task(attempts=5, backoff=30)
def process_stripe_events() -> dict[str, int]:
    """Process stored Stripe events, several per run (subscriptions/events.py says how).

    A run that cannot finish in its time hands over to another, so no task runs long; events
    waiting out a backoff get a run at their time. Retried (retried_task) if the database
    fails under it; the events it held are taken again when their lease runs out.
    """
    counts = events.process_due(
        budget=settings.STRIPE_EVENT_RUN_SECONDS, batch=settings.STRIPE_EVENT_BATCH
    )
    if StripeEvent.objects.due().exists():
        ensure_processing()
    if (when := events.next_retry_at()) is not None:
        ensure_processing(at=when)
    return counts


def ensure_processing(*, at: datetime | None = None) -> bool:
    """Enqueue a run of process_stripe_events unless one not yet started will run by `at`.

    Called after an event is stored (committed): a run still waiting to start will see it, so
    no second run is needed, and a busy endpoint adds one row for many events. The check needs
    no lock: at worst two runs are enqueued, and they share the events between them.
    """
    now = clock.now()
    at = max(at or now, now)
    waiting = DBTaskResult.objects.filter(
        task_path=process_stripe_events.module_path,
        status=TaskResultStatus.READY,
        run_after__lte=at,
    ).exists()
    if waiting:
        return False
    process_stripe_events.using(run_after=at).enqueue()
    return True


@task()
def sweep_stripe_events() -> bool:
    """Periodic: events stored over a minute ago and still due get a run (a run lost with a
    dead worker, an enqueue that failed after the event was stored), then the next sweep."""
    stale = StripeEvent.objects.due().filter(
        received_at__lt=clock.now() - timedelta(seconds=settings.STRIPE_EVENT_SWEEP_AFTER)
    )
    enqueued = stale.exists() and ensure_processing()
    schedule(sweep_stripe_events, in_seconds=settings.STRIPE_EVENT_SWEEP_EVERY)
    return enqueued
