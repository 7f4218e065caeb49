"""Objects returned by the Stripe stand-in have the same top-level keys as Stripe's own
published example objects (``fixtures.json``), so code written against the stand-in reads
the fields the real API returns."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from devtools.stripe_standin.common import API_VERSION
from devtools.stripe_standin.server import StandinServer
from devtools.stripe_standin.testing import (
    TEST_KEY,
    make_client,
    monthly_checkout,
    one_time_checkout,
    pay,
    request,
)

REPO = Path(__file__).resolve().parents[2]


DERIVED_KEYS = REPO / "tests" / "data" / "stripe_fixture_keys.json"


def _key_sets(resources: dict) -> dict[str, list[str]]:
    """The top-level keys of each object type we serve, and of a list object."""
    derived = json.loads(DERIVED_KEYS.read_text())
    keys = {name: sorted(resources[name]) for name in derived if name != "list"}
    keys["list"] = sorted(resources["subscription"]["items"])
    return keys


@pytest.fixture(scope="module")
def fixture_keys() -> dict[str, set[str]]:
    """Key sets from Stripe's published examples (fixtures.json, beside the repo in CI).

    The repository keeps only the key names derived from it, for machines without that file;
    where the file is present, the derived names must still match it.
    """
    derived = json.loads(DERIVED_KEYS.read_text())
    path = Path(os.environ.get("STRIPE_FIXTURES") or REPO.parent / "shared/stripe/fixtures.json")
    if path.is_file():
        current = _key_sets(json.loads(path.read_text())["resources"])
        assert current == derived, (
            f"{DERIVED_KEYS.name} is out of date with {path}; regenerate it from the fixtures."
        )
    return {name: set(keys) for name, keys in derived.items()}


@pytest.fixture(scope="module")
def objects() -> dict:
    """One raw JSON object of every type the stand-in serves, fetched over HTTP."""
    with StandinServer(port=0) as srv:
        client = make_client(srv.url)

        def get(path: str) -> dict:
            resp = request("GET", srv.url + path, api_key=TEST_KEY)
            assert resp.status == 200, resp.text
            return resp.json()

        price, session = monthly_checkout(client)
        open_session = get(f"/v1/checkout/sessions/{session.id}")
        pay(session.url)
        done = get(f"/v1/checkout/sessions/{session.id}")
        subscription = get(f"/v1/subscriptions/{done['subscription']}")
        invoice = get(f"/v1/invoices/{done['invoice']}")
        portal = request(
            "POST",
            f"{srv.url}/v1/billing_portal/sessions",
            form={"customer": done["customer"], "return_url": "https://news.test/account"},
            api_key=TEST_KEY,
        ).json()
        invoice_payment = get(f"/v1/invoice_payments?invoice={invoice['id']}")["data"][0]
        intent = get(f"/v1/payment_intents/{invoice_payment['payment']['payment_intent']}")
        refund = request(
            "POST", f"{srv.url}/v1/refunds", form={"payment_intent": intent["id"]}, api_key=TEST_KEY
        ).json()
        throwaway = client.v1.customers.create(params={"email": "gone@example.com"})
        deleted = request("DELETE", f"{srv.url}/v1/customers/{throwaway.id}", api_key=TEST_KEY)
        one_time = one_time_checkout(client, customer_email="buyer@example.com")
        pay(one_time.url)
        paid_once = get(f"/v1/checkout/sessions/{one_time.id}")
        events = get("/v1/events?limit=3")
        return {
            "customer": get(f"/v1/customers/{done['customer']}"),
            "deleted_customer": deleted.json(),
            "product": get(f"/v1/products/{price.product}"),
            "price": get(f"/v1/prices/{price.id}"),
            "checkout.session": done,
            "open checkout.session": open_session,
            "item": get(f"/v1/checkout/sessions/{session.id}/line_items")["data"][0],
            "subscription": subscription,
            "subscription_item": subscription["items"]["data"][0],
            "invoice": invoice,
            "line_item": invoice["lines"]["data"][0],
            "invoice_payment": invoice_payment,
            "payment_intent": intent,
            "payment checkout.session": paid_once,
            "one-time payment_intent": get(f"/v1/payment_intents/{paid_once['payment_intent']}"),
            "charge": get(f"/v1/charges/{intent['latest_charge']}"),
            "refund": refund,
            "billing_portal.session": portal,
            "event": get(f"/v1/events/{events['data'][0]['id']}"),
            "list": events,
        }


@pytest.mark.parametrize(
    ("name", "fixture_type"),
    [
        ("customer", "customer"),
        ("deleted_customer", "deleted_customer"),
        ("product", "product"),
        ("price", "price"),
        ("checkout.session", "checkout.session"),
        ("open checkout.session", "checkout.session"),
        ("item", "item"),
        ("subscription", "subscription"),
        ("subscription_item", "subscription_item"),
        ("invoice", "invoice"),
        ("line_item", "line_item"),
        ("invoice_payment", "invoice_payment"),
        ("payment_intent", "payment_intent"),
        ("payment checkout.session", "checkout.session"),
        ("one-time payment_intent", "payment_intent"),
        ("charge", "charge"),
        ("refund", "refund"),
        ("billing_portal.session", "billing_portal.session"),
        ("event", "event"),
    ],
)
def test_each_object_has_exactly_the_fixture_keys(fixture_keys, objects, name, fixture_type):
    ours, theirs = set(objects[name]), fixture_keys[fixture_type]
    assert ours == theirs, (
        f"{name}: missing {sorted(theirs - ours)}, unexpected {sorted(ours - theirs)}"
    )


def test_objects_declare_their_stripe_object_type(objects):
    for name in ("customer", "product", "price", "subscription", "invoice", "event"):
        assert objects[name]["object"] == name
    assert objects["checkout.session"]["object"] == "checkout.session"
    assert objects["billing_portal.session"]["object"] == "billing_portal.session"
    assert objects["subscription_item"]["object"] == "subscription_item"


def test_list_objects_have_stripe_list_keys(objects, fixture_keys):
    assert set(objects["list"]) == fixture_keys["list"]
    assert objects["list"]["object"] == "list"
    assert objects["list"]["url"] == "/v1/events"
    assert objects["list"]["has_more"] is True


def test_periods_live_on_items_and_the_invoice_points_at_its_subscription_via_parent(objects):
    sub = objects["subscription"]
    assert "current_period_end" not in sub
    item = sub["items"]["data"][0]
    assert item["current_period_end"] > item["current_period_start"] > 0
    assert item["subscription"] == sub["id"]
    assert set(item["price"]) == set(objects["price"])
    parent = objects["invoice"]["parent"]
    assert parent["type"] == "subscription_details"
    assert parent["subscription_details"]["subscription"] == sub["id"]
    line = objects["line_item"]
    assert line["parent"]["subscription_item_details"]["subscription_item"] == item["id"]


def test_events_carry_the_pinned_api_version_and_a_full_object(objects):
    event = objects["event"]
    assert event["api_version"] == API_VERSION
    assert event["livemode"] is False
    assert event["data"]["object"]["object"] in {
        "checkout.session",
        "invoice",
        "subscription",
        "customer",
    }
    assert set(event["request"]) == {"id", "idempotency_key"}
