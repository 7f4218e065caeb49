"""Coupons, promotion codes and Checkout `discounts` in the stand-in, through stripe-python."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import stripe

from devtools.stripe_standin.testing import TEST_KEY, pay, request

DAY = 86400
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def monthly(client):
    return client.v1.prices.create(
        params={
            "currency": "usd",
            "unit_amount": 1000,
            "recurring": {"interval": "month"},
            "product_data": {"name": "Digital"},
        }
    )


def offer(client, *, code="HALF", **coupon):
    coupon.setdefault("percent_off", 50)
    coupon.setdefault("duration", "repeating")
    coupon.setdefault("duration_in_months", 3)
    made = client.v1.coupons.create(params=coupon)
    return made, client.v1.promotion_codes.create(
        params={"promotion": {"type": "coupon", "coupon": made.id}, "code": code}
    )


def checkout(client, price, **params):
    return client.v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "line_items": [{"price": price.id, "quantity": 1}],
            "success_url": "https://news.test/ok",
            **params,
        }
    )


def test_a_promotion_code_in_discounts_takes_its_share_off_checkout_and_the_first_invoices(
    srv, client, monthly
):
    coupon, promo = offer(client)
    session = checkout(client, monthly, discounts=[{"promotion_code": promo.id}])
    assert session.amount_subtotal == 1000
    assert session.amount_total == 500
    assert session.total_details.amount_discount == 500
    page = request("GET", session.url).text
    assert "Discount (HALF)" in page
    assert "Due today: $5.00" in page

    pay(session.url)
    done = client.v1.checkout.sessions.retrieve(session.id)
    sub = client.v1.subscriptions.retrieve(done.subscription, params={"expand": ["discounts"]})
    discount = sub.discounts[0]
    assert discount.promotion_code == promo.id
    assert discount.source.coupon == coupon.id
    assert discount.end > discount.start
    first = client.v1.invoices.retrieve(done.invoice)
    assert (first.subtotal, first.total, first.amount_paid) == (1000, 500, 500)
    assert client.v1.promotion_codes.retrieve(promo.id).times_redeemed == 1
    assert client.v1.coupons.retrieve(coupon.id).times_redeemed == 1

    # Three months at half price, then the full price.
    totals = []
    for _ in range(3):
        srv.advance(days=31)
        sub = client.v1.subscriptions.retrieve(done.subscription)
        totals.append(client.v1.invoices.retrieve(sub.latest_invoice).total)
    assert totals == [500, 500, 1000]


def test_a_one_off_amount_coupon_discounts_the_first_charge_only(srv, client, monthly):
    _, promo = offer(client, code="FIRST3", percent_off=None, amount_off=300, currency="usd",
                     duration="once", duration_in_months=None)  # fmt: skip
    session = checkout(client, monthly, discounts=[{"promotion_code": promo.id}])
    assert session.amount_total == 700
    pay(session.url)
    sub = client.v1.subscriptions.retrieve(
        client.v1.checkout.sessions.retrieve(session.id).subscription
    )
    srv.advance(days=31)
    sub = client.v1.subscriptions.retrieve(sub.id)
    assert client.v1.invoices.retrieve(sub.latest_invoice).total == 1000


@pytest.mark.parametrize("state", ["inactive", "expired", "used up"])
def test_a_promotion_code_that_cannot_be_redeemed_creates_no_session(client, monthly, srv, state):
    coupon = client.v1.coupons.create(params={"percent_off": 20, "duration": "forever"})
    params = {"promotion": {"type": "coupon", "coupon": coupon.id}, "code": "NOPE"}
    if state == "expired":
        params["expires_at"] = srv.store.now() - 1
    if state == "used up":
        params["max_redemptions"] = 1
    promo = client.v1.promotion_codes.create(params=params)
    if state == "inactive":
        client.v1.promotion_codes.update(promo.id, params={"active": False})
    if state == "used up":
        pay(checkout(client, monthly, discounts=[{"promotion_code": promo.id}]).url)
    before = len(srv.store.data["checkout_sessions"])
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        checkout(client, monthly, discounts=[{"promotion_code": promo.id}])
    assert excinfo.value.code == "promotion_code_invalid"
    assert len(srv.store.data["checkout_sessions"]) == before


def test_a_code_switched_off_while_the_reader_pays_is_refused_at_payment(client, monthly, srv):
    _, promo = offer(client)
    session = checkout(client, monthly, discounts=[{"promotion_code": promo.id}])
    client.v1.promotion_codes.update(promo.id, params={"active": False})
    answer = pay(session.url)
    assert answer.status != 303
    assert "This promotion code cannot be redeemed." in answer.text
    assert not srv.store.data["subscriptions"]


def test_discounts_and_allow_promotion_codes_cannot_be_combined(client, monthly):
    _, promo = offer(client)
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        checkout(
            client, monthly, discounts=[{"promotion_code": promo.id}], allow_promotion_codes=True
        )
    assert "allow_promotion_codes, discounts" in str(excinfo.value)


def test_a_coupon_limited_to_other_products_takes_nothing_off(client, monthly):
    other = client.v1.products.create(params={"name": "Print"})
    coupon = client.v1.coupons.create(
        params={"percent_off": 50, "duration": "once", "applies_to": {"products": [other.id]}}
    )
    session = checkout(client, monthly, discounts=[{"coupon": coupon.id}])
    assert session.amount_total == 1000


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"duration": "once"}, "percent_off"),
        ({"percent_off": 10, "amount_off": 100, "currency": "usd"}, "percent_off"),
        ({"percent_off": 150}, "percent_off"),
        ({"percent_off": 10, "duration": "repeating"}, "duration_in_months"),
        ({"amount_off": 100}, "amount_off"),
        ({"percent_off": 10, "duration": "sometimes"}, "duration"),
    ],
)
def test_a_malformed_coupon_is_refused_with_the_parameter_named(client, params, param):
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.coupons.create(params=params)
    assert excinfo.value.param == param


def test_an_active_code_is_unique_and_listed_by_code(client):
    coupon = client.v1.coupons.create(params={"percent_off": 10, "duration": "forever"})
    promo = client.v1.promotion_codes.create(
        params={"promotion": {"type": "coupon", "coupon": coupon.id}, "code": "SPRING"}
    )
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.promotion_codes.create(
            params={"promotion": {"type": "coupon", "coupon": coupon.id}, "code": "spring"}
        )
    found = client.v1.promotion_codes.list(params={"code": "SPRING"})
    assert [p.id for p in found.data] == [promo.id]


def test_coupon_promotion_code_and_discount_shapes_match_stripes_fixtures(srv, client, monthly):
    # test_shapes checks these derived key names against fixtures.json itself.
    fixture_keys = json.loads((REPO / "tests/data/stripe_fixture_keys.json").read_text())
    fixture_keys = {name: set(keys) for name, keys in fixture_keys.items()}
    coupon, promo = offer(client)
    raw = request("GET", f"{srv.url}/v1/coupons/{coupon.id}", api_key=TEST_KEY).json()
    assert set(raw) == fixture_keys["coupon"]
    raw = request("GET", f"{srv.url}/v1/promotion_codes/{promo.id}", api_key=TEST_KEY).json()
    assert set(raw) == fixture_keys["promotion_code"]
    session = checkout(client, monthly, discounts=[{"promotion_code": promo.id}])
    pay(session.url)
    sub_id = client.v1.checkout.sessions.retrieve(session.id).subscription
    sub = request(
        "GET", f"{srv.url}/v1/subscriptions/{sub_id}?expand[]=discounts", api_key=TEST_KEY
    ).json()
    assert set(sub["discounts"][0]) == fixture_keys["discount"]
