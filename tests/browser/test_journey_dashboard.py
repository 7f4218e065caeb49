"""Journey: a reader subscribes from an article; the publisher opens the admin's front page and
sees one more paying member, and that article among what converts."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    STORY_HEADLINE,
    assert_no_serious_accessibility_violations,
    sign_in_as,
    subscribe_from_the_paywall,
    visit,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def paying_members(page):
    figure = page.locator(".desk-figures > div", has=page.get_by_text("Paying members", exact=True))
    return figure.locator("strong")


def test_the_publisher_sees_the_new_paying_member_and_the_article_that_converted(
    new_context, site, paid_story, plan, live_stripe_standin, reader, publisher, screenshot
):
    desk = new_context()
    sign_in_as(desk, site, publisher)
    office = desk.new_page()
    visit(office, site + "/admin/")
    expect(office.get_by_role("heading", name="How the publication is doing")).to_be_visible()
    expect(paying_members(office)).to_have_text("0")

    home = new_context()
    sign_in_as(home, site, reader)
    reading = home.new_page()
    subscribe_from_the_paywall(reading, site + paid_story.get_absolute_url())

    visit(office, site + "/admin/")
    expect(paying_members(office)).to_have_text("1")
    converts = office.get_by_role("table", name="Paid sign-ups by where they started")
    row = converts.get_by_role("row", name=STORY_HEADLINE)
    expect(row).to_contain_text("Article paywall")
    expect(row.get_by_role("cell").last).to_have_text("1")
    # The charts are pictures with a name and their numbers in a table beside them.
    expect(office.get_by_role("img", name="Paying members, the last year")).to_be_visible()
    expect(office.get_by_role("link", name="Plans")).to_be_visible()
    assert_no_serious_accessibility_violations(office, "dashboard")
    screenshot(office, "dashboard", "after-a-new-subscriber", docs_name="dashboard")
