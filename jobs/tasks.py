"""Background work: the project's shared pieces on top of `django.tasks` and django-tasks-db.

The queue is a table in the site's own database (django-tasks-db); `manage.py db_worker` runs a
worker, and any number of workers on any number of machines share it. django-tasks-db runs each
task once and neither retries a failure nor notices a worker that died mid-task; this module
adds those two things, and nothing else.

Writing a task
--------------
A task that may fail for a passing reason (a provider outage, a timeout) and is safe to run
again is declared with `retried_task` instead of `django.tasks.task`::

    from jobs.tasks import retried_task

    @retried_task(queue_name="email", attempts=6)
    def send_receipt(invoice_id: str) -> None:
        ...

    send_receipt.enqueue("in_123")      # arguments must be JSON: ids and strings, not objects

An exception makes the helper enqueue the same call again with `run_after` pushed back
exponentially (1, 2, 4, 8 ... minutes by default) and the attempt that failed ends "Successful"
with a return value saying which attempt it was, what went wrong and when it runs again. When
the last attempt fails, the exception propagates and the task ends "Failed" with its traceback:
the admin's "Task results" list, filtered on "Failed", shows every task that gave up.

Enqueue inside the transaction that makes the work necessary: the task row commits (or rolls
back) with it, and no worker can see it before the commit.

Tasks run at least once. A worker killed mid-task leaves its row "Running"; every worker at
start, and `recover_stale_tasks` every TASKS_STALE_CHECK_EVERY seconds, puts tasks running for
longer than TASKS_STALE_AFTER seconds back on the queue (and fails one abandoned
TASKS_MAX_RECOVERIES times). So a task must finish well within TASKS_STALE_AFTER (split long
work into many small tasks) and must be safe to run twice.

Periodic work
-------------
No cron and no threads: a periodic task does its work, then calls
`schedule(itself, in_seconds=...)`, which enqueues the next run unless one is already waiting.
`ensure_periodic_tasks()` (run by every worker at start) starts each chain listed in
PERIODIC_TASKS, so a chain broken by a crash is restarted by the next worker to start. Add
yours to PERIODIC_TASKS below.
"""

import functools
import logging
import zlib
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.tasks import task
from django.tasks.base import Task, TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet, get_date_max

from newsroom import clock

log = logging.getLogger(__name__)

ATTEMPT_KWARG = "_attempt"


def backoff_delay(attempt: int, *, base: int) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1-based): base, 2×base, 4×base ..."""
    return timedelta(seconds=base * 2 ** (attempt - 1))


def retried_task(*, attempts: int = 6, backoff: int = 60, **task_options):
    """Like `@task(...)`, but a failing call is enqueued again with exponential backoff.

    `attempts` counts the first run; `backoff` is the first delay in seconds. The wrapped
    function takes the same arguments as before: the attempt number travels in a keyword of
    its own that the function never sees.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")

    def decorate(func):
        @functools.wraps(func)
        def run(context, *args, **kwargs):
            attempt = int(kwargs.pop(ATTEMPT_KWARG, 1))
            try:
                return func(*args, **kwargs)
            except Exception as error:
                if attempt >= attempts:
                    log.error("%s failed for good after %d attempts", func.__name__, attempt)
                    raise
                run_after = clock.now() + backoff_delay(attempt, base=backoff)
                retry = context.task_result.task.using(run_after=run_after).enqueue(
                    *args, **kwargs, **{ATTEMPT_KWARG: attempt + 1}
                )
                log.warning(
                    "%s attempt %d of %d failed (%s: %s); retrying at %s as %s",
                    func.__name__,
                    attempt,
                    attempts,
                    type(error).__name__,
                    error,
                    run_after.isoformat(),
                    retry.id,
                )
                return {
                    "failed_attempt": attempt,
                    "of": attempts,
                    "error": f"{type(error).__name__}: {error}",
                    "retry": str(retry.id),
                    "retry_at": run_after.isoformat(),
                }

        # `task()` checks that the first parameter is named "context"; without this it would
        # follow __wrapped__ (set by functools.wraps) to the function's own parameters.
        del run.__wrapped__
        return task(takes_context=True, **task_options)(run)

    return decorate


# ---------------------------------------------------------------- the shared clock
def _ready_on_the_shared_clock(self):
    """django-tasks-db's `ready()`, with "now" read from newsroom.clock instead of the real
    time: a task deferred to a date (`run_after`) runs once the shared clock passes it, so a
    test that moves the Stripe stand-in's clock moves the worker's too."""
    return self.filter(status=TaskResultStatus.READY).filter(
        Q(run_after=get_date_max()) | Q(run_after__lte=clock.now())
    )


