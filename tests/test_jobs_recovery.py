"""Tasks left "Running" by a dead worker go back on the queue; the check runs itself again."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.tasks import (
    PERIODIC_TASKS,
    ensure_periodic_tasks,
    recover_stale,
    recover_stale_tasks,
    schedule,
)
from tests.jobs_tasks import make_group
from tests.task_helpers import run_queued_tasks

pytestmark = pytest.mark.django_db


def _left_running(name: str, *, minutes_ago: int, workers: int = 1) -> DBTaskResult:
    """A task a worker claimed `minutes_ago` and then died without finishing."""
    result = make_group.enqueue(name)
    row = DBTaskResult.objects.get(id=result.id)
    for n in range(workers):
        row.claim(f"dead-worker-{n}")
    DBTaskResult.objects.filter(id=row.id).update(
        started_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return row


def test_a_task_running_past_the_stale_limit_is_run_again(settings):
    settings.TASKS_STALE_AFTER = 15 * 60
    _left_running("orphan", minutes_ago=16)
    assert recover_stale() == 1
    assert run_queued_tasks() == 1
    assert Group.objects.filter(name="orphan").exists()
    row = DBTaskResult.objects.get()
    assert row.status == "SUCCESSFUL"
    assert row.worker_ids == ["dead-worker-0", "pytest-worker"]


def test_a_task_still_within_the_limit_is_left_to_its_worker(settings):
    settings.TASKS_STALE_AFTER = 15 * 60
    _left_running("busy", minutes_ago=14)
    assert recover_stale() == 0
    assert DBTaskResult.objects.get().status == "RUNNING"
    assert run_queued_tasks() == 0


def test_a_task_that_kills_every_worker_is_failed_not_run_forever(settings):
    settings.TASKS_STALE_AFTER = 60
    settings.TASKS_MAX_RECOVERIES = 3
    _left_running("poison", minutes_ago=5, workers=4)
    assert recover_stale() == 0
    row = DBTaskResult.objects.get()
    assert row.status == "FAILED"
    assert row.exception_class_path == "jobs.tasks.AbandonedTask"
    assert "4 workers started this task and none finished it" in row.traceback
    assert not Group.objects.filter(name="poison").exists()


def test_the_periodic_check_recovers_and_schedules_exactly_one_next_run(settings):
    settings.TASKS_STALE_AFTER = 60
    settings.TASKS_STALE_CHECK_EVERY = 300
    _left_running("orphan", minutes_ago=2)
    recover_stale_tasks.enqueue()
    started = timezone.now()
    run_queued_tasks()  # the check, then the orphan it put back
    assert Group.objects.filter(name="orphan").exists()
    waiting = DBTaskResult.objects.filter(status="READY")
    assert [w.task_path for w in waiting] == ["jobs.tasks.recover_stale_tasks"]
    assert waiting.get().run_after >= started + timedelta(seconds=300)


def test_scheduling_twice_leaves_one_run_waiting():
    assert schedule(recover_stale_tasks, in_seconds=60) is True
    assert schedule(recover_stale_tasks, in_seconds=60) is False
    ensure_periodic_tasks()
    waiting = DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True)
    # One run waiting per chain: the stale check scheduled twice above is still there once.
    assert sorted(waiting) == sorted(path for path, _ in PERIODIC_TASKS)
    assert list(waiting).count("jobs.tasks.recover_stale_tasks") == 1
