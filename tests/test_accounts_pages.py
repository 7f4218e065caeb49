"""Every account page renders inside the site's layout, signed in or out as it should be."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, reader, password):
    client.post("/accounts/login/", {"login": reader.email, "password": password})
    return client


def assert_site_page(response, heading):
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a class="skip-link" href="#content">Skip to content</a>' in html
    assert "The Newsroom" in html
    assert heading in html
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/accounts/login/", "<h1>Sign in</h1>"),
        ("/accounts/signup/", "<h1>Create your account</h1>"),
        ("/accounts/login/code/", "<h1>Sign in with a code</h1>"),
        ("/accounts/password/reset/", "<h1>Reset your password</h1>"),
    ],
)
def test_entrance_pages_use_the_site_layout(client, url, heading):
    assert_site_page(client.get(url), heading)


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/account/", "<h1>Your account</h1>"),
        ("/account/delete/", "<h1>Delete your account?</h1>"),
        ("/accounts/email/", "<h1>Change your email address</h1>"),
        ("/accounts/password/change/", "<h1>Change your password</h1>"),
        ("/accounts/logout/", "<h1>Sign out?</h1>"),
        ("/accounts/sessions/", "Sessions"),
        ("/accounts/2fa/webauthn/", "Security Keys"),
        ("/accounts/reauthenticate/", "<h1>Confirm it is you</h1>"),
    ],
)
def test_account_pages_use_the_site_layout(signed_in, url, heading):
    assert_site_page(signed_in.get(url), heading)


def test_the_recovery_codes_page_asks_for_the_password_first(signed_in, reader):
    Authenticator.objects.create(
        user=reader, type=Authenticator.Type.WEBAUTHN, data={"name": "Phone", "credential": {}}
    )
    RecoveryCodes.activate(reader)
    response = signed_in.get("/accounts/2fa/recovery-codes/")
    # Viewing recovery codes asks for the password first.
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_the_too_many_attempts_page_is_calm_and_in_the_site_layout(client):
    for n in range(30):
        client.post("/accounts/login/", {"login": f"n{n}@example.com", "password": "x"})
    response = client.post("/accounts/login/", {"login": "last@example.com", "password": "x"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "Skip to content" in response.content.decode()


def test_code_fields_ask_the_phone_to_offer_the_emailed_code(client, reader):
    requested = client.post("/accounts/login/code/", {"email": reader.email})
    html = client.get(requested["Location"]).content.decode()
    assert 'autocomplete="one-time-code"' in html
    assert '<label for="id_code">' in html
