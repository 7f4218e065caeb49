"""A failing task is enqueued again with exponential backoff, and gives up visibly."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.tasks import backoff_delay
from tests.jobs_tasks import flaky_make_group
from tests.task_helpers import make_due, run_queued_tasks

pytestmark = pytest.mark.django_db


def test_backoff_doubles_from_the_first_delay():
    assert [backoff_delay(n, base=60).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]


def test_a_failed_attempt_is_enqueued_again_for_later_not_now():
    before = timezone.now()
    flaky_make_group.enqueue("retry-me", failures=1)
    assert run_queued_tasks() == 1
    assert not Group.objects.filter(name="retry-me").exists()
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.args_kwargs == {"args": ["retry-me"], "kwargs": {"failures": 1, "_attempt": 2}}
    # One minute of backoff after the first failure: not ready yet.
    assert waiting.run_after >= before + timedelta(seconds=60)
    assert waiting.run_after <= timezone.now() + timedelta(seconds=61)
    assert run_queued_tasks() == 0
    first = DBTaskResult.objects.get(status="SUCCESSFUL")
    assert first.return_value["failed_attempt"] == 1
    assert "ConnectionError: provider unavailable" in first.return_value["error"]
    assert first.return_value["retry"] == str(waiting.id)


def test_the_retry_succeeds_once_due_and_the_work_is_done_once():
    flaky_make_group.enqueue("retry-me", failures=1)
    run_queued_tasks()
    make_due()
    assert run_queued_tasks() == 1
    assert Group.objects.filter(name="retry-me").count() == 1
    assert not DBTaskResult.objects.filter(status__in=["READY", "FAILED"]).exists()


def test_the_second_delay_is_twice_the_first():
    flaky_make_group.enqueue("retry-me", failures=2)
    run_queued_tasks()
    make_due()
    started = timezone.now()
    run_queued_tasks()
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.args_kwargs["kwargs"]["_attempt"] == 3
    assert waiting.run_after >= started + timedelta(seconds=120)


def test_after_the_last_attempt_the_task_fails_with_its_traceback_and_is_not_retried():
    flaky_make_group.enqueue("doomed", failures=10)
    for _ in range(3):
        run_queued_tasks()
        make_due()
    assert run_queued_tasks() == 0
    failed = DBTaskResult.objects.get(status="FAILED")
    assert failed.exception_class_path == "builtins.ConnectionError"
    assert "provider unavailable (try 3)" in failed.traceback
    assert Group.objects.filter(name__startswith="doomed-try-").count() == 3
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_the_admin_lists_a_task_that_gave_up_under_failed(client, django_user_model):
    flaky_make_group.enqueue("doomed", failures=10)
    for _ in range(3):
        run_queued_tasks()
        make_due()
    admin = django_user_model.objects.create_superuser(email="boss@example.com", password="x")
    client.force_login(admin)
    page = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert page.status_code == 200
    html = page.content.decode()
    assert "flaky_make_group" in html
    assert "1 Task Result" in html
    failed = DBTaskResult.objects.get(status="FAILED")
    detail = client.get(f"/admin/django_tasks_database/dbtaskresult/{failed.pk}/change/")
    assert detail.status_code == 200
    assert "provider unavailable (try 3)" in detail.content.decode()


def test_staff_run_a_task_that_gave_up_again_from_the_admin(client, django_user_model):
    flaky_make_group.enqueue("second-chance", failures=3)
    for _ in range(3):
        run_queued_tasks()
        make_due()
    failed = DBTaskResult.objects.get(status="FAILED")
    admin = django_user_model.objects.create_superuser(email="boss@example.com", password="x")
    client.force_login(admin)
    posted = client.post(
        "/admin/django_tasks_database/dbtaskresult/",
        {"action": "run_again", "_selected_action": [str(failed.pk)]},
    )
    response = client.get(posted["Location"])
    assert response.status_code == 200
    assert "Queued 1 failed task(s) to run again." in response.content.decode()
    again = DBTaskResult.objects.get(status="READY")
    assert again.args_kwargs["args"] == ["second-chance"]
    assert again.args_kwargs["kwargs"] == {"failures": 3}
    # The staff member's request caused the run, so its id travels with it into the logs.
    assert again.args_kwargs["request_id"] == posted["X-Request-ID"]
    assert run_queued_tasks() == 1  # the cause is gone now (three tries are on record)
    assert Group.objects.filter(name="second-chance").exists()
