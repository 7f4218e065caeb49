"""Finished task rows are deleted after TASKS_KEEP_DAYS: their arguments and results hold
email addresses. A periodic task (jobs.tasks.PERIODIC_TASKS), like reconciliation."""

import logging
from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.tasks import schedule

log = logging.getLogger(__name__)


def prune_finished(*, now=None) -> int:
    """Delete successful and failed rows that finished more than TASKS_KEEP_DAYS ago."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.TASKS_KEEP_DAYS)
    deleted, _ = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=cutoff,
    ).delete()
    return deleted


@task()
def prune_finished_tasks() -> int:
    deleted = prune_finished()
    if deleted:
        log.info(
            "Deleted %d finished task row(s) older than %d days", deleted, settings.TASKS_KEEP_DAYS
        )
    schedule(prune_finished_tasks, in_seconds=24 * 60 * 60)
    return deleted
