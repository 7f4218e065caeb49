"""Tasks used by the queue's tests (module level, so a worker process can import them)."""

from django.contrib.auth.models import Group
from django.tasks import task

from jobs.tasks import retried_task


@task()
def make_group(name: str) -> str:
    # An effect another process can see: a row in the database.
    Group.objects.create(name=name)
    return name


@retried_task(attempts=3, backoff=60)
def flaky_make_group(name: str, failures: int) -> str:
    """Fails until `failures` groups named like it exist, then succeeds."""
    tries = Group.objects.filter(name__startswith=f"{name}-try-").count()
    if tries < failures:
        Group.objects.create(name=f"{name}-try-{tries + 1}")
        raise ConnectionError(f"provider unavailable (try {tries + 1})")
    Group.objects.create(name=name)
    return name
