"""Daily reconciliation with Stripe, as a task that schedules its own next run (no cron).

Started by every worker (jobs.tasks.PERIODIC_TASKS); `jobs.tasks.schedule` keeps exactly one
run waiting, so workers starting together or a run repeated after a crash never make two chains.
"""

import io
import logging

from django.conf import settings
from django.core.management import CommandError, call_command
from django.tasks import task

from jobs.tasks import schedule

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
