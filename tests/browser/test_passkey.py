"""A reader's passkey, with Chromium's virtual WebAuthn authenticator standing in for Touch ID.

The reader registers a passkey on the account page, signs out, and signs back in with the
passkey alone, landing on the article they came from; after that, a password sign-in has to be
confirmed with the passkey.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import page_text, visit
from tests.factories import SECRET_SENTENCE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def authenticator(page):
    """A platform authenticator in ``page`` that says yes to every fingerprint."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    yield added["authenticatorId"]
    cdp.detach()


def test_a_reader_adds_a_passkey_and_signs_in_with_it_alone(
    page, authenticator, site, paid_story, subscriber, password, screenshot
):
    from allauth.mfa.models import Authenticator

    # WebAuthn needs a secure context; Chromium counts http://localhost as one.
    assert site.startswith("http://localhost:")
    article_url = site + paid_story.get_absolute_url()

    visit(page, site + "/accounts/login/?next=/account/")
    page.get_by_label("Email").fill(subscriber.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Your account", exact=True)).to_be_visible()

    page.get_by_role("link", name="Add a passkey").click()
    # Adding a way to sign in asks for the password again (allauth's reauthentication).
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Add a passkey", exact=True)).to_be_visible()
    page.get_by_label("Name it").fill("Test laptop")
    screenshot(page, "passkey", "1-add")
    page.get_by_role("button", name="Create passkey").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)

    passkey = Authenticator.objects.get(user=subscriber, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().is_passwordless
    visit(page, site + "/account/")
    expect(page.get_by_role("cell", name="Test laptop", exact=True)).to_be_visible()
    screenshot(page, "passkey", "2-account")

    page.get_by_role("button", name="Sign out").click()
    visit(page, article_url)
    assert SECRET_SENTENCE not in page_text(page)
    page.locator(".paywall").get_by_role("link", name="Sign in").click()
    screenshot(page, "passkey", "3-sign-in")
    page.get_by_role("button", name="Sign in with a passkey").click()

    expect(page).to_have_url(article_url)
    expect(page.get_by_text(SECRET_SENTENCE)).to_be_visible()
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None

    # From now on a password alone is not enough: the passkey confirms it.
    page.get_by_role("button", name="Sign out").click()
    visit(page, article_url)
    page.locator(".paywall").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill(subscriber.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    screenshot(page, "passkey", "4-confirm-password-sign-in")
    page.get_by_role("button", name="Use my passkey").click()
    expect(page).to_have_url(article_url)
    expect(page.get_by_text(SECRET_SENTENCE)).to_be_visible()
