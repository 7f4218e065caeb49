"""Offers: made in the admin as a Stripe coupon and promotion code, taken up at /offer/<code>/
through Checkout `discounts`, shown on the account page, archived by switching the code off."""

from datetime import timedelta
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from devtools.stripe_standin.testing import pay
from subscriptions import services
from subscriptions.models import Offer, Subscription
from tests.stripe_helpers import make_plan, store_subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(stripe_standin):
    return make_plan(name="Digital", monthly=900, yearly=9000)


def make_offer(*, plans=(), **fields):
    fields.setdefault("code", "HALF")
    fields.setdefault("name", "Half price for spring")
    fields.setdefault("kind", Offer.Kind.PERCENT)
    fields.setdefault("percent_off", 50)
    fields.setdefault("duration", Offer.Duration.REPEATING)
    fields.setdefault("duration_in_months", 3)
    offer = Offer(**fields)
    services.create_offer_at_stripe(offer=offer, plans=list(plans))
    offer.save()
    offer.plans.set(plans)
    return offer


def take_up(client, offer, plan, interval="month"):
    return client.post(
        "/subscribe/checkout/", {"plan": plan.pk, "interval": interval, "offer": offer.code}
    )


def text(response):
    return unescape(response.content.decode())


def sessions(standin):
    return standin.store.data["checkout_sessions"]


# ---------------------------------------------------------------- the admin


def admin_form(plan, **overrides):
    data = {
        "name": "Spring sale",
        "description": "For new readers.",
        "code": "SPRING",
        "kind": "percent",
        "percent_off": "25",
        "currency": "usd",
        "duration": "repeating",
        "duration_in_months": "6",
        "plans": [plan.pk],
        "starts_at_0": timezone.localtime().strftime("%Y-%m-%d"),
        "starts_at_1": "00:00:00",
        "max_redemptions": "100",
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin_client(client, staff_without_group):
    staff_without_group.is_superuser = True
    staff_without_group.save()
    client.force_login(staff_without_group)
    return client


def test_an_editor_makes_an_offer_backed_by_a_stripe_coupon_and_promotion_code(
    admin_client, plan, stripe_standin
):
    response = admin_client.post("/admin/subscriptions/offer/add/", admin_form(plan))
    assert response.status_code == 302, text(response)[:2000]
    offer = Offer.objects.get()
    coupon = stripe_standin.store.data["coupons"][offer.stripe_coupon_id]
    assert (coupon["percent_off"], coupon["duration"], coupon["duration_in_months"]) == (
        25,
        "repeating",
        6,
    )
    assert coupon["max_redemptions"] == 100
    assert stripe_standin.store.coupon_products[coupon["id"]] == [plan.stripe_product_id]
    promo = stripe_standin.store.data["promotion_codes"][offer.stripe_promotion_code_id]
    assert (promo["code"], promo["active"]) == ("SPRING", True)

    listing = text(admin_client.get("/admin/subscriptions/offer/"))
    assert "25% off for 6 months" in listing
    assert "0 of 100" in listing
    assert "Live" in listing


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({"percent_off": ""}, "Say how many percent off."),
        ({"kind": "amount", "amount_off": ""}, "Say how much off, in cents."),
        ({"duration_in_months": ""}, "Say for how many months."),
        ({"percent_off": "150"}, "Ensure this value is less than or equal to 100."),
        ({"code": "spring sale!"}, "Use 3-40 capital letters, digits and dashes."),
        (
            {"ends_at_0": "2020-01-01", "ends_at_1": "00:00:00"},
            "The end must be in the future and after the start.",
        ),
    ],
)
def test_an_offer_with_bad_terms_is_refused_and_nothing_is_made_at_stripe(
    admin_client, plan, stripe_standin, overrides, says
):
    response = admin_client.post("/admin/subscriptions/offer/add/", admin_form(plan, **overrides))
    assert response.status_code == 200
    assert says in text(response)
    assert not Offer.objects.exists()
    assert not stripe_standin.store.data["coupons"]


def test_archiving_an_offer_switches_its_code_off(admin_client, plan, stripe_standin):
    offer = make_offer(plans=[plan])
    response = admin_client.post(
        "/admin/subscriptions/offer/",
        {"action": "archive", "_selected_action": [offer.pk]},
        follow=True,
    )
    assert "1 offer(s) archived" in text(response)
    offer.refresh_from_db()
    assert offer.archived_at is not None
    assert not stripe_standin.store.data["promotion_codes"][offer.stripe_promotion_code_id][
        "active"
    ]


# ---------------------------------------------------------------- the offer page


def test_the_offer_page_shows_the_terms_and_the_discounted_prices(client, plan):
    offer = make_offer(plans=[plan], description="Our spring offer.")
    response = client.get("/offer/HALF/")
    assert response.status_code == 200
    html = text(response)
    assert "Half price for spring" in html
    assert "50% off for 3 months" in html
    assert "Our spring offer." in html
    assert "<strong>$4.50</strong>" in html
    assert "$9.00</s>" in html
    assert f'name="offer" value="{offer.code}"' in html
    assert "Subscribe to Digital" in html


def test_an_offer_code_is_found_whatever_its_case(client, plan):
    make_offer(plans=[plan])
    assert client.get("/offer/half/").status_code == 200


