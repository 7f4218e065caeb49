"""Journey 4: a returning subscriber signs in by emailed code from the paywall's link."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import latest_email_code, page_text, visit
from tests.factories import SECRET_SENTENCE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_returning_subscriber_signs_in_by_code_and_lands_on_the_whole_article(
    page, site, paid_story, subscriber, screenshot
):
    visit(page, site + paid_story.get_absolute_url())
    paywall = page.get_by_role("complementary", name="This post is for paying subscribers only")
    paywall.get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    screenshot(page, "returning-subscriber", "1-sign-in")

    page.get_by_role("link", name="Email me a sign-in code").click()
    page.get_by_label("Email").fill(subscriber.email)
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_text(f"A sign-in code has been sent to {subscriber.email}")).to_be_visible()
    screenshot(page, "returning-subscriber", "2-enter-code")

    code = latest_email_code(subscriber.email)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(site + paid_story.get_absolute_url())
    expect(page.get_by_text(SECRET_SENTENCE)).to_be_visible()
    assert "This post is for paying subscribers only" not in page_text(page)
    screenshot(page, "returning-subscriber", "3-article-full")

    # Signed in for good, not for one page: the whole text is still there on the next visit.
    visit(page, site + paid_story.get_absolute_url())
    expect(page.get_by_text(SECRET_SENTENCE)).to_be_visible()
    screenshot(page, "returning-subscriber", "4-article-again", docs_name="article-full")
