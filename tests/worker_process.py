"""Start a real `manage.py db_worker` process against the test database.

The test must use the `transactional_db` fixture: the worker is another process, and sees only
committed rows.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    # The worker keeps the test's clock (newsroom/clock.py), as a deployed one keeps the site's.
    shared = {"CLOCK_FILE": settings.CLOCK_FILE}
    env = {**os.environ, "DATABASE_URL": test_database_url(), **shared, **extra}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def start_worker(*args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload", *args],
        cwd=ROOT,
        env=worker_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def run_worker_batch(timeout: float = 60, **env: str) -> str:
    """Run a worker until the queue is empty; its output (it must exit cleanly)."""
    process = start_worker("--batch", "--queue-name", "*", **env)
    output, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, output
    return output
