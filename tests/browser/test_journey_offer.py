"""A reader opens an offer link, pays the discounted price at Checkout and finds the discount,
and when it ends, on their account page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import pay_at_checkout, sign_in_as, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_opens_an_offer_link_and_pays_the_discounted_price(
    context, page, site, plan, reader, live_stripe_standin, screenshot
):
    from subscriptions import services
    from subscriptions.models import Offer, Subscription

    offer = Offer(
        code="SPRING",
        name="Half price for spring",
        kind=Offer.Kind.PERCENT,
        percent_off=50,
        duration=Offer.Duration.REPEATING,
        duration_in_months=3,
    )
    services.create_offer_at_stripe(offer=offer, plans=[plan])
    offer.save()

    sign_in_as(context, site, reader)
    visit(page, site + "/offer/SPRING/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Half price for spring")
    expect(page.get_by_text("50% off for 3 months")).to_be_visible()
    expect(page.get_by_text("$4.50").first).to_be_visible()
    screenshot(page, "offer", "1-offer-page")
    page.get_by_role("button", name="Subscribe to Digital").click()

    expect(page.get_by_text("Discount (SPRING)")).to_be_visible()
    expect(page.get_by_text("Due today: $4.50")).to_be_visible()
    screenshot(page, "offer", "2-checkout-discounted")
    pay_at_checkout(page, card="4242 4242 4242 4242")

    expect(page.get_by_text("Thank you for subscribing")).to_be_visible()
    stored = Subscription.objects.get(user=reader)
    assert stored.offer == offer
    invoice = live_stripe_standin.store.data["invoices"][
        stored_invoice(live_stripe_standin, stored)
    ]
    assert invoice["amount_paid"] == 450

    visit(page, site + "/account/")
    expect(page.get_by_text("50% off for 3 months, until")).to_be_visible()
    screenshot(page, "offer", "3-account-shows-the-discount")


def stored_invoice(standin, subscription):
    return standin.store.data["subscriptions"][subscription.stripe_id]["latest_invoice"]
