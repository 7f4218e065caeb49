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
    assert '<input type="hidden" name="next" value="/world/story/">' in form[: form.index("</form>")]


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
