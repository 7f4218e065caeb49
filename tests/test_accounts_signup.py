"""Sign-up with email and password, the address verified by a code typed on the page."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.utils.html import escape
from django.utils.http import urlencode

from tests.conftest import clear_own_cache_keys
from tests.factories import SECRET_SENTENCE, make_article

pytestmark = pytest.mark.django_db


NEW_PASSWORD = "a-long-pass-phrase-for-reading"
CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


def code_from(message):
    return CODE.search(message.body).group(1)


def sign_up(client, email, next_url=None, **extra):
    data = {"email": email, "password1": NEW_PASSWORD, **extra}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/signup/", data)


def test_reader_signs_up_with_a_code_and_lands_back_on_the_article(client, django_user_model):
    article = make_article(access="registered")
    here = article.get_absolute_url()

    page = client.get(f"/accounts/signup/?next={here}")
    assert f'<input type="hidden" name="next" value="{here}">' in page.content.decode()

    response = sign_up(client, "new.reader@example.com", next_url=here)
    assert response.status_code == 302
    code_page = client.get(response["Location"])
    assert "Check your email" in code_page.content.decode()
    assert "new.reader@example.com" in code_page.content.decode()

    assert len(mail.outbox) == 1
    response = client.post(
        "/accounts/confirm-email/", {"code": code_from(mail.outbox[0]), "next": here}
    )

    assert response.status_code == 302
    assert response["Location"] == here
    user = django_user_model.objects.get(email="new.reader@example.com")
    assert EmailAddress.objects.get(user=user).verified
    article_page = client.get(here)
    assert article_page.wsgi_request.user == user
    assert SECRET_SENTENCE in article_page.content.decode()


def test_the_code_page_keeps_next_even_though_the_redirect_url_does_not_carry_it(client):
    # allauth keeps `next` in the pending sign-in, so a reload of the code page is harmless.
    here = make_article(access="registered").get_absolute_url()
    sign_up(client, "new.reader@example.com", next_url=here)
    client.get("/accounts/confirm-email/")
    response = client.post("/accounts/confirm-email/", {"code": code_from(mail.outbox[0])})
    assert response["Location"] == here


def test_a_wrong_code_neither_verifies_nor_signs_in(client, django_user_model):
    sign_up(client, "new.reader@example.com")
    response = client.post("/accounts/confirm-email/", {"code": "AAAA-AAAA"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    user = django_user_model.objects.get(email="new.reader@example.com")
    assert not EmailAddress.objects.get(user=user).verified
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_an_unverified_reader_is_asked_for_the_code_before_signing_in(client, django_user_model):
    sign_up(client, "new.reader@example.com")
    client.logout()  # leaves the pending sign-up behind, like a closed tab
    clear_own_cache_keys()  # a while later: past the one-code-per-10-seconds limit
    mail.outbox.clear()
    response = client.post(
        "/accounts/login/", {"login": "new.reader@example.com", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert not client.get("/").wsgi_request.user.is_authenticated
    assert len(mail.outbox) == 1  # a fresh code


def test_the_code_email_has_plain_text_and_html_with_the_site_name_and_a_large_code(client):
    sign_up(client, "new.reader@example.com")
    message = mail.outbox[0]
    code = code_from(message)
    assert message.to == ["new.reader@example.com"]
    assert message.subject == "The Newsroom: Your confirmation code"
    assert code not in message.subject
    assert "The Newsroom" in message.body
    assert "example.com!" not in message.body  # not django.contrib.sites' demo name
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "The Newsroom" in html
    assert re.search(rf"font-size:32px;[^>]*>{code}</span>", html)


def test_sign_up_cannot_make_a_reader_staff_superuser_or_a_group_member(client, django_user_model):
    editors = Group.objects.create(name="Editors")
    sign_up(
        client,
        "sneaky@example.com",
        is_staff="on",
        is_superuser="on",
        groups=[editors.pk],
        user_permissions=["1"],
    )
    user = django_user_model.objects.get(email="sneaky@example.com")
    assert not user.is_staff
    assert not user.is_superuser
    assert not user.groups.exists()
    assert not user.user_permissions.exists()


def _normalised(response, email):
    html = response.content.decode().replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)


def test_signing_up_with_a_known_email_looks_exactly_like_a_new_one(client, reader):
    known = sign_up(client, reader.email)
    known_page = client.get(known["Location"])
    client.logout()
    new = sign_up(client, "stranger@example.com")
    new_page = client.get(new["Location"])

    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"])
    assert _normalised(known_page, reader.email) == _normalised(new_page, "stranger@example.com")
    # The owner of the known address is told by email instead, where only they can read it.
    assert "You already have an account" in mail.outbox[0].subject
    reader.refresh_from_db()
    assert reader.check_password("correct-horse-battery-staple")


def test_the_twenty_first_sign_up_from_one_address_in_a_minute_is_refused(client):
    for n in range(20):
        assert sign_up(client, f"bulk{n}@example.com").status_code == 302
        client.logout()
    response = sign_up(client, "bulk20@example.com")
    assert response.status_code == 429


def test_signing_up_shows_no_banner_that_repeats_the_code_page(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "quiet@example.com", "password1": "a long quiet passphrase"},
        follow=True,
    )
    html = response.content.decode()
    assert "We have sent a code to" in html
    assert "Confirmation e-mail sent" not in html
    assert "Confirmation email sent" not in html
    assert "<title>Confirm your email · " in html


class CountingHasher(MD5PasswordHasher):
    """The suite's fast hasher, counting how often a password is hashed."""

    calls = 0

    def encode(self, password, salt):
        type(self).calls += 1
        return super().encode(password, salt)


