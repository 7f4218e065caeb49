"""Stripe Tax in the stand-in: `automatic_tax` on Checkout with the billing address it asks for,
a fixed rate per country, and the tax where Stripe puts it (the session's
`total_details.amount_tax`, the invoice's `total_taxes` and line `taxes`), at every renewal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import stripe

from devtools.stripe_standin.testing import TEST_KEY, pay, request

REPO = Path(__file__).resolve().parents[2]
GB = {
    "address_country": "GB",
    "address_line1": "1 Harbour Street",
    "address_city": "Port Ellery",
    "address_postal_code": "PE1 1AA",
}


@pytest.fixture
def monthly(client):
    return client.v1.prices.create(
        params={
            "currency": "gbp",
            "unit_amount": 900,
            "recurring": {"interval": "month"},
            "product_data": {"name": "Digital"},
        }
    )


@pytest.fixture
def customer(client):
    return client.v1.customers.create(params={"email": "reader@example.com"})


def taxed_checkout(client, price, customer, **params):
    return client.v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "customer": customer.id,
            "line_items": [{"price": price.id, "quantity": 1}],
            "success_url": "https://news.test/ok",
            "automatic_tax": {"enabled": True},
            "billing_address_collection": "required",
            "customer_update": {"address": "auto"},
            **params,
        }
    )


def get(srv, path):
    response = request("GET", srv.url + path, api_key=TEST_KEY)
    assert response.status == 200, response.text
    return response.json()


def test_checkout_asks_for_the_address_and_adds_20_percent_vat_in_great_britain(
    srv, client, monthly, customer
):
    session = taxed_checkout(client, monthly, customer)
    assert session.automatic_tax.enabled is True
    assert session.automatic_tax.status == "requires_location_inputs"
    page = request("GET", session.url).text
    assert "Billing address" in page and "Postal code" in page
    assert "£9.00 plus tax, from your billing address" in page

    assert pay(session.url, **GB).status == 303
    done = get(srv, f"/v1/checkout/sessions/{session.id}")
    assert done["total_details"]["amount_tax"] == 180
    assert done["amount_total"] == 1080
    assert done["automatic_tax"]["status"] == "complete"
    assert done["customer_details"]["address"]["country"] == "GB"
    # customer_update[address]=auto: the address is the customer's now, for renewals.
    assert get(srv, f"/v1/customers/{customer.id}")["address"]["postal_code"] == "PE1 1AA"

    subscription = get(srv, f"/v1/subscriptions/{done['subscription']}")
    assert subscription["automatic_tax"]["enabled"] is True
    invoice = get(srv, f"/v1/invoices/{done['invoice']}")
    (tax,) = invoice["total_taxes"]
    assert (tax["amount"], tax["taxable_amount"], tax["tax_behavior"]) == (180, 900, "exclusive")
    assert (invoice["subtotal"], invoice["total_excluding_tax"], invoice["total"]) == (
        900,
        900,
        1080,
    )
    assert invoice["amount_paid"] == 1080
    assert invoice["lines"]["data"][0]["taxes"] == [tax]
    rate = get(srv, f"/v1/tax_rates/{tax['tax_rate_details']['tax_rate']}")
    assert (rate["percentage"], rate["display_name"], rate["country"]) == (20, "VAT", "GB")


def test_a_renewal_is_taxed_from_the_saved_address(srv, client, monthly, customer):
    session = taxed_checkout(client, monthly, customer)
    pay(session.url, **GB)
    srv.advance(days=31)
    invoices = get(srv, f"/v1/invoices?customer={customer.id}")["data"]
    renewal = next(i for i in invoices if i["billing_reason"] == "subscription_cycle")
    assert renewal["total_taxes"][0]["amount"] == 180
    assert renewal["amount_paid"] == 1080


def test_where_no_tax_is_due_none_is_added(srv, client, monthly, customer):
    session = taxed_checkout(client, monthly, customer)
    pay(session.url, **dict(GB, address_country="US", address_postal_code="10001"))
    done = get(srv, f"/v1/checkout/sessions/{session.id}")
    assert (done["total_details"]["amount_tax"], done["amount_total"]) == (0, 900)
    assert get(srv, f"/v1/invoices/{done['invoice']}")["total_taxes"] == []


def test_without_tax_nothing_changes(srv, client, monthly, customer):
    session = client.v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "customer": customer.id,
            "line_items": [{"price": monthly.id, "quantity": 1}],
            "success_url": "https://news.test/ok",
        }
    )
    assert "Billing address" not in request("GET", session.url).text
    pay(session.url)
    done = get(srv, f"/v1/checkout/sessions/{session.id}")
    assert done["automatic_tax"]["enabled"] is False
    invoice = get(srv, f"/v1/invoices/{done['invoice']}")
    assert (invoice["total"], invoice["total_taxes"]) == (900, [])


def test_tax_for_a_customer_without_an_address_needs_customer_update(client, monthly, customer):
    with pytest.raises(stripe.InvalidRequestError) as error:
        taxed_checkout(client, monthly, customer, customer_update={"address": "never"})
    assert "requires a valid address on the Customer" in str(error.value)


def test_customer_update_without_a_customer_is_refused(client, monthly):
    with pytest.raises(stripe.InvalidRequestError) as error:
        client.v1.checkout.sessions.create(
            params={
                "mode": "subscription",
                "line_items": [{"price": monthly.id, "quantity": 1}],
                "success_url": "https://news.test/ok",
                "customer_update": {"address": "auto"},
            }
        )
    assert "customer_update can only be used with customer" in str(error.value)


@pytest.mark.parametrize(
    ("missing", "says"),
    [
        ({"address_country": ""}, "Choose your country."),
        ({"address_postal_code": ""}, "Enter your billing address"),
    ],
)
def test_the_hosted_page_refuses_a_missing_address_and_charges_nothing(
    srv, client, monthly, customer, missing, says
):
    session = taxed_checkout(client, monthly, customer)
    response = pay(session.url, **dict(GB, **missing))
    assert response.status == 400
    assert says in response.text
    assert get(srv, f"/v1/checkout/sessions/{session.id}")["status"] == "open"


def test_a_tax_rate_has_the_keys_of_stripes_fixture(srv, client, monthly, customer):
    session = taxed_checkout(client, monthly, customer)
    pay(session.url, **GB)
    (rate,) = get(srv, "/v1/tax_rates")["data"]
    keys = json.loads((REPO / "tests/data/stripe_fixture_keys.json").read_text())["tax_rate"]
    assert set(rate) == set(keys)
