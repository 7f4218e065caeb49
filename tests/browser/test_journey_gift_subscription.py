"""Journey: a buyer, not signed in, gifts 3 months for a later day and pays once at Checkout;
the shared clock passes the delivery day; a real worker process emails the gift; the recipient
opens it in the outbox, signs up with the emailed code, redeems it and reads a paid story whole."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import latest_email_code, page_text, visit
from tests.factories import SECRET_SENTENCE
from tests.worker_process import run_worker_batch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECIPIENT = "gift.friend@example.com"


def pay_once_at_checkout(page):
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM / YY)").fill("12 / 34")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Name on card").fill("Ada Giver")
    page.get_by_role("button", name="Pay").click()


def test_a_buyer_gifts_three_months_and_the_recipient_redeems_and_reads(
    new_context, site, plan, paid_story, live_stripe_standin, screenshot, outbox_on
):
    from giftsubs.models import Gift
    from newsroom import clock

    buyer = new_context().new_page()
    visit(buyer, site + "/give/")
    expect(buyer.get_by_role("heading", level=1)).to_have_text("Give a subscription")
    buyer.get_by_label("3 months").check()
    buyer.get_by_label("Their email").fill(RECIPIENT)
    buyer.get_by_label("From (your name, as they will see it)").fill("Ada")
    buyer.get_by_label("Message (optional)").fill("For the harbour stories.")
    later = clock.localdate() + timedelta(days=5)
    buyer.get_by_label("Send it on").fill(later.isoformat())
    buyer.get_by_label("Your email (for the receipt)").fill("ada.giver@example.com")
    screenshot(buyer, "gift-subscription", "1-gift-form")
    buyer.get_by_role("button", name="Continue to payment").click()

    expect(buyer.get_by_text("Due today: $27.00")).to_be_visible()
    screenshot(buyer, "gift-subscription", "2-checkout-one-payment")
    pay_once_at_checkout(buyer)
    expect(buyer.get_by_role("heading", level=1)).to_have_text("Thank you for your gift")
    expect(buyer.get_by_text(f"We will email them their gift on {later:%-d %B %Y}")).to_be_visible()
    screenshot(buyer, "gift-subscription", "3-thanks")
    assert Gift.objects.get().state == "paid"

    # A worker sends the receipt now, and nothing to the recipient before the day.
    run_worker_batch(EMAIL_OUTBOX="1", SITE_URL=site)
    inbox = new_context().new_page()
    visit(inbox, site + "/outbox/")
    expect(inbox.locator("li", has_text="ada.giver@example.com")).to_have_count(1)
    expect(inbox.locator("li", has_text=RECIPIENT)).to_have_count(0)

    # The stand-in's clock passes the delivery day: the site's and the worker's move with it.
    live_stripe_standin.advance(days=6)
    output = run_worker_batch(EMAIL_OUTBOX="1", SITE_URL=site)
    assert "giftsubs.tasks.deliver_gift" in output

    visit(inbox, site + "/outbox/")
    inbox.locator("li", has_text=RECIPIENT).get_by_role("link").first.click()
    inbox.get_by_role("link", name="See the HTML version").click()
    expect(inbox.get_by_text("Ada has given you 3 months of")).to_be_visible()
    expect(inbox.get_by_text("For the harbour stories.")).to_be_visible()
    screenshot(inbox, "gift-subscription", "4-gift-email")
    inbox.get_by_role("link", name="Redeem your gift").click()

    expect(inbox.get_by_role("heading", level=1)).to_contain_text("A gift for you: 3 months")
    screenshot(inbox, "gift-subscription", "5-redeem-page")
    inbox.get_by_role("link", name="Sign up to redeem").click()
    inbox.get_by_label("Email").fill(RECIPIENT)
    inbox.get_by_label("Password").fill("a-long-pass-phrase-for-gifts")
    inbox.get_by_role("button", name="Create account").click()
    expect(inbox.get_by_role("heading", name="Check your email")).to_be_visible()
    inbox.get_by_label("Code").fill(latest_email_code(RECIPIENT))
    inbox.get_by_role("button", name="Confirm").click()

    inbox.get_by_role("button", name="Redeem my gift").click()
    expect(inbox.get_by_role("heading", level=1)).to_have_text("Your gift is redeemed")
    screenshot(inbox, "gift-subscription", "6-redeemed")

    visit(inbox, site + paid_story.get_absolute_url())
    expect(inbox.get_by_text(SECRET_SENTENCE)).to_be_visible()
    assert SECRET_SENTENCE in page_text(inbox)
    screenshot(inbox, "gift-subscription", "7-paid-story-whole")
