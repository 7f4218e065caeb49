"""Staff who run the publication (Publisher and Editor groups) use the admin only with a second
factor when STAFF_REQUIRE_MFA is on: sent to enrol without one, asked for it when the session
has not used it, let in once it has. Writers and readers are not asked."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.conf import settings as django_settings

from tests.users import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.STAFF_REQUIRE_MFA = True


def enrol_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_publisher_without_a_second_factor_is_sent_to_add_one(client, publisher, required):
    client.force_login(publisher)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert client.get("/admin/subscriptions/plan/").status_code == 302
    # allauth asks for the password before a new authenticator is added, then shows its code.
    page = client.get(response["Location"], follow=True)
    assert page.status_code == 200
    assert "The admin asks staff for a second factor" in page.content.decode()
    client.post(page.redirect_chain[-1][0], {"password": PASSWORD})
    activate = client.get("/accounts/2fa/totp/activate/")
    assert activate.status_code == 200
    assert 'name="code"' in activate.content.decode()


def test_an_editor_signs_in_with_password_and_code_and_reaches_the_admin(
    client, desk_editor, required
):
    secret = enrol_totp(desk_editor)
    response = client.post(
        "/accounts/login/", {"login": desk_editor.email, "password": PASSWORD, "next": "/admin/"}
    )
    # The password alone does not sign in: allauth asks for the code first.
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302
    response = client.post("/accounts/2fa/authenticate/", {"code": code_for(secret)})
    assert response["Location"] == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "Write, schedule and publish" in page.content.decode()


def test_a_session_that_never_used_the_second_factor_is_asked_for_it(client, publisher, required):
    secret = enrol_totp(publisher)
    client.force_login(publisher)  # as a session from before the authenticator was added
    response = client.get("/admin/subscriptions/plan/")
    assert response.status_code == 302
    assert (
        response["Location"]
        == "/accounts/2fa/reauthenticate/?next=%2Fadmin%2Fsubscriptions%2Fplan%2F"
    )
    wrong = client.post(response["Location"], {"code": "000000"})
    assert wrong.status_code == 200
    assert client.get("/admin/").status_code == 302
    right = client.post(response["Location"], {"code": code_for(secret)})
    assert right["Location"] == "/admin/subscriptions/plan/"
    assert client.get("/admin/subscriptions/plan/").status_code == 200


def test_a_passkey_only_publisher_is_asked_for_the_passkey(client, publisher, required):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=publisher, type=Authenticator.Type.WEBAUTHN, data={})
    client.force_login(publisher)
    response = client.get("/admin/")
    assert response["Location"].startswith("/accounts/2fa/webauthn/reauthenticate/")


def test_writers_are_not_asked(client, writer, required):
    client.force_login(writer)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Write, schedule and publish" in response.content.decode()


def test_with_the_setting_off_a_publisher_uses_the_admin_without_one(client, publisher):
    assert django_settings.STAFF_REQUIRE_MFA is False
    client.force_login(publisher)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "How the publication is doing" in response.content.decode()


def test_the_setting_is_on_without_debug_and_off_in_the_demo():
    import os
    import subprocess
    import sys

    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.STAFF_REQUIRE_MFA)"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "STAFF_REQUIRE_MFA"}}
    env["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    demo = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    production = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "news.example.com"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert (demo.stdout.strip(), production.stdout.strip()) == ("False", "True")
