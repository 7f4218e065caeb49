"""Journey 7: with JavaScript off, the article, its preview, the paywall and signing in all work."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import STORY_HEADLINE, page_text, sign_in_as, sign_in_by_code, visit
from tests.factories import PREVIEW_SENTENCE, SECRET_SENTENCE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(new_context):
    return new_context(java_script_enabled=False).new_page()


def test_without_javascript_the_reader_gets_the_preview_and_the_paywall(
    page, site, paid_story, screenshot
):
    visit(page, site + "/")
    page.get_by_role("link", name=STORY_HEADLINE).first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(STORY_HEADLINE)
    expect(page.get_by_text(PREVIEW_SENTENCE)).to_be_visible()
    paywall = page.get_by_role("complementary", name="This post is for paying subscribers only")
    expect(paywall.get_by_role("link", name="Subscribe now")).to_be_visible()
    assert SECRET_SENTENCE not in page_text(page)
    screenshot(page, "no-javascript", "article-preview")

    paywall.get_by_role("link", name="Subscribe now").click()
    expect(page).to_have_url(re.compile("^" + re.escape(site + "/pricing/")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Subscribe")


def test_without_javascript_a_subscriber_reads_the_whole_article(
    page, site, paid_story, subscriber, screenshot
):
    sign_in_as(page.context, site, subscriber)
    visit(page, site + paid_story.get_absolute_url())

    expect(page.get_by_text(SECRET_SENTENCE)).to_be_visible()
    expect(page.get_by_role("link", name="Subscribe now")).to_have_count(0)
    screenshot(page, "no-javascript", "article-full")


def test_without_javascript_a_subscriber_signs_in_by_code_from_the_paywall(
    page, site, paid_story, subscriber, screenshot
):
    visit(page, site + paid_story.get_absolute_url())
    page.get_by_role("complementary").get_by_role("link", name="Sign in").click()
    screenshot(page, "no-javascript", "sign-in")

    sign_in_by_code(page, subscriber.email)

    expect(page).to_have_url(site + paid_story.get_absolute_url())
    expect(page.get_by_text(SECRET_SENTENCE)).to_be_visible()
