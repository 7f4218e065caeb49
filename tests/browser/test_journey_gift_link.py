"""A subscriber gifts an article; a fresh anonymous browser reads it whole; once the subscriber
switches the link off, it shows only the preview and says why."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import page_text, sign_in_as, visit
from tests.factories import PREVIEW_SENTENCE, SECRET_SENTENCE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_subscriber_gifts_an_article_and_a_revoked_link_stops_working(
    context, new_context, page, site, paid_story, subscriber, screenshot
):
    sign_in_as(context, site, subscriber)
    visit(page, site + paid_story.get_absolute_url())
    page.get_by_label("Your name, as they will see it").fill("Maya Okafor")
    screenshot(page, "gift-link", "1-gift-this-article")
    page.get_by_role("button", name="Gift this article").click()

    expect(page).to_have_url(site + "/account/#gift-links")
    expect(page.get_by_text("9 of 10")).to_be_visible()
    address = page.get_by_label(f"Gift link to {paid_story.headline}").input_value()
    screenshot(page, "gift-link", "2-account-gift-links")
    # The address is the site's public one (SITE_URL); the live server listens elsewhere.
    gift_path = address[address.index("/gift/") :]

    friend = new_context().new_page()
    response = visit(friend, site + gift_path)
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    expect(friend.get_by_text("Maya Okafor gave you this story.")).to_be_visible()
    expect(friend.get_by_text(SECRET_SENTENCE)).to_be_visible()
    assert "This post is for paying subscribers only" not in page_text(friend)
    screenshot(friend, "gift-link", "3-friend-reads-it-whole")

    page.get_by_role("button", name=f"Switch off the link to {paid_story.headline}").click()
    expect(page.get_by_text("no longer opens")).to_be_visible()

    visit(friend, site + gift_path)
    expect(
        friend.get_by_text("This gift link has been switched off by the person who shared it.")
    ).to_be_visible()
    expect(friend.get_by_text(PREVIEW_SENTENCE)).to_be_visible()
    assert SECRET_SENTENCE not in page_text(friend)
    screenshot(friend, "gift-link", "4-revoked-link-shows-the-preview")
