"""Emails the reader does not wait for are queued, sent by a worker, and retried when the
provider fails; a send that gives up is visible in the admin with the whole message."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from emails.sending import send_later, send_once
from tests.mail_backends import FlakyProvider
from tests.task_helpers import make_due, run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def flaky_provider(settings):
    settings.MAILERS = {
        **settings.MAILERS,
        "delivery": {"BACKEND": "tests.mail_backends.FlakyProvider"},
    }
    FlakyProvider.failures_left = 0
    yield FlakyProvider
    FlakyProvider.failures_left = 0


def _queue_payment_email():
    return send_later(
        to="reader@example.com",
        subject="Your payment failed",
        template="subscriptions/email/payment_failed.txt",
        context={"site_name": "The Newsroom", "billing_url": "https://news.example/account/"},
    )


def test_a_queued_email_is_not_sent_until_a_worker_runs_it(mailoutbox):
    _queue_payment_email()
    assert mailoutbox == []
    task = DBTaskResult.objects.get()
    assert task.queue_name == "email"
    assert task.task_path == "emails.sending.deliver_email"
    assert run_queued_tasks() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["reader@example.com"]
    assert mailoutbox[0].subject == "Your payment failed"
    assert "https://news.example/account/" in mailoutbox[0].body


def test_a_failed_send_is_retried_later_and_then_delivered(mailoutbox, flaky_provider):
    flaky_provider.failures_left = 2
    _queue_payment_email()
    run_queued_tasks()
    assert mailoutbox == []
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after > timezone.now() + timedelta(seconds=50)
    make_due()
    run_queued_tasks()
    assert mailoutbox == []
    make_due()
    run_queued_tasks()
    assert [m.subject for m in mailoutbox] == ["Your payment failed"]
    assert not DBTaskResult.objects.filter(status__in=["READY", "FAILED"]).exists()


def test_a_send_that_gives_up_is_failed_in_the_admin_with_its_message(
    client, django_user_model, mailoutbox, flaky_provider
):
    flaky_provider.failures_left = 100
    _queue_payment_email()
    for _ in range(8):
        run_queued_tasks()
        make_due()
    assert run_queued_tasks() == 0
    assert mailoutbox == []
    failed = DBTaskResult.objects.get(status="FAILED")
    assert failed.args_kwargs["kwargs"]["to"] == ["reader@example.com"]
    assert "the provider is unreachable" in failed.traceback
    admin = django_user_model.objects.create_superuser(email="boss@example.com", password="x")
    client.force_login(admin)
    page = client.get(f"/admin/django_tasks_database/dbtaskresult/{failed.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "the provider is unreachable" in html
    assert "reader@example.com" in html


def test_send_once_queues_one_email_per_key(mailoutbox):
    email = {
        "to": "reader@example.com",
        "subject": "Receipt",
        "template": "subscriptions/email/payment_failed.txt",
    }
    assert send_once("receipt:in_1", **email) is True
    assert send_once("receipt:in_1", **email) is False
    run_queued_tasks()
    assert len(mailoutbox) == 1


def test_the_html_alternative_and_headers_travel_with_the_task(mailoutbox):
    send_later(
        to=["a@example.com", "b@example.com"],
        subject="Both parts",
        template="subscriptions/email/payment_failed.txt",
        html_template="subscriptions/email/payment_failed.txt",
        context={"site_name": "<The Newsroom>"},
        reply_to=["desk@example.com"],
        headers={"X-Newsroom": "yes"},
    )
    run_queued_tasks()
    (sent,) = mail.outbox
    assert sent.to == ["a@example.com", "b@example.com"]
    assert sent.reply_to == ["desk@example.com"]
    assert sent.extra_headers["X-Newsroom"] == "yes"
    assert sent.alternatives[0].mimetype == "text/html"
    assert "<The Newsroom>" in sent.alternatives[0].content
