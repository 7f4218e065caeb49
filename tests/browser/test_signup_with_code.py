"""A reader under a registered-only article's paywall signs up for free, types the emailed code
and is back on the article, reading it. (Journey 2 signs up on the way to paying instead.)"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import latest_email_code, page_text, visit
from tests.factories import PREVIEW_SENTENCE, SECRET_SENTENCE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "browser.reader@example.com"


def test_a_reader_signs_up_with_the_emailed_code_and_returns_to_the_article(page, site, screenshot):
    from django.core import mail

    from tests.factories import make_article

    article_url = site + make_article(access="registered").get_absolute_url()

    visit(page, article_url)
    expect(page.get_by_text(PREVIEW_SENTENCE)).to_be_visible()
    assert SECRET_SENTENCE not in page_text(page)
    screenshot(page, "signup-with-code", "1-registered-paywall")
    page.get_by_role("link", name="Sign up free").click()

    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill("a-long-pass-phrase-for-reading")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert [message.to for message in mail.outbox] == [[EMAIL]]
    screenshot(page, "signup-with-code", "2-email-code")
    page.get_by_label("Code").fill(latest_email_code(EMAIL))
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(article_url)
    expect(page.get_by_text(SECRET_SENTENCE)).to_be_visible()
    expect(page.get_by_role("link", name="Account")).to_be_visible()
    screenshot(page, "signup-with-code", "3-article-full")
