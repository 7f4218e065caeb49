"""Journey 2: a new reader goes from the paywall to the whole article, paying on the way."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import latest_email_code, page_text, pay_at_checkout, visit
from tests.factories import SECRET_SENTENCE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "new.reader@example.com"
GOOD_CARD = "4242 4242 4242 4242"
# Pricing, sign-up, email code, checkout: the plan chosen before signing up is remembered.
MOST_SCREENS_BEFORE_THE_FULL_TEXT = 4


def test_a_new_reader_subscribes_from_the_paywall_and_reads_the_whole_article(
    page, site, paid_story, plan, live_stripe_standin, screenshot
):
    article_url = site + paid_story.get_absolute_url()
    visit(page, article_url)
    screens = []
    page.on("framenavigated", lambda frame: frame.parent_frame or screens.append(frame.url))

    page.get_by_role("link", name="Subscribe now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subscribe")
    screenshot(page, "new-subscriber", "1-pricing", docs_name="pricing")
    page.get_by_label("Yearly").check()
    page.get_by_role("button", name="Subscribe to Digital").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    screenshot(page, "new-subscriber", "2-sign-up")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill("a long and unguessable passphrase")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    screenshot(page, "new-subscriber", "3-email-code")
    page.get_by_label("Code").fill(latest_email_code(EMAIL))
    page.get_by_role("button", name="Confirm").click()

    # Signed up and verified, the reader goes straight to paying for the plan they chose.
    expect(page).to_have_url(re.compile("^" + re.escape(live_stripe_standin.url + "/checkout/cs_")))
    expect(page.get_by_label("Email")).to_have_value(EMAIL)
    expect(page.get_by_text("year")).not_to_have_count(0)
    screenshot(page, "new-subscriber", "4-checkout", docs_name="checkout")
    pay_at_checkout(page, card=GOOD_CARD)

    expect(page).to_have_url(article_url)
    expect(page.get_by_text(SECRET_SENTENCE)).to_be_visible()
    expect(page.get_by_text("Thank you for subscribing")).to_be_visible()
    assert "This post is for paying subscribers only" not in page_text(page)
    screenshot(page, "new-subscriber", "5-article-full")

    before_the_article = screens[: screens.index(article_url)]
    print(f"\n{len(before_the_article)} screens from the paywall to the full text:")
    print("\n".join(before_the_article))
    assert len(before_the_article) <= MOST_SCREENS_BEFORE_THE_FULL_TEXT, before_the_article
