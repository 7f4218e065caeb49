"""Stripe Tax behind a setting (STRIPE_AUTOMATIC_TAX, off by default): Checkout asks for the
billing address and adds the tax due there; the account page shows the last payment and the
tax in it; pricing says prices exclude tax."""

from html import unescape
from urllib.parse import urlsplit

import pytest
from django.test import Client

from devtools.stripe_standin.testing import pay
from subscriptions.models import Subscription
from tests.stripe_helpers import deliver, make_plan

pytestmark = pytest.mark.django_db

GB = {
    "address_country": "GB",
    "address_line1": "1 Harbour Street",
    "address_city": "Port Ellery",
    "address_postal_code": "PE1 1AA",
}
TAX_NOTE = "Prices exclude tax. Where tax is due, such as VAT, Stripe adds it at checkout"


@pytest.fixture
def plan(stripe_standin):
    return make_plan(name="Digital", monthly=900, yearly=9000)


@pytest.fixture
def tax_on(settings):
    settings.STRIPE_AUTOMATIC_TAX = True


def text(response):
    assert response.status_code == 200
    return unescape(response.content.decode())


def start(client, plan):
    response = client.post("/subscribe/checkout/", {"plan": plan.pk, "interval": "month"})
    assert response.status_code == 303
    return response["Location"]


def session_of(standin, url):
    session_id = urlsplit(url).path.rsplit("/", 1)[-1]
    return standin.store.data["checkout_sessions"][session_id], standin.store.sub_state[session_id]


def events(standin, kind):
    return [e for e in standin.store.data["events"].values() if e["type"] == kind]


def subscribe_in_britain(client, reader, plan, standin):
    client.force_login(reader)
    url = start(client, plan)
    paid = pay(url, email=reader.email, **GB)
    assert paid.status == 303, paid.text
    back = urlsplit(paid.header("Location"))
    client.get(f"{back.path}?{back.query}")
    return session_of(standin, url)[0]


def test_with_the_setting_off_checkout_asks_for_no_address_and_adds_no_tax(
    client, reader, plan, stripe_standin
):
    assert "Prices exclude tax" not in text(client.get("/pricing/"))
    client.force_login(reader)
    session, state = session_of(stripe_standin, start(client, plan))
    assert session["automatic_tax"]["enabled"] is False
    assert session["billing_address_collection"] is None
    assert state["tax"] == {"enabled": False, "collect_address": False, "save_address": False}


def test_with_the_setting_on_checkout_collects_the_address_and_adds_vat(
    client, reader, plan, stripe_standin, tax_on
):
    assert TAX_NOTE in text(client.get("/pricing/"))
    session = subscribe_in_britain(client, reader, plan, stripe_standin)
    assert session["automatic_tax"]["enabled"] is True
    assert session["billing_address_collection"] == "required"
    assert session["total_details"]["amount_tax"] == 180
    assert session["amount_total"] == 1080
    customer = stripe_standin.store.data["customers"][session["customer"]]
    assert customer["address"]["country"] == "GB"  # kept for the renewals' tax


def test_the_account_page_shows_the_last_payment_and_its_tax(
    client, reader, plan, stripe_standin, tax_on
):
    subscribe_in_britain(client, reader, plan, stripe_standin)
    (paid,) = events(stripe_standin, "invoice.paid")
    assert deliver(Client(), paid).status_code == 200
    stored = Subscription.objects.get(user=reader)
    assert (stored.last_payment_amount, stored.last_payment_tax) == (1080, 180)
    account = text(client.get("/account/"))
    assert "Last payment" in account
    assert "$10.80 on" in account
    assert "including $1.80 tax" in account

    # A month on, the renewal is taxed from the saved address; a late copy of the first
    # invoice's event changes nothing.
    stripe_standin.advance(days=31)
    renewal = events(stripe_standin, "invoice.paid")[-1]
    assert renewal["data"]["object"]["billing_reason"] == "subscription_cycle"
    assert deliver(Client(), renewal).status_code == 200
    late = dict(paid, id=paid["id"] + "late")
    assert deliver(Client(), late).status_code == 200
    stored.refresh_from_db()
    assert (
        stored.last_payment_at.timestamp()
        == (renewal["data"]["object"]["status_transitions"]["paid_at"])
    )
    assert "including $1.80 tax" in text(client.get("/account/"))


def test_without_tax_the_account_page_shows_the_payment_alone(client, reader, plan, stripe_standin):
    client.force_login(reader)
    paid = pay(start(client, plan), email=reader.email)
    back = urlsplit(paid.header("Location"))
    client.get(f"{back.path}?{back.query}")
    (event,) = events(stripe_standin, "invoice.paid")
    deliver(Client(), event)
    account = text(client.get("/account/"))
    assert "$9.00 on" in account
    assert " tax" not in account.split("Last payment", 1)[1].split("</dd>", 1)[0]


@pytest.mark.parametrize(
    "taxes",
    [[{"amount": "lots"}], [{"amount": -5}], "everything", [None]],
)
def test_malformed_taxes_in_a_signed_event_are_ignored_without_an_error(
    client, reader, plan, stripe_standin, tax_on, taxes
):
    subscribe_in_britain(client, reader, plan, stripe_standin)
    (paid,) = events(stripe_standin, "invoice.paid")
    forged = {**paid, "id": paid["id"] + "bad"}
    forged["data"] = {"object": {**paid["data"]["object"], "total_taxes": taxes}}
    assert deliver(Client(), forged).status_code == 200
    stored = Subscription.objects.get(user=reader)
    assert stored.last_payment_amount is None
    assert "Last payment" not in text(client.get("/account/"))
