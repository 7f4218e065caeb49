"""A task for tests/test_observability_logs.py (module level, so the queue can import it)."""

import logging

from django.tasks import task


@task()
def log_a_line(text: str) -> None:
    logging.getLogger("newsroom.tests").warning(text)