@pytest.mark.parametrize("code", ["NOPE", "x" * 60, "%27--"])
def test_an_unknown_offer_is_a_clear_404(client, plan, code):
    response = client.get(f"/offer/{code}/")
    assert response.status_code == 404
    assert "We couldn’t find that offer" in text(response)


def closed(offer, state, stripe_standin, reader):
    if state == "archived":
        services.archive_offer(offer=offer)
        return "This offer has ended."
    if state == "ended":
        Offer.objects.filter(pk=offer.pk).update(ends_at=timezone.now() - timedelta(hours=1))
        return "This offer ended on"
    if state == "not started":
        Offer.objects.filter(pk=offer.pk).update(starts_at=timezone.now() + timedelta(days=2))
        return "This offer starts on"
    Offer.objects.filter(pk=offer.pk).update(max_redemptions=1)
    store_subscription(reader, offer=offer)
    return "This offer has been taken up as many times as it allows."


@pytest.mark.parametrize("state", ["archived", "ended", "not started", "used up"])
def test_an_offer_that_cannot_be_taken_up_says_why_and_creates_no_checkout(
    client, django_user_model, plan, stripe_standin, state
):
    offer = make_offer(plans=[plan])
    taker = django_user_model.objects.create_user(email="earlier@example.com")
    why = closed(offer, state, stripe_standin, taker)
    page = client.get("/offer/HALF/")
    assert page.status_code == 410
    assert "Half price for spring" in text(page)
    assert why in text(page)
    assert "Subscribe to Digital" not in text(page)

    buyer = django_user_model.objects.create_user(email="buyer@example.com")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=buyer, email=buyer.email, verified=True, primary=True)
    client.force_login(buyer)
    response = take_up(client, offer, plan)
    assert response.status_code == 410
    assert why in text(response)
    assert not sessions(stripe_standin)


def test_an_offer_for_another_plan_is_refused_for_this_one(client, reader, plan, stripe_standin):
    other = make_plan(name="Print")
    offer = make_offer(plans=[other])
    client.force_login(reader)
    response = take_up(client, offer, plan)
    assert response.status_code == 410
    assert "This offer is not for that plan." in text(response)
    assert not sessions(stripe_standin)


def test_a_forged_offer_code_in_the_form_creates_no_checkout(client, reader, plan, stripe_standin):
    client.force_login(reader)
    response = client.post(
        "/subscribe/checkout/", {"plan": plan.pk, "interval": "month", "offer": "FORGED"}
    )
    assert response.status_code == 404
    assert not sessions(stripe_standin)


# ---------------------------------------------------------------- taking it up


def test_a_reader_takes_up_an_offer_pays_the_discounted_price_and_sees_it_on_the_account(
    client, reader, plan, stripe_standin
):
    offer = make_offer(plans=[plan])
    client.force_login(reader)
    response = take_up(client, offer, plan)
    assert response.status_code == 303
    session_id = urlsplit(response["Location"]).path.rsplit("/", 1)[-1]
    session = sessions(stripe_standin)[session_id]
    assert session["discounts"] == [
        {"coupon": offer.stripe_coupon_id, "promotion_code": offer.stripe_promotion_code_id}
    ]
    assert session["allow_promotion_codes"] is None
    assert session["amount_total"] == 450

    paid = pay(response["Location"], email=reader.email)
    back = urlsplit(paid.header("Location"))
    client.get(f"{back.path}?{back.query}")
    stored = Subscription.objects.get(user=reader)
    assert stored.offer == offer
    assert stored.discount_ends_at is not None
    assert timedelta(days=88) < stored.discount_ends_at - timezone.now() < timedelta(days=93)
    invoice = stripe_standin.store.data["invoices"][paid_invoice(stripe_standin)]
    assert invoice["amount_paid"] == 450

    account = text(client.get("/account/"))
    assert "50% off for 3 months, until" in account
    assert stored.discount_ends_at.strftime("%-d %B %Y") in account


def paid_invoice(standin):
    (invoice_id,) = list(standin.store.data["invoices"])
    return invoice_id


def test_an_anonymous_reader_keeps_the_offer_through_sign_up(client, reader, plan, stripe_standin):
    offer = make_offer(plans=[plan])
    response = take_up(client, offer, plan)
    assert response.status_code == 303
    resume = dict(part.split("=", 1) for part in urlsplit(response["Location"]).query.split("&"))[
        "next"
    ]
    from urllib.parse import unquote

    client.force_login(reader)
    started = client.get(unquote(resume))
    assert started.status_code == 303
    session_id = urlsplit(started["Location"]).path.rsplit("/", 1)[-1]
    assert sessions(stripe_standin)[session_id]["amount_total"] == 450


@pytest.mark.parametrize("plans", [1, 6])
def test_the_offer_page_costs_the_same_however_many_plans(
    client, stripe_standin, django_assert_num_queries, plans
):
    made = [make_plan(name=f"Plan {n}") for n in range(plans)]
    make_offer(plans=made)
    # the offer, its plans, the plans on sale, navigation sections
    with django_assert_num_queries(4):
        assert client.get("/offer/HALF/").status_code == 200
