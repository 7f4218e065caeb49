"""Signing in by password or by emailed code, `next` handling, sessions and sign-out."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from tests.factories import SECRET_SENTENCE, make_article

pytestmark = pytest.mark.django_db


CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")
HOSTILE_NEXTS = ["//evil.example", "https://evil.example/", "/\\evil.example", "http:evil.example"]


def code_from(message):
    return CODE.search(message.body).group(1)


def sign_in(client, email, password, next_url=None):
    data = {"login": email, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def sign_in_by_code(client, email, next_url=None):
    data = {"email": email}
    if next_url is not None:
        data["next"] = next_url
    requested = client.post("/accounts/login/code/", data)
    assert requested.status_code == 302
    page = client.get(requested["Location"])
    assert "Enter your sign-in code" in page.content.decode()
    confirm = {"code": code_from(mail.outbox[-1])}
    if next_url is not None:
        confirm["next"] = next_url
    return client.post(requested["Location"], confirm)


def test_sign_in_from_under_the_paywall_returns_the_reader_to_the_article(
    client, subscriber, password
):
    article = make_article()
    here = article.get_absolute_url()
    paywalled = client.get(here).content.decode()
    sign_in_link = re.search(r'Already have an account\? <a href="([^"]+)"', paywalled).group(1)
    assert sign_in_link == f"/accounts/login/?next={here}"

    login_page = client.get(sign_in_link)
    assert f'name="next" value="{here}"' in login_page.content.decode()
    response = sign_in(client, subscriber.email, password, next_url=here)

    assert response.status_code == 302
    assert response["Location"] == here
    assert SECRET_SENTENCE in client.get(here).content.decode()


def test_sign_in_by_emailed_code_needs_no_password_and_returns_to_next(client, subscriber):
    here = make_article().get_absolute_url()
    response = sign_in_by_code(client, subscriber.email, next_url=here)
    assert response.status_code == 302
    assert response["Location"] == here
    assert client.get(here).wsgi_request.user == subscriber
    message = mail.outbox[-1]
    assert message.subject == "The Newsroom: Your sign-in code"
    assert code_from(message) not in message.subject
    assert code_from(message) in message.alternatives[0][0]


def test_a_wrong_sign_in_code_does_not_sign_in(client, reader):
    requested = client.post("/accounts/login/code/", {"email": reader.email})
    response = client.post(requested["Location"], {"code": "AAAA-AAAA"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_a_sign_in_code_works_only_in_the_browser_that_asked_for_it(client, reader):
    # The code is tied to the session that requested it, so a mail filter that opens
    # links, or anyone who reads the mail elsewhere, cannot use it.
    requested = client.post("/accounts/login/code/", {"email": reader.email})
    other_browser = Client()
    response = other_browser.post(requested["Location"], {"code": code_from(mail.outbox[-1])})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not other_browser.get("/").wsgi_request.user.is_authenticated


@pytest.mark.parametrize("hostile", HOSTILE_NEXTS)
def test_an_off_site_next_is_ignored_after_password_sign_in(client, reader, password, hostile):
    response = sign_in(client, reader.email, password, next_url=hostile)
    assert response.status_code == 302
    assert response["Location"] == settings.LOGIN_REDIRECT_URL


@pytest.mark.parametrize("hostile", HOSTILE_NEXTS)
def test_an_off_site_next_is_ignored_after_code_sign_in(client, reader, hostile):
    response = sign_in_by_code(client, reader.email, next_url=hostile)
    assert response.status_code == 302
    assert response["Location"] == settings.LOGIN_REDIRECT_URL


@pytest.mark.parametrize("hostile", HOSTILE_NEXTS)
def test_an_off_site_next_is_ignored_after_sign_up(client, hostile):
    client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": "a-long-pass-phrase-1", "next": hostile},
    )
    response = client.post(
        "/accounts/confirm-email/", {"code": code_from(mail.outbox[-1]), "next": hostile}
    )
    assert response.status_code == 302
    assert response["Location"] == settings.LOGIN_REDIRECT_URL


def test_the_session_key_changes_at_sign_in(client, reader, password):
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    sign_in(client, reader.email, password)
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert client.session.session_key == after


def _normalised(response, email):
    html = response.content.decode().replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(client, reader):
    known = sign_in(client, reader.email, "not-the-password")
    unknown = sign_in(client, "nobody@example.com", "not-the-password")
    assert known.status_code == unknown.status_code == 200
    assert "are not correct" in known.content.decode()
    assert _normalised(known, reader.email) == _normalised(unknown, "nobody@example.com")


def test_asking_for_a_code_looks_the_same_for_a_known_and_an_unknown_email(client, reader):
    known = client.post("/accounts/login/code/", {"email": reader.email})
    known_page = client.get(known["Location"])
    other = Client()
    unknown = other.post("/accounts/login/code/", {"email": "nobody@example.com"})
    unknown_page = other.get(unknown["Location"])
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert _normalised(known_page, reader.email) == _normalised(unknown_page, "nobody@example.com")


def test_the_eleventh_wrong_password_in_a_minute_is_refused(client, reader, password):
    for n in range(10):
        response = sign_in(client, f"guess{n}@example.com", "not-the-password")
        assert "are not correct" in response.content.decode()
    response = sign_in(client, reader.email, password)
    assert "Too many failed login attempts" in response.content.decode()
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_one_account_is_locked_after_five_wrong_passwords_whatever_the_address(
    client, reader, password
):
    for _ in range(5):
        sign_in(client, reader.email, "not-the-password")
    from_elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    response = sign_in(from_elsewhere, reader.email, password)
    assert "Too many failed login attempts" in response.content.decode()
    assert not from_elsewhere.get("/").wsgi_request.user.is_authenticated


def test_the_limit_lives_in_the_shared_cache_not_in_the_browser_session(client, reader, password):
    # Another browser (and so another gunicorn worker's view of it) is refused too.
    for n in range(10):
        sign_in(client, f"guess{n}@example.com", "not-the-password")
    fresh_browser = Client()
    response = sign_in(fresh_browser, reader.email, password)
    assert "Too many failed login attempts" in response.content.decode()


def test_sign_out_needs_a_post_and_ends_the_session_on_the_server(client, reader, password):
    sign_in(client, reader.email, password)
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value

    asked = client.get("/accounts/logout/")
    assert asked.status_code == 200
    assert asked.wsgi_request.user.is_authenticated

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    assert not replay.get("/").wsgi_request.user.is_authenticated


def test_the_header_sign_out_button_posts_to_the_logout_view(client, reader, password):
    sign_in(client, reader.email, password)
    html = client.get("/").content.decode()
    assert re.search(r'<form method="post" action="/accounts/logout/"', html)
    assert 'href="/account/">Account</a>' in html


def test_a_pending_sign_in_code_does_not_take_over_password_sign_in(client, reader, password):
    # The reader asks for a code for a mistyped address, then signs in with a password.
    requested = client.post("/accounts/login/code/", {"email": "raeder@example.com"})
    assert requested["Location"] == "/accounts/login/code/confirm/"
    here = make_article().get_absolute_url()

    page = client.get(f"/accounts/login/?next={here}")
    assert page.status_code == 200
    assert "<h1>Sign in</h1>" in page.content.decode()
    response = sign_in(client, reader.email, password, next_url=here)

    assert response.status_code == 302
    assert response["Location"] == here
    assert client.get(here).wsgi_request.user == reader
    # The abandoned code flow is gone: its page no longer answers for this browser.
    assert client.get("/accounts/login/code/confirm/")["Location"] == "/"


def test_an_unverified_reader_signing_in_again_within_seconds_is_told_why(
    client, django_user_model, password
):
    from allauth.account.models import EmailAddress

    user = django_user_model.objects.create_user(email="unverified@example.com", password=password)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    first = sign_in(Client(), user.email, password)
    assert first["Location"] == "/accounts/confirm-email/"
    assert len(mail.outbox) == 1

    # Seconds later, from another tab or browser, before the code may be sent again.
    response = sign_in(client, user.email, password)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Sign in</h1>" in html
    assert "Too many failed login attempts" not in html
    assert "Your email address is not confirmed yet" in html
    assert "We sent a code to it moments ago" in html
    assert len(mail.outbox) == 1
    assert not client.get("/").wsgi_request.user.is_authenticated
