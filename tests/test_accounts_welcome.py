"""A welcome email once a new member confirms their address: queued, never twice."""

import pytest
from django.core import mail

from tests.task_helpers import run_queued_tasks
from tests.test_accounts_signup import code_from, sign_up

pytestmark = pytest.mark.django_db


def _signed_up(client, email="new.reader@example.com"):
    sign_up(client, email)
    (code_email,) = mail.outbox
    client.post("/accounts/confirm-email/", {"code": code_from(code_email)})
    return code_email


def test_the_sign_up_code_goes_at_once_and_the_welcome_after_confirmation_by_a_worker(client):
    sign_up(client, "new.reader@example.com")
    # The code is on the reader's path: sent in the request, nothing queued before it.
    assert len(mail.outbox) == 1
    assert run_queued_tasks() == 0
    client.post("/accounts/confirm-email/", {"code": code_from(mail.outbox[0])})
    assert len(mail.outbox) == 1  # the welcome is queued, not sent in the request
    assert run_queued_tasks() == 1
    welcome = mail.outbox[-1]
    assert welcome.to == ["new.reader@example.com"]
    assert welcome.subject == "Welcome to The Newsroom"
    assert "http://localhost:8000/pricing/" in welcome.body
    assert "http://localhost:8000/account/" in welcome.body


def test_a_member_who_changes_address_is_not_welcomed_again(client):
    _signed_up(client)
    run_queued_tasks()
    mail.outbox.clear()
    response = client.post("/accounts/email/", {"email": "moved@example.com", "action_add": ""})
    assert response.status_code == 302
    (code_email,) = mail.outbox
    client.post(response["Location"], {"code": code_from(code_email)})
    run_queued_tasks()
    subjects = [m.subject for m in mail.outbox]
    assert not any("Welcome" in s for s in subjects), subjects
    assert any(m.to == ["new.reader@example.com"] for m in mail.outbox[1:])  # change notice


def test_a_reader_created_without_signing_up_gets_no_welcome(reader):
    assert run_queued_tasks() == 0
    assert mail.outbox == []
