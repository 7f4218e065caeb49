"""The dry run of a members import, and the task that runs it in chunks with progress.

Both read the stored file the same way (`_entries`): bad rows and repeated addresses are
problems with their line numbers; every other row is planned (dry run) or applied (task).
"""

import logging
from collections.abc import Iterator
from itertools import batched

from django.db import transaction
from django.utils import timezone

from jobs.tasks import retried_task
from subscriptions.stripe_client import UNAVAILABLE

from . import import_csv
from .import_csv import Parsed, Problem, Row
from .import_members import SKIP, Outcome, apply, customer_owners, load, offered_newsletters, plan
from .models import MemberImport

log = logging.getLogger(__name__)

PLAN_BATCH = 1000
# Rows one task applies before handing on to the next: each row may call Stripe, and a task
# must end well within TASKS_STALE_AFTER.
RUN_CHUNK = 500
PROBLEMS_KEPT = 1000
UPDATES_SHOWN = 100


def _parsed(job: MemberImport) -> Parsed:
    return Parsed(text=job.text, delimiter=job.delimiter, encoding=job.encoding, unknown_columns=[])


def _entries(job: MemberImport) -> Iterator[Row | Problem]:
    """The file's rows in order; an address seen before is a problem naming the first line."""
    first_line: dict[str, int] = {}
    for entry in import_csv.rows(_parsed(job), job.source):
        if isinstance(entry, Row):
            if entry.email in first_line:
                yield Problem(
                    entry.line, entry.email, f"repeats line {first_line[entry.email]}: skipped"
                )
                continue
            first_line[entry.email] = entry.line
        yield entry


def _problem(p: Problem) -> dict:
    return {"line": p.line, "email": p.email, "reason": p.reason}


def dry_run(job: MemberImport) -> None:
    """Plan every row without changing anything, and store the report on `job`."""
    counts = {"create": 0, "update": 0, "unchanged": 0, "skip": 0, "bad": 0}
    problems: list[dict] = []
    updates: list[dict] = []
    paying = 0
    offered = offered_newsletters()
    rows = 0
    for batch in batched(_entries(job), PLAN_BATCH, strict=False):
        good = [e for e in batch if isinstance(e, Row)]
        known = load(e.email for e in good)
        owners = customer_owners(e.customer for e in good if e.customer)
        for entry in batch:
            if isinstance(entry, Problem):
                counts["bad"] += 1
                problems.append(_problem(entry))
                continue
            rows += 1
            outcome = plan(entry, known.get(entry.email), owners, offered)
            counts[outcome.action] += 1
            paying += bool(entry.customer and outcome.action != SKIP)
            if outcome.action == SKIP:
                problems.append(
                    {"line": entry.line, "email": entry.email, "reason": outcome.reason}
                )
            elif outcome.action == "update" and len(updates) < UPDATES_SHOWN:
                updates.append(
                    {"line": entry.line, "email": entry.email, "changes": outcome.changes}
                )
    job.total = rows
    job.report = {
        "counts": counts,
        "problems": problems[:PROBLEMS_KEPT],
        "more_problems": max(len(problems) - PROBLEMS_KEPT, 0),
        "updates": updates,
        "paying": paying,
    }


def start(job: MemberImport) -> None:
    """Queue the confirmed import (in the caller's transaction)."""
    job.state = MemberImport.State.QUEUED
    job.counts = {"create": 0, "update": 0, "unchanged": 0, "skip": 0, "bad": 0}
    job.problems, job.done = [], 0
    job.save(update_fields=["state", "counts", "problems", "done"])
    run_import.enqueue(job.pk, 0)


@retried_task(attempts=3, backoff=30)
def run_import(import_id: int, start_at: int) -> int:
    """Apply rows `start_at` .. `start_at + RUN_CHUNK` of an import, then queue the rest.

    Rows are counted in file order (problems included), so a retried chunk redoes exactly
    its own rows, and applying a row twice changes nothing.
    """
    job = MemberImport.objects.filter(pk=import_id).first()
    if job is None or job.state == MemberImport.State.DONE:
        return 0
    MemberImport.objects.filter(pk=job.pk).update(state=MemberImport.State.RUNNING)
    offered = offered_newsletters()
    counts: dict[str, int] = {}
    problems: list[dict] = []
    applied = 0
    more = False
    for index, entry in enumerate(_entries(job)):
        if index < start_at:
            continue
        if index >= start_at + RUN_CHUNK:
            more = True
            break
        if isinstance(entry, Problem):
            counts["bad"] = counts.get("bad", 0) + 1
            problems.append(_problem(entry))
            continue
        try:
            outcome = apply(entry, source=job.source, offered=offered)
        except UNAVAILABLE:
            raise  # Stripe is down: the whole chunk is tried again later
        except Exception as error:
            # Its transaction rolled back: nothing of this row was kept. Tell the publisher
            # and carry on with the others.
            log.exception("Import %s: line %s failed", import_id, entry.line)
            outcome = Outcome(SKIP, reason=f"could not be imported ({type(error).__name__})")
        applied += 1
        counts[outcome.action] = counts.get(outcome.action, 0) + 1
        if outcome.action == SKIP:
            problems.append(_problem(Problem(entry.line, entry.email, outcome.reason)))
    with transaction.atomic():
        job = MemberImport.objects.select_for_update().get(pk=import_id)
        for key, value in counts.items():
            job.counts[key] = job.counts.get(key, 0) + value
        job.problems = (job.problems + problems)[:PROBLEMS_KEPT]
        job.done += applied
        if more:
            run_import.enqueue(job.pk, start_at + RUN_CHUNK)
        else:
            job.state = MemberImport.State.DONE
            job.finished_at = timezone.now()
        job.save()
    return applied
