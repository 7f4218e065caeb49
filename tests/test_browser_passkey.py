"""In headless Chromium with a virtual WebAuthn authenticator: a reader registers a passkey on
the account page, signs out, and signs back in with the passkey alone, landing on the article
they came from; then a password sign-in that the passkey has to confirm."""

import pytest
from allauth.mfa.models import Authenticator

from tests.factories import SECRET_SENTENCE, make_article

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(monkeypatch, settings):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made here are
    # still synchronous, so Django's async-safety check is lifted for these tests only.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context()
        context.set_default_timeout(10_000)
        page = context.new_page()
        # A platform authenticator that says yes to every fingerprint: Chromium's DevTools
        # protocol stands in for Touch ID or Windows Hello.
        cdp = context.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        cdp.send(
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
        yield page
        context.close()
        browser.close()


def test_a_reader_adds_a_passkey_and_signs_in_with_it_alone(
    page, live_server, subscriber, password
):
    # WebAuthn needs a secure context; Chromium counts http://localhost as one.
    assert live_server.url.startswith("http://localhost:")
    article = make_article()
    article_url = live_server.url + article.get_absolute_url()

    page.goto(f"{live_server.url}/accounts/login/?next=/account/")
    page.get_by_label("Email").fill(subscriber.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("heading", name="Your account", exact=True).wait_for()

    page.get_by_role("link", name="Add a passkey").click()
    # Adding a way to sign in asks for the password again, as allauth's reauthentication.
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Add a passkey", exact=True).wait_for()
    page.get_by_label("Name it").fill("Test laptop")
    page.get_by_role("button", name="Create passkey").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)

    passkey = Authenticator.objects.get(user=subscriber, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().is_passwordless
    page.goto(f"{live_server.url}/account/")
    assert page.get_by_role("cell", name="Test laptop", exact=True).is_visible()

    page.get_by_role("button", name="Sign out").click()
    page.goto(article_url)
    assert SECRET_SENTENCE not in page.content()
    page.locator(".paywall").get_by_role("link", name="Sign in").click()
    page.get_by_role("button", name="Sign in with a passkey").click()

    page.wait_for_url(article_url)
    page.get_by_text(SECRET_SENTENCE).wait_for()
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None

    # From now on a password alone is not enough: the passkey confirms it.
    page.get_by_role("button", name="Sign out").click()
    page.goto(article_url)
    page.locator(".paywall").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill(subscriber.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("heading", name="Confirm it is you").wait_for()
    page.get_by_role("button", name="Use my passkey").click()
    page.wait_for_url(article_url)
    page.get_by_text(SECRET_SENTENCE).wait_for()
