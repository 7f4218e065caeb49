"""Passkey sign-in endpoints: what the browser fetches and what a forged answer gets.

The full ceremony with a real (virtual) authenticator is in tests/test_browser_passkey.py.
"""

import json

import pytest

pytestmark = pytest.mark.django_db

PASSKEY_LOGIN = "/account/passkey/sign-in/"


def test_the_sign_in_page_offers_a_passkey_and_carries_next_into_its_form(client):
    html = client.get("/accounts/login/?next=/world/story/").content.decode()
    assert 'id="passkey_login"' in html
    assert f'<form id="mfa_login" action="{PASSKEY_LOGIN}" method="post">' in html
    form = html[html.index('<form id="mfa_login"') :]
    form = form[: form.index("</form>")]
    assert '<input type="hidden" name="next" value="/world/story/">' in form


def test_the_browser_gets_a_fresh_challenge_for_this_site(client):
    response = client.get(PASSKEY_LOGIN, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    options = json.loads(response.content)["request_options"]["publicKey"]
    assert options["rpId"] == "testserver"
    assert len(options["challenge"]) >= 16
    again = json.loads(client.get(PASSKEY_LOGIN, HTTP_ACCEPT="application/json").content)
    assert again["request_options"]["publicKey"]["challenge"] != options["challenge"]


def test_a_forged_passkey_answer_signs_nobody_in_and_keeps_next(client, reader):
    client.get(PASSKEY_LOGIN, HTTP_ACCEPT="application/json")
    forged = {"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}}
    response = client.post(
        PASSKEY_LOGIN, {"credential": json.dumps(forged), "next": "/world/story/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fworld%2Fstory%2F"
    assert not client.get("/").wsgi_request.user.is_authenticated


@pytest.mark.parametrize("credential", ["", "not json", "[]", '{"id": 5}'])
def test_malformed_passkey_answers_get_a_calm_redirect_not_an_error(client, credential):
    client.get(PASSKEY_LOGIN, HTTP_ACCEPT="application/json")
    response = client.post(PASSKEY_LOGIN, {"credential": credential})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_passkey_sign_in_attempts_are_rate_limited(client):
    for _ in range(10):
        client.post(PASSKEY_LOGIN, {"credential": "{}"})
    assert client.post(PASSKEY_LOGIN, {"credential": "{}"}).status_code == 429


def test_a_plain_visit_to_the_passkey_endpoint_goes_to_the_sign_in_page(client):
    response = client.get(PASSKEY_LOGIN)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def _give_passkey_and_recovery_codes(user):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "Phone", "credential": {}}
    )
    return RecoveryCodes.activate(user).get_unused_codes()


def test_with_a_passkey_a_password_alone_no_longer_signs_in(client, reader, password):
    reader.set_password(password)
    reader.save()
    _give_passkey_and_recovery_codes(reader)
    response = client.post(
        "/accounts/login/", {"login": reader.email, "password": password, "next": "/x/y/"}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_a_recovery_code_finishes_the_sign_in_and_keeps_next(client, reader, password):
    reader.set_password(password)
    reader.save()
    codes = _give_passkey_and_recovery_codes(reader)
    client.post("/accounts/login/", {"login": reader.email, "password": password, "next": "/x/y/"})
    response = client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert response.status_code == 302
    assert response["Location"] == "/x/y/"
    assert client.get("/").wsgi_request.user == reader


def _reauthenticated(client, user, password, url):
    """Visit `url`, confirm the password when allauth asks, and land on it."""
    client.force_login(user)
    response = client.get(url)
    assert response["Location"].startswith("/accounts/reauthenticate/")
    return client.post(response["Location"], {"password": password}, follow=True)


def test_removing_a_passkey_asks_for_the_password_then_returns_to_the_account_page(
    client, reader, password
):
    from allauth.mfa.models import Authenticator

    reader.set_password(password)
    reader.save()
    phone = Authenticator.objects.create(
        user=reader, type=Authenticator.Type.WEBAUTHN, data={"name": "Phone", "credential": {}}
    )
    remove_url = f"/accounts/2fa/webauthn/keys/{phone.pk}/remove/?next=/account/"
    confirm = _reauthenticated(client, reader, password, remove_url)
    assert "Remove “Phone”?" in confirm.content.decode()

    response = client.post(remove_url, {"next": "/account/"}, follow=True)

    assert response.redirect_chain[-1][0] == "/account/"
    assert not Authenticator.objects.filter(pk=phone.pk).exists()
    assert "You have no passkeys yet." in response.content.decode()


def test_a_reader_cannot_remove_someone_elses_passkey(
    client, reader, staff_without_group, password
):
    from allauth.mfa.models import Authenticator

    reader.set_password(password)
    reader.save()
    theirs = Authenticator.objects.create(
        user=staff_without_group,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": "Laptop", "credential": {}},
    )
    url = f"/accounts/2fa/webauthn/keys/{theirs.pk}/remove/"
    assert _reauthenticated(client, reader, password, url).status_code == 404
    assert client.post(url).status_code == 404
    assert Authenticator.objects.filter(pk=theirs.pk).exists()
