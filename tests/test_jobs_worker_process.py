"""A real `manage.py db_worker` process runs what the site enqueued, and stops cleanly."""

import signal
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.jobs_tasks import make_group
from tests.worker_process import run_worker_batch, start_worker


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_runs_an_enqueued_task_and_records_its_result():
    result = make_group.enqueue("made-by-a-worker")
    output = run_worker_batch()
    assert Group.objects.filter(name="made-by-a-worker").exists(), output
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == "SUCCESSFUL"
    assert row.return_value == "made-by-a-worker"
    assert "No more tasks to run" in output


@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_runs_again_a_task_a_dead_worker_left_running():
    result = make_group.enqueue("orphan")
    DBTaskResult.objects.filter(id=result.id).update(
        status="RUNNING",
        worker_ids=["dead-worker"],
        started_at=timezone.now() - timedelta(hours=1),
    )
    output = run_worker_batch()
    assert "Put 1 task(s) of a dead worker back on the queue." in output
    assert Group.objects.filter(name="orphan").exists(), output
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == "SUCCESSFUL"
    assert row.worker_ids[0] == "dead-worker" and len(row.worker_ids) == 2
    # The worker also started the periodic stale check, due in TASKS_STALE_CHECK_EVERY.
    check = DBTaskResult.objects.get(task_path="jobs.tasks.recover_stale_tasks", status="READY")
    assert check.run_after > timezone.now() + timedelta(seconds=60)


@pytest.mark.django_db(transaction=True)
def test_sigterm_stops_an_idle_worker_at_once():
    worker = start_worker("--queue-name", "*", "--interval", "0.2")
    deadline = time.monotonic() + 30
    # Started once it has scheduled its periodic check.
    while not DBTaskResult.objects.filter(task_path="jobs.tasks.recover_stale_tasks").exists():
        assert worker.poll() is None, worker.stdout.read()
        assert time.monotonic() < deadline, "the worker did not start"
        time.sleep(0.1)
    worker.send_signal(signal.SIGTERM)
    output, _ = worker.communicate(timeout=10)
    assert worker.returncode == 0, output
    assert "shutting down gracefully" in output


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_sends_a_queued_email_which_then_shows_in_the_outbox():
    from emails.models import OutboxMessage, Suppression
    from emails.sending import send_later

    Suppression.objects.create(
        address="bounced@example.com", reason="bounced", event_at=timezone.now()
    )
    send_later(
        to=["reader@example.com", "bounced@example.com"],
        subject="Your payment failed",
        template="subscriptions/email/payment_failed.txt",
        context={"site_name": "The Newsroom", "billing_url": "http://localhost:8000/account/"},
    )
    output = run_worker_batch(EMAIL_OUTBOX="1", EMAIL_PROVIDER="console")
    # The worker's mailer is the console: the email is in its output ...
    assert "Subject: Your payment failed" in output
    assert "To: reader@example.com" in output
    # ... and in the outbox the browser reads, without the suppressed address.
    kept = OutboxMessage.objects.get()
    assert kept.recipients == ["reader@example.com"]
    assert "http://localhost:8000/account/" in kept.body
