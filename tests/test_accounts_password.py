"""Password reset by emailed code, and password change ending the other sessions."""

import re

import pytest
from django.core import mail
from django.test import Client

from tests.task_helpers import run_queued_tasks

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")
NEW_PASSWORD = "a-brand-new-pass-phrase"


def code_from(message):
    return CODE.search(message.body).group(1)


def signed_in_client(email, password):
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": password})
    assert response.status_code == 302
    return client


def _normalised(response, email):
    html = response.content.decode().replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)


def test_a_reader_resets_a_forgotten_password_with_an_emailed_code(client, reader, password):
    here = "/some-section/some-story/"
    requested = client.post("/accounts/password/reset/", {"email": reader.email, "next": here})
    assert requested.status_code == 302
    code_page = client.get(requested["Location"])
    assert "Enter your reset code" in code_page.content.decode()
    message = mail.outbox[-1]
    assert message.subject == "The Newsroom: Your password reset code"
    assert code_from(message) not in message.subject

    confirmed = client.post(requested["Location"], {"code": code_from(message)})
    assert confirmed.status_code == 302
    completed = client.post(
        confirmed["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert completed.status_code == 302

    reader.refresh_from_db()
    assert reader.check_password(NEW_PASSWORD)
    assert not reader.check_password(password)
    signed_in = client.post(
        "/accounts/login/", {"login": reader.email, "password": NEW_PASSWORD, "next": here}
    )
    assert signed_in["Location"] == here


def test_a_wrong_reset_code_changes_nothing(client, reader, password):
    requested = client.post("/accounts/password/reset/", {"email": reader.email})
    response = client.post(requested["Location"], {"code": "AAAA-AAAA"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert client.get("/accounts/password/reset/complete/").status_code == 302
    reader.refresh_from_db()
    assert reader.check_password(password)


def test_a_reset_signs_out_every_other_session(client, reader, password):
    elsewhere = signed_in_client(reader.email, password)
    requested = client.post("/accounts/password/reset/", {"email": reader.email})
    confirmed = client.post(requested["Location"], {"code": code_from(mail.outbox[-1])})
    client.post(confirmed["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert not elsewhere.get("/").wsgi_request.user.is_authenticated


def test_asking_for_a_reset_looks_the_same_for_a_known_and_an_unknown_email(client, reader):
    known = client.post("/accounts/password/reset/", {"email": reader.email})
    known_page = client.get(known["Location"])
    other = Client()
    unknown = other.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    unknown_page = other.get(unknown["Location"])
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert _normalised(known_page, reader.email) == _normalised(unknown_page, "nobody@example.com")


def test_changing_the_password_keeps_this_session_and_ends_the_others(reader, password):
    here = signed_in_client(reader.email, password)
    elsewhere = signed_in_client(reader.email, password)

    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert here.get("/").wsgi_request.user == reader
    assert not elsewhere.get("/").wsgi_request.user.is_authenticated
    # The notice is not on the reader's path: a worker sends it.
    assert run_queued_tasks() == 1
    notice = mail.outbox[-1]
    assert notice.to == [reader.email]
    assert "Your password was changed." in notice.body
    assert "Your password was changed." in notice.alternatives[0][0]


def test_changing_the_password_needs_the_current_one(reader, password):
    here = signed_in_client(reader.email, password)
    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": "a-guess", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.check_password(password)
