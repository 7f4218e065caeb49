"""In headless Chromium: a reader under the paywall signs up, types the emailed code and is
back on the article, reading it."""

import re

import pytest
from django.core import mail

from tests.factories import PREVIEW_SENTENCE, SECRET_SENTENCE, make_article

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")

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
        yield context.new_page()
        context.close()
        browser.close()


def test_a_reader_signs_up_with_the_emailed_code_and_returns_to_the_article(page, live_server):
    article = make_article(access="registered")
    article_url = live_server.url + article.get_absolute_url()

    page.goto(article_url)
    assert PREVIEW_SENTENCE in page.content()
    assert SECRET_SENTENCE not in page.content()
    page.get_by_role("link", name="Sign up free").click()

    page.get_by_label("Email").fill("browser.reader@example.com")
    page.get_by_label("Password").fill("a-long-pass-phrase-for-reading")
    page.get_by_role("button", name="Create account").click()

    page.get_by_role("heading", name="Check your email").wait_for()
    assert len(mail.outbox) == 1
    code = CODE.search(mail.outbox[0].body).group(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url(article_url)
    page.get_by_text(SECRET_SENTENCE).wait_for()
    assert page.get_by_role("link", name="Account").is_visible()
