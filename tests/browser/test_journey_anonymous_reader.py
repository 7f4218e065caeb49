"""Journey 1: an anonymous reader opens a paid article and meets the paywall."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import STORY_HEADLINE, STORY_STANDFIRST, page_text, visit
from tests.factories import PREVIEW_SENTENCE, SECRET_SENTENCE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_anonymous_reader_sees_the_preview_and_the_call_to_subscribe(
    page, site, paid_story, screenshot
):
    visit(page, site + "/")
    screenshot(page, "anonymous-reader", "1-home")
    page.get_by_role("link", name=STORY_HEADLINE).first.click()

    expect(page).to_have_url(site + paid_story.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(STORY_HEADLINE)
    expect(page.get_by_text(STORY_STANDFIRST)).to_be_visible()
    expect(page.get_by_text(PREVIEW_SENTENCE)).to_be_visible()
    paywall = page.get_by_role("complementary", name="This post is for paying subscribers only")
    expect(paywall).to_be_visible()
    expect(paywall.get_by_role("link", name="Subscribe now")).to_be_visible()
    expect(paywall).to_contain_text("Already have an account? Sign in")
    expect(paywall.get_by_role("link", name="Sign in")).to_be_visible()
    screenshot(page, "anonymous-reader", "2-article-preview", docs_name="article-preview")


def test_the_text_past_the_break_is_in_neither_the_html_nor_the_dom(page, site, paid_story):
    response = visit(page, site + paid_story.get_absolute_url())

    assert SECRET_SENTENCE not in response.text()
    assert PREVIEW_SENTENCE in page_text(page)
    assert SECRET_SENTENCE not in page_text(page)
