"""Run the queue inside a test, as a worker would, without a second process.

`run_queued_tasks()` claims and runs every task that is ready now, with django-tasks-db's own
Worker.run_task (the code a `db_worker` process runs), until none is left. Tasks set to run
later (a retry's backoff) stay queued: move the clock with `make_due()` to run them.
"""

from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

TEST_WORKER_ID = "pytest-worker"


def _worker() -> Worker:
    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=TEST_WORKER_ID,
        excluded_queue_names=[],
    )


def run_next_task() -> DBTaskResult:
    """Run the first ready task only, as one worker's next step; its result row."""
    result = DBTaskResult.objects.ready().first()
    assert result is not None, "no task is ready"
    result.claim(TEST_WORKER_ID)
    _worker().run_task(result)
    result.refresh_from_db()
    return result


def run_queued_tasks(*, limit: int = 200) -> int:
    worker = _worker()
    ran = 0
    while (result := DBTaskResult.objects.ready().first()) is not None:
        assert ran < limit, "the queue never empties: a task keeps enqueueing work that is due"
        result.claim(TEST_WORKER_ID)
        worker.run_task(result)
        ran += 1
    return ran


def make_due() -> int:
    """Bring every waiting task's run_after to now, as if its time had come."""
    return DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
