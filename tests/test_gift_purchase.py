"""Buying a gift subscription: anyone, signed in or not, chooses 1, 3, 6 or 12 months, a
recipient, a message and a day; the price comes from the plans; Checkout is a one-time payment.
Bad input is refused clearly, and then no gift and no Checkout exist."""

from datetime import timedelta

import pytest

from giftsubs.models import Gift
from newsroom import clock
from subscriptions.models import Plan, Source
from tests.factories import make_article
from tests.gift_helpers import gift_form, session_of, start_gift
from tests.stripe_helpers import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(stripe_standin):
    return make_plan(monthly=900, yearly=9000)


def test_the_gift_page_lists_each_length_with_its_price_from_the_plans(client, plan):
    page = client.get("/give/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Give a subscription" in text
    for months, price in ((1, "$9.00"), (3, "$27.00"), (6, "$54.00"), (12, "$90.00")):
        assert f"{months} month" in text and price in text


def test_a_gift_checkout_is_a_one_time_payment_of_the_gifts_price(client, plan, stripe_standin):
    response = start_gift(client, months="6")
    session = session_of(stripe_standin, response)
    gift = Gift.objects.get()
    assert (session["mode"], session["amount_total"], session["currency"]) == (
        "payment",
        5400,
        "usd",
    )
    assert session["customer_email"] == "buyer@example.com"
    assert session["metadata"]["gift"] == str(gift.pk)
    assert (gift.state, gift.months, gift.amount, gift.buyer) == ("pending", 6, 5400, None)
    assert gift.checkout_session_id == session["id"]
    assert gift.message == "Happy birthday!\nRead the harbour story."


def test_twelve_months_cost_the_yearly_price(client, plan, stripe_standin):
    session = session_of(stripe_standin, start_gift(client, months="12"))
    assert session["amount_total"] == 9000


def test_a_signed_in_buyer_is_remembered_on_the_gift(client, reader, plan, stripe_standin):
    client.force_login(reader)
    assert reader.email in client.get("/give/").content.decode()
    session_of(stripe_standin, start_gift(client, buyer_email=reader.email))
    assert Gift.objects.get().buyer == reader


def test_a_gift_checkout_records_the_article_it_started_from(client, plan, stripe_standin):
    article = make_article()
    response = start_gift(client, next=article.get_absolute_url())
    session = session_of(stripe_standin, response)
    gift = Gift.objects.get()
    assert (gift.source, gift.source_article) == (Source.ARTICLE, article)
    assert session["metadata"]["source_article"] == str(article.pk)


def test_a_gift_checkout_from_nowhere_in_particular_counts_for_pricing(
    client, plan, stripe_standin
):
    session_of(stripe_standin, start_gift(client))
    assert Gift.objects.get().source == Source.PRICING


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("recipient_email", "not-an-email", "Enter a valid email address to send the gift to"),
        ("recipient_email", "", "Enter the email address to send the gift to."),
        ("buyer_email", "buyer@", "Enter a valid email address for your receipt"),
        ("months", "2", "Choose 1, 3, 6 or 12 months."),
        ("months", "", "Choose how many months to give."),
        ("deliver_on", "yesterday", "Enter the date as YYYY-MM-DD."),
        ("message", "x" * 1001, "Ensure this value has at most 1000 characters"),
        ("message", "hello\x07", "The message has characters we cannot send."),
        ("message", "hello\x00", "Null characters are not allowed."),
    ],
)
def test_bad_purchase_input_is_refused_clearly_and_creates_nothing(
    client, plan, stripe_standin, field, value, message
):
    response = start_gift(client, **{field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Give a subscription" in response.content.decode()
    assert not Gift.objects.exists()
    assert stripe_standin.store.data["checkout_sessions"] == {}


def test_a_delivery_date_in_the_past_is_refused(client, plan, stripe_standin):
    past = (clock.localdate() - timedelta(days=1)).isoformat()
    response = start_gift(client, deliver_on=past)
    assert response.status_code == 400
    assert "Choose today or a later day: that date has passed." in response.content.decode()
    assert not Gift.objects.exists()


def test_the_past_is_judged_on_the_shared_clock(client, plan, stripe_standin):
    tomorrow = (clock.localdate() + timedelta(days=1)).isoformat()
    stripe_standin.advance(days=2)
    response = start_gift(client, deliver_on=tomorrow)
    assert response.status_code == 400
    assert "that date has passed" in response.content.decode()


def test_a_delivery_date_more_than_a_year_ahead_is_refused(client, plan, stripe_standin):
    far = (clock.localdate() + timedelta(days=400)).isoformat()
    response = start_gift(client, deliver_on=far)
    assert response.status_code == 400
    assert "Choose a day before" in response.content.decode()
    assert stripe_standin.store.data["checkout_sessions"] == {}


def test_without_a_plan_on_sale_gifts_are_not_on_sale(client, plan, stripe_standin):
    Plan.objects.update(active=False)
    page = client.get("/give/")
    assert page.status_code == 200
    assert "Gift subscriptions are not on sale right now." in page.content.decode()
    response = client.post("/give/", gift_form())
    assert response.status_code == 409
    assert not Gift.objects.exists()


def test_when_stripe_is_down_the_buyer_may_try_again_and_no_gift_is_left_pending(
    client, plan, stripe_standin
):
    stripe_standin.refuse("POST", r"/v1/checkout/sessions", status=500)
    response = start_gift(client)
    assert response.status_code == 503
    assert "We couldn’t reach our payment provider" in response.content.decode()
    assert not Gift.objects.exists()
