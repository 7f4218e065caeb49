"""Sessions last 30 days: "Keep me signed in" is ticked; an emailed code keeps the reader too."""

import re

import pytest
from django.conf import settings

from tests.test_accounts_login import sign_in, sign_in_by_code

pytestmark = pytest.mark.django_db

THIRTY_DAYS = 30 * 24 * 60 * 60


def test_the_sign_in_page_ticks_keep_me_signed_in(client):
    page = client.get("/accounts/login/").content.decode()
    assert "<h1>Sign in</h1>" in page
    box = re.search(r'<input[^>]*name="remember"[^>]*>', page).group(0)
    assert "checked" in box
    assert "Keep me signed in on this device" in page


def test_signing_in_with_the_box_ticked_keeps_the_reader_for_thirty_days(client, reader, password):
    response = client.post(
        "/accounts/login/", {"login": reader.email, "password": password, "remember": "on"}
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == THIRTY_DAYS
    assert client.session.get_expiry_age() == THIRTY_DAYS


def test_unticking_the_box_ends_the_session_with_the_browser(client, reader, password):
    response = sign_in(client, reader.email, password)
    assert response.status_code == 302
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""
    assert client.session.get_expire_at_browser_close()


def test_signing_in_by_emailed_code_keeps_the_reader_for_thirty_days(client, reader):
    response = sign_in_by_code(client, reader.email)
    assert response.status_code == 302
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == THIRTY_DAYS
    assert not client.session.get_expire_at_browser_close()
