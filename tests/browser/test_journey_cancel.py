"""Journey 5: a subscriber cancels at period end, reads until then, and meets the paywall after."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import page_text, sign_in_as, subscribe_from_the_paywall, visit
from tests.factories import SECRET_SENTENCE
from tests.task_helpers import run_queued_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_subscriber_who_cancels_reads_until_the_period_ends_and_then_sees_the_preview(
    page, site, paid_story, plan, live_stripe_standin, reader, screenshot
):
    article_url = site + paid_story.get_absolute_url()
    sign_in_as(page.context, site, reader)
    subscribe_from_the_paywall(page, article_url)
    expect(page.get_by_text(SECRET_SENTENCE)).to_be_visible()

    page.get_by_role("link", name="Account").click()
    screenshot(page, "cancel", "1-account")
    page.get_by_role("button", name="Manage billing").click()
    expect(page).to_have_url(re.compile("^" + re.escape(live_stripe_standin.url + "/portal/")))
    page.get_by_role("button", name="Cancel at period end").click()
    expect(page.get_by_text("Cancels on")).to_be_visible()
    screenshot(page, "cancel", "2-portal-canceled")
    live_stripe_standin.flush_webhooks()
    run_queued_tasks()  # a worker applies the events the site stored

    page.get_by_role("link", name="Return to Newsroom").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_text("Access ends")).to_be_visible()
    screenshot(page, "cancel", "3-account-canceling")
    visit(page, article_url)
    expect(page.get_by_text(SECRET_SENTENCE)).to_be_visible()

    live_stripe_standin.advance(days=32)
    live_stripe_standin.flush_webhooks()
    run_queued_tasks()  # a worker applies the events the site stored

    visit(page, article_url)
    expect(page.get_by_role("complementary")).to_contain_text(
        "This post is for paying subscribers only"
    )
    expect(page.get_by_role("link", name="Upgrade to read")).to_be_visible()
    assert SECRET_SENTENCE not in page_text(page)
    screenshot(page, "cancel", "4-article-preview-again")