def keep_the_shared_clock() -> None:
    """Make every worker (and `tests.task_helpers`) decide readiness on the shared clock.

    django-tasks-db asks `DBTaskResult.objects.ready()` for the next task and offers no hook,
    so its queryset method is replaced once, when the jobs app loads. Every `run_after` this
    project writes is on the same clock (`schedule`, `retried_task`, and callers passing
    `clock.now() + ...`). Stale-task recovery stays on the real time: it measures how long a
    worker has been silent, which the clock offset says nothing about.
    """
    DBTaskResultQuerySet.ready = _ready_on_the_shared_clock  # type: ignore[method-assign]


# ---------------------------------------------------------------- dead workers
def recover_stale(*, now=None) -> int:
    """Put tasks left "Running" longer than TASKS_STALE_AFTER back on the queue.

    A worker that dies mid-task (killed, out of memory, machine lost) never marks its task
    finished. Such a task is made ready to run again; one already abandoned
    TASKS_MAX_RECOVERIES times is marked failed instead, so a task that kills its worker
    cannot kill every worker in turn. Returns how many tasks were put back.
    """
    now = now or timezone.now()
    stale = DBTaskResult.objects.running().filter(
        started_at__lt=now - timedelta(seconds=settings.TASKS_STALE_AFTER)
    )
    with transaction.atomic():
        rows = list(stale.select_for_update(skip_locked=True).only("id", "worker_ids"))
        hopeless = [r.id for r in rows if len(r.worker_ids) > settings.TASKS_MAX_RECOVERIES]
        if hopeless:
            DBTaskResult.objects.filter(id__in=hopeless, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path="jobs.tasks.AbandonedTask",
                traceback=(
                    f"Abandoned: {settings.TASKS_MAX_RECOVERIES + 1} workers started this task "
                    "and none finished it (each died or was killed). Not retried again."
                ),
            )
            log.error("Gave up on tasks that no worker could finish: %s", hopeless)
        again = [r.id for r in rows if r.id not in hopeless]
        put_back = DBTaskResult.objects.filter(
            id__in=again, status=TaskResultStatus.RUNNING
        ).update(status=TaskResultStatus.READY, run_after=now)
    if put_back:
        log.warning("Put %d task(s) left running by a dead worker back on the queue", put_back)
    return put_back


class AbandonedTask(Exception):
    """Recorded (by path) on a task that no worker could finish."""


# ---------------------------------------------------------------- periodic work
def _lock(name: str) -> None:
    """Serialise `schedule` per task until the end of the transaction, across processes."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(name.encode())])
    # SQLite: the project opens every transaction IMMEDIATE (settings.py), which already
    # gives one writer at a time.


def schedule(periodic: Task, *, in_seconds: float) -> bool:
    """Enqueue the next run of `periodic` unless one is already waiting; True if enqueued.

    The check and the enqueue happen under a lock, so two workers starting at once, or a
    chain run twice after a recovery, still leave exactly one run waiting.
    """
    with transaction.atomic():
        _lock(periodic.module_path)
        waiting = DBTaskResult.objects.filter(
            task_path=periodic.module_path, status=TaskResultStatus.READY
        ).exists()
        if waiting:
            return False
        periodic.using(run_after=clock.now() + timedelta(seconds=in_seconds)).enqueue()
        return True


@task()
def recover_stale_tasks() -> int:
    """Periodic: recover tasks of dead workers, then schedule the next check."""
    recovered = recover_stale()
    schedule(recover_stale_tasks, in_seconds=settings.TASKS_STALE_CHECK_EVERY)
    return recovered


# Every chain a worker (re)starts when it starts: (task path, first run in seconds).
PERIODIC_TASKS = [
    # Not at once: a worker starting (a deploy) need not reconcile or prune right away.
    ("subscriptions.tasks.reconcile_with_stripe", 10 * 60),
    ("jobs.pruning.prune_finished_tasks", 60 * 60),
    ("subscriptions.tasks.sweep_stripe_events", 60),
    # The dashboard's daily figures: hourly; the first run rebuilds the days before it.
    ("desk.rollups.roll_up_figures", 5 * 60),
    ("articles.tasks.delete_abandoned_uploads_periodically", 60 * 60),
    # Last: a worker has started its chains once this one is waiting.
    ("jobs.tasks.recover_stale_tasks", 0),
]


def ensure_periodic_tasks() -> None:
    from django.utils.module_loading import import_string

    for path, first_in in PERIODIC_TASKS:
        schedule(import_string(path), in_seconds=first_in)
