"""Changing the email address: the new one is verified by a code before it replaces the old."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from tests.task_helpers import run_queued_tasks

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


@pytest.fixture
def signed_in(client, reader, password):
    client.post("/accounts/login/", {"login": reader.email, "password": password})
    return client


def test_the_new_address_replaces_the_old_only_after_its_code_is_typed(signed_in, reader):
    response = signed_in.post("/accounts/email/", {"email": "moved@example.com", "action_add": ""})
    assert response.status_code == 302
    code_page = signed_in.get(response["Location"])
    assert "moved@example.com" in code_page.content.decode()
    message = mail.outbox[-1]
    assert message.to == ["moved@example.com"]

    reader.refresh_from_db()
    assert reader.email == "reader@example.com"  # nothing changes before the code

    confirmed = signed_in.post(response["Location"], {"code": CODE.search(message.body).group(1)})
    assert confirmed.status_code == 302

    reader.refresh_from_db()
    assert reader.email == "moved@example.com"
    addresses = list(EmailAddress.objects.filter(user=reader).values_list("email", "verified"))
    assert addresses == [("moved@example.com", True)]
    # The old address is told, so a hijacked account does not change hands silently (by a
    # worker: the reader does not wait for it).
    run_queued_tasks()
    assert any(m.to == ["reader@example.com"] and "changed" in m.body for m in mail.outbox)


def test_a_wrong_code_leaves_the_old_address_in_place(signed_in, reader):
    response = signed_in.post("/accounts/email/", {"email": "moved@example.com", "action_add": ""})
    signed_in.post(response["Location"], {"code": "AAAA-AAAA"})
    reader.refresh_from_db()
    assert reader.email == "reader@example.com"
    assert EmailAddress.objects.get(user=reader, email="reader@example.com").primary


def test_an_address_taken_by_another_account_is_refused_without_saying_whose(
    signed_in, reader, staff_without_group
):
    response = signed_in.post(
        "/accounts/email/", {"email": staff_without_group.email, "action_add": ""}
    )
    # With enumeration prevention allauth answers as if it worked; nothing is attached.
    assert response.status_code in (200, 302)
    assert not EmailAddress.objects.filter(user=reader, email=staff_without_group.email).exists()
    reader.refresh_from_db()
    assert reader.email == "reader@example.com"