def _work_done(client, email, next_url):
    CountingHasher.calls = 0
    before = len(mail.outbox)
    response = sign_up(client, email, next_url=next_url)
    return response.status_code, CountingHasher.calls, len(mail.outbox) - before


def test_signing_up_with_a_known_or_a_new_email_does_the_same_work(client, reader, settings):
    # Timing must not tell whether an address has an account: both paths hash the password
    # once and send one email during the request.
    settings.PASSWORD_HASHERS = ["tests.test_accounts_signup.CountingHasher"]
    here = make_article(access="registered").get_absolute_url()

    known = _work_done(client, reader.email, here)
    client.logout()
    new = _work_done(client, "stranger@example.com", here)

    assert known == new == (302, 1, 1)
    assert mail.outbox[0].to == [reader.email]
    assert mail.outbox[1].to == ["stranger@example.com"]


def test_the_already_have_an_account_email_leads_back_to_the_plan_and_the_article(
    client, reader, password
):
    # Sign-up carries `next` (here the plan the reader chose, then the article): the email
    # to the owner of a known address must keep it, so signing in resumes the same journey.
    here = make_article(access="registered").get_absolute_url()
    resume = f"/subscribe/continue/?choice=signed-choice&next={here}"
    response = sign_up(client, reader.email, next_url=resume)
    assert response.status_code == 302
    assert "We have sent a code to" in client.get(response["Location"]).content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "The Newsroom: You already have an account"
    sign_in_url = "http://localhost:8000/accounts/login/?" + urlencode({"next": resume})
    assert sign_in_url in message.body
    html = message.alternatives[0][0]
    assert f'href="{escape(sign_in_url)}"' in html
    for text in (message.body, html):
        assert "already has a The Newsroom account" in text
        assert "create a The Newsroom account" not in text

    client.logout()
    signed_in = client.post(
        "/accounts/login/", {"login": reader.email, "password": password, "next": resume}
    )
    assert signed_in["Location"] == resume


def test_the_already_have_an_account_email_drops_an_off_site_next(client, reader):
    sign_up(client, reader.email, next_url="https://evil.example/")
    body = mail.outbox[0].body
    assert "Sign in here: http://localhost:8000/accounts/login/\n" in body
    assert "evil.example" not in body + mail.outbox[0].alternatives[0][0]


def test_no_code_email_carries_the_code_in_its_subject(client, reader):
    # Subjects show on lock screens and in notification previews; codes stay in the body.
    sign_up(client, "new.reader@example.com")
    Client().post("/accounts/login/code/", {"email": reader.email})
    Client().post("/accounts/password/reset/", {"email": reader.email})
    subjects = {m.subject: code_from(m) for m in mail.outbox}
    assert set(subjects) == {
        "The Newsroom: Your confirmation code",
        "The Newsroom: Your sign-in code",
        "The Newsroom: Your password reset code",
    }
    for subject, code in subjects.items():
        assert code not in subject
