"""Journey 3: a declined card gets a clear message, no access and nothing half-done."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    page_text,
    pay_at_checkout,
    sign_in_as,
    subscribe_from_the_paywall,
    visit,
)
from tests.factories import SECRET_SENTENCE
from tests.task_helpers import run_queued_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DECLINED_CARD = "4000 0000 0000 0002"


def test_a_declined_card_is_explained_and_the_article_stays_behind_the_paywall(
    page, site, paid_story, plan, live_stripe_standin, reader, screenshot
):
    from subscriptions.models import Subscription

    sign_in_as(page.context, site, reader)
    visit(page, site + paid_story.get_absolute_url())
    page.get_by_role("link", name="Upgrade to read").click()
    page.get_by_role("button", name="Subscribe to Digital").click()
    expect(page).to_have_url(re.compile("^" + re.escape(live_stripe_standin.url + "/checkout/cs_")))

    pay_at_checkout(page, card=DECLINED_CARD)

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("declined")
    expect(page.get_by_label("Card number")).to_be_visible()
    screenshot(page, "declined-card", "1-checkout-declined")
    live_stripe_standin.flush_webhooks()
    run_queued_tasks()  # a worker applies the events the site stored
    assert not Subscription.objects.filter(user=reader).exists()

    page.get_by_role("link", name="Back").click()
    expect(page).to_have_url(site + paid_story.get_absolute_url())
    expect(page.get_by_role("link", name="Upgrade to read")).to_be_visible()
    assert SECRET_SENTENCE not in page_text(page)
    screenshot(page, "declined-card", "2-article-still-preview")

    # Nothing was left half-done: the same reader can pay with another card straight away.
    subscribe_from_the_paywall(page, site + paid_story.get_absolute_url())
    expect(page.get_by_text(SECRET_SENTENCE)).to_be_visible()
