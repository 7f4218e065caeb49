"""Import 100,000 members from a generated Ghost CSV, as the admin's task does, by hand.

    DATABASE_URL=postgres://.../newsroom_bench python bench/member_import.py --rows 100000

Not a timed test: it prints how long the dry run and the import took, how many tasks the
import ran (each handles desk.import_run.RUN_CHUNK rows, well within TASKS_STALE_AFTER) and
the peak Python memory of each step. Use a scratch database: it migrates it and creates the
members (run it twice to time an import that changes nothing). No Stripe customer ids, so
Stripe is not called.
"""

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")


def generate(rows: int) -> bytes:
    lines = ["email,name,note,subscribed_to_emails,complimentary_plan,created_at,labels"]
    for i in range(rows):
        comp = "true" if i % 10 == 0 else "false"
        lines.append(
            f"bench{i}@example.com,Member {i},,{'true' if i % 2 else 'false'},{comp},"
            f"2022-01-01T00:00:00.000Z,bench"
        )
    return ("\n".join(lines) + "\n").encode()


def measured(label, step):
    tracemalloc.start()
    started = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label}: {seconds:.1f} s, peak {peak / 1e6:.0f} MB")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from desk import import_csv, import_run
    from desk.models import MemberImport
    from tests.task_helpers import run_queued_tasks

    call_command("migrate", verbosity=0)
    data = generate(args.rows)
    parsed = import_csv.inspect(data, "ghost")
    job = MemberImport(
        source="ghost",
        filename="bench.csv",
        text=parsed.text,
        delimiter=parsed.delimiter,
        encoding=parsed.encoding,
    )
    measured("dry run", lambda: import_run.dry_run(job))
    job.save()
    print("planned:", job.report["counts"])
    import_run.start(job)
    tasks = measured("import", lambda: run_queued_tasks(limit=args.rows))
    job.refresh_from_db()
    print(f"tasks: {tasks}, done: {job.done} of {job.total}, counts: {job.counts}")


if __name__ == "__main__":
    main()
