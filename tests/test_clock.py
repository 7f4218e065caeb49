"""One clock: moving the Stripe stand-in's clock moves what the site, its access rule and its
task workers take for "now" (newsroom/clock.py)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsroom import clock
from subscriptions.entitlements import forget, has_paid_access, spend_metered_read
from subscriptions.models import ComplimentaryAccess
from tests.factories import make_article
from tests.jobs_tasks import make_group
from tests.task_helpers import run_queued_tasks
from tests.worker_process import run_worker_batch

pytestmark = pytest.mark.django_db


def test_without_a_clock_file_now_is_the_real_time(settings):
    settings.CLOCK_FILE = ""
    assert abs(clock.now() - timezone.now()) < timedelta(seconds=1)


def test_a_clock_file_that_holds_no_number_is_ignored(settings, tmp_path):
    settings.CLOCK_FILE = str(tmp_path / "offset")
    (tmp_path / "offset").write_text("soon\n")
    assert clock.offset() == timedelta(0)
    (tmp_path / "offset").write_bytes(b"\xff\xfe")
    assert clock.offset() == timedelta(0)


def test_advancing_the_standin_moves_the_sites_now_by_as_much(stripe_standin):
    before = clock.now()
    stripe_standin.advance(days=10)
    moved = clock.now() - before
    assert timedelta(days=10) <= moved < timedelta(days=10, seconds=5)
    assert clock.localdate() == (timezone.localtime(before) + timedelta(days=10)).date()


def test_a_reset_standin_puts_the_sites_clock_back(stripe_standin):
    stripe_standin.advance(days=3)
    stripe_standin.reset()
    assert abs(clock.now() - timezone.now()) < timedelta(seconds=2)


def test_complimentary_access_ends_when_the_shared_clock_passes_its_expiry(stripe_standin, reader):
    ComplimentaryAccess.objects.create(
        user=reader, reason="Press", expires_at=clock.now() + timedelta(days=10)
    )
    assert has_paid_access(reader)
    stripe_standin.advance(days=11)
    forget(reader)  # the answer is cached on the user object
    assert not has_paid_access(reader)


def test_the_metered_wall_starts_a_new_month_on_the_shared_clock(stripe_standin, reader, settings):
    settings.METERED_FREE_STORIES = 1
    first, second = make_article(slug="first"), make_article(slug="second")
    assert spend_metered_read(reader, first).granted
    assert not spend_metered_read(reader, second).granted
    stripe_standin.advance(days=32)
    assert spend_metered_read(reader, second).granted


def test_a_task_deferred_to_a_date_runs_once_the_shared_clock_passes_it(stripe_standin):
    make_group.using(run_after=clock.now() + timedelta(days=3)).enqueue("deferred")
    assert run_queued_tasks() == 0
    stripe_standin.advance(days=2)
    assert run_queued_tasks() == 0
    assert not Group.objects.filter(name="deferred").exists()
    stripe_standin.advance(days=2)
    assert run_queued_tasks() == 1
    assert Group.objects.filter(name="deferred").exists()


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_keeps_the_shared_clock(stripe_standin):
    make_group.using(run_after=clock.now() + timedelta(days=3)).enqueue("from-a-worker")
    run_worker_batch()
    assert not Group.objects.filter(name="from-a-worker").exists()
    stripe_standin.advance(days=4)
    output = run_worker_batch()
    assert "tests.jobs_tasks.make_group" in output
    assert Group.objects.filter(name="from-a-worker").exists()
    assert DBTaskResult.objects.filter(task_path="tests.jobs_tasks.make_group").get().status == (
        "SUCCESSFUL"
    )
