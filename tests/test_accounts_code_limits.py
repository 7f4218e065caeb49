"""Emailed codes cannot be guessed or used to flood an inbox."""

import re

import pytest
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


def test_a_sign_in_code_dies_after_three_wrong_guesses(client, reader):
    requested = client.post("/accounts/login/code/", {"email": reader.email})
    code = CODE.search(mail.outbox[-1].body).group(1)
    for _ in range(3):
        client.post(requested["Location"], {"code": "AAAA-AAAA"})
    client.post(requested["Location"], {"code": code})
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_a_signup_code_dies_after_three_wrong_guesses(client):
    client.post(
        "/accounts/signup/", {"email": "new@example.com", "password1": "a-long-pass-phrase-3"}
    )
    code = CODE.search(mail.outbox[-1].body).group(1)
    for _ in range(3):
        client.post("/accounts/confirm-email/", {"code": "AAAA-AAAA"})
    client.post("/accounts/confirm-email/", {"code": code})
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_the_fourth_sign_in_code_for_one_address_in_a_minute_is_refused(reader):
    sent = []
    for n in range(4):
        browser = Client(REMOTE_ADDR=f"203.0.113.{n + 1}")
        before = len(mail.outbox)
        response = browser.post("/accounts/login/code/", {"email": reader.email})
        sent.append((response.status_code, len(mail.outbox) - before))
    assert sent[:3] == [(302, 1)] * 3
    assert sent[3][1] == 0  # no fourth email, from whichever address it is asked


def test_the_sixth_password_reset_for_one_address_in_a_minute_sends_nothing(reader):
    for n in range(5):
        Client(REMOTE_ADDR=f"203.0.113.{n + 1}").post(
            "/accounts/password/reset/", {"email": reader.email}
        )
    assert len(mail.outbox) == 5
    Client(REMOTE_ADDR="203.0.113.99").post("/accounts/password/reset/", {"email": reader.email})
    assert len(mail.outbox) == 5


def test_asking_again_for_a_signup_code_within_ten_seconds_sends_nothing(client):
    client.post(
        "/accounts/signup/", {"email": "new@example.com", "password1": "a-long-pass-phrase-3"}
    )
    assert len(mail.outbox) == 1
    client.post("/accounts/confirm-email/", {"action": "resend"})
    assert len(mail.outbox) == 1
