"""Pricing, checkout, the success page, billing and the webhook under forged or malformed input.

Complements test_checkout_flow.py, test_checkout_success_tampering.py and
test_webhooks_security.py: the values here are the ones those files do not send.
"""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.test import Client

from devtools.stripe_standin.testing import pay
from subscriptions.models import Customer, StripeEvent, Subscription
from subscriptions.stripe_client import as_dict, get_client
from subscriptions.views import CHOICE_SALT
from tests.bad_input_helpers import HOSTILE_NEXTS, database_state
from tests.stripe_helpers import deliver, event, make_plan, post_event, subscribe_at_stripe

pytestmark = pytest.mark.django_db

NOWHERE = "http://127.0.0.1:9"  # nothing listens on the discard port: any Stripe call fails


@pytest.fixture
def plan(stripe_standin):
    return make_plan()


# ---------------------------------------------------------------- pricing and checkout


@pytest.mark.parametrize("hostile", HOSTILE_NEXTS)
def test_the_pricing_page_drops_every_off_site_next(client, plan, hostile):
    page = client.get("/pricing/", {"next": hostile}).content.decode()
    hidden = re.findall(r'name="next" value="([^"]*)"', page)
    assert hidden and set(hidden) == {""}
    assert 'href="javascript' not in page


CONTROL_NEXTS = ["/story/\x00", "/story/\r\nLocation: //evil.example", "/story/\x1b[2J"]


@pytest.mark.parametrize("junk", CONTROL_NEXTS)
def test_a_next_with_control_characters_is_dropped_on_pricing_and_checkout(
    client, plan, reader, stripe_standin, junk
):
    # Carried as it came, it went into the page, to Stripe, and back into a Location header.
    page = client.get("/pricing/", {"next": junk}).content.decode()
    assert set(re.findall(r'name="next" value="([^"]*)"', page)) == {""}
    client.force_login(reader)
    response = client.post(
        "/subscribe/checkout/", {"plan": plan.pk, "interval": "month", "next": junk}
    )
    assert response.status_code == 303
    session_id = urlsplit(response["Location"]).path.rsplit("/", 1)[-1]
    session = get_client().v1.checkout.sessions.retrieve(session_id)
    assert session.cancel_url == "http://testserver/subscribe/canceled/?next=%2Fpricing%2F"
    assert session.metadata.to_dict().get("return_to", "") == ""


@pytest.mark.parametrize("hostile", HOSTILE_NEXTS)
def test_an_anonymous_checkout_with_an_off_site_next_carries_no_next_through_sign_up(
    client, plan, hostile
):
    data = {"plan": plan.pk, "interval": "month", "next": hostile}
    response = client.post("/subscribe/checkout/", data)
    assert response.status_code == 303
    location = response["Location"]
    assert location.startswith("/accounts/signup/?next=")
    resume = parse_qs(urlsplit(location).query)["next"][0]
    assert resume.startswith("/subscribe/continue/?choice=")
    choice = parse_qs(urlsplit(resume).query)["choice"][0]
    assert signing.loads(choice, salt=CHOICE_SALT)["next"] == ""


@pytest.mark.parametrize("hostile", HOSTILE_NEXTS)
def test_an_off_site_next_never_reaches_stripe_as_cancel_or_return_address(
    client, plan, reader, stripe_standin, hostile
):
    client.force_login(reader)
    response = client.post(
        "/subscribe/checkout/", {"plan": plan.pk, "interval": "month", "next": hostile}
    )
    assert response.status_code == 303
    session_id = urlsplit(response["Location"]).path.rsplit("/", 1)[-1]
    session = get_client().v1.checkout.sessions.retrieve(session_id)
    assert session.cancel_url == "http://testserver/subscribe/canceled/?next=%2Fpricing%2F"
    assert session.metadata.to_dict().get("return_to", "") == ""
    paid = pay(response["Location"], email=reader.email)
    returned = urlsplit(paid.header("Location"))
    back = client.get(f"{returned.path}?{returned.query}")
    assert back.status_code == 302
    assert back["Location"] == "/account/"


@pytest.mark.parametrize(
    "data",
    [
        {"plan": "abc"},
        {"plan": "-1"},
        {"plan": "1.0"},
        {"plan": " 1"},
        {"plan": "²"},  # str.isdigit() says yes; int() says no
        {"plan": "١"},  # an Arabic-Indic one: a digit to Python, not an id
        {"plan": "9" * 30},
        {"plan": "1" * 5000},  # past int()'s 4300-digit limit
        {"plan": "1\x00"},
        {"plan": ""},
        {"plan": ["1", "x"], "interval": ["month", "year\x00"]},
        {"interval": "month\x00"},
        {"interval": "MONTH"},
        {"interval": ["week"]},
    ],
)
def test_a_malformed_plan_choice_is_a_400_that_asks_nothing_of_stripe(
    client, plan, reader, settings, data
):
    settings.STRIPE_API_BASE = NOWHERE
    client.force_login(reader)
    data = {"plan": str(plan.pk), "interval": "month", **data}
    before = database_state()
    response = client.post("/subscribe/checkout/", data)
    assert response.status_code == 400
    assert "Please choose a plan" in response.content.decode()
    assert database_state() == before


@pytest.mark.parametrize("attempt", ["", "\x00" * 10, "../../" * 20, "a" * 5000, "ü" * 10])
def test_a_malformed_attempt_key_still_starts_one_ordinary_checkout(
    client, plan, reader, stripe_standin, attempt
):
    client.force_login(reader)
    data = {"plan": plan.pk, "interval": "month", "attempt": attempt}
    response = client.post("/subscribe/checkout/", data)
    assert response.status_code == 303
    assert len(stripe_standin.store.data["checkout_sessions"]) == 1


@pytest.mark.parametrize(
    ("url", "method"),
    [
        ("/subscribe/checkout/", "put"),
        ("/subscribe/checkout/", "delete"),
        ("/account/billing/", "put"),
        ("/account/billing/", "delete"),
        ("/subscribe/continue/", "post"),
        ("/subscribe/continue/", "put"),
    ],
)
def test_checkout_and_billing_refuse_other_methods(client, reader, url, method):
    client.force_login(reader)
    assert getattr(client, method)(url).status_code == 405


def test_checkout_without_a_csrf_token_is_refused_and_starts_nothing(plan, reader, settings):
    settings.STRIPE_API_BASE = NOWHERE
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reader)
    before = database_state()
    response = strict.post("/subscribe/checkout/", {"plan": plan.pk, "interval": "month"})
    assert response.status_code == 403
    assert database_state() == before


def test_an_oversized_checkout_form_is_a_bad_request(client, plan, reader, settings):
    settings.STRIPE_API_BASE = NOWHERE
    client.force_login(reader)
    body = f"plan={plan.pk}&interval=month&next=/" + "x" * 3_000_000
    before = database_state()
    response = client.post(
        "/subscribe/checkout/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert database_state() == before


def test_an_anonymous_billing_request_goes_to_sign_in_and_opens_nothing(client, settings):
    settings.STRIPE_API_BASE = NOWHERE
    response = client.post("/account/billing/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "choice=",
        "choice=garbage",
        "choice=%00",
        "choice=" + "a" * 100_000,
        "choice=a:b:c&choice=d",
        "choice=eyJwbGFuIjoxfQ:1abc:forged",
    ],
)
def test_a_tampered_plan_choice_after_sign_up_goes_back_to_pricing(client, reader, settings, query):
    settings.STRIPE_API_BASE = NOWHERE
    client.force_login(reader)
    before = database_state()
    response = client.get("/subscribe/continue/", QUERY_STRING=query)
    assert response.status_code == 303
    assert response["Location"] == "/pricing/"
    assert database_state() == before


@pytest.mark.parametrize(
    "choice",
    [
        {"plan": "²", "interval": "month", "attempt": "a" * 32},
        {"plan": "1" * 5000, "interval": "month", "attempt": "a" * 32},
        {"plan": None, "interval": "month", "attempt": "a" * 32},
        {"plan": 1, "interval": ["month"], "attempt": "a" * 32},
        {"plan": 1, "interval": "month", "attempt": "\x00"},
        {"plan": 1, "interval": "month"},
        ["not", "a", "dict"],
        "just a string",
    ],
)
def test_a_signed_but_odd_plan_choice_goes_back_to_pricing(client, reader, settings, choice):
    # Only `checkout` signs choices; this is what a leaked secret or an old format would bring.
    settings.STRIPE_API_BASE = NOWHERE
    client.force_login(reader)
    token = signing.dumps(choice, salt=CHOICE_SALT)
    response = client.get("/subscribe/continue/", {"choice": token})
    assert response.status_code == 303
    assert response["Location"] == "/pricing/"


def test_resuming_a_plan_choice_needs_a_signed_in_reader(client, settings):
    settings.STRIPE_API_BASE = NOWHERE
    response = client.get("/subscribe/continue/?choice=x")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# ---------------------------------------------------------------- the success page


@pytest.mark.parametrize(
    "query",
    [
        "session_id=cs_%01",
        "session_id=cs_test%0d%0a",
        "session_id=cs_" + "a" * 251,
        "session_id=cs_test_%C3%BC",
        "session_id=CS_test_abc",
        "session_id=cs_test_abc/../../v1/customers",
        "session_id=cs_test_a%2Fb",
        "session_id=%20cs_test_abc",
        "session_id=cs_test_abc%20",
        "session_id[]=cs_test_abc",
        "session_id=sub_1&session_id=cs_%00",
        "session_id=" + "%00" * 300,
    ],
)
def test_a_tampered_session_id_is_not_found_without_asking_stripe(client, reader, settings, query):
    settings.STRIPE_API_BASE = NOWHERE
    client.force_login(reader)
    before = database_state()
    response = client.get("/subscribe/success/", QUERY_STRING=query)
    assert response.status_code == 404
    assert database_state() == before


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_success_page_is_get_only(client, reader, method):
    client.force_login(reader)
    assert getattr(client, method)("/subscribe/success/?session_id=cs_x").status_code == 405


# ---------------------------------------------------------------- the webhook


@pytest.fixture
def live_subscription(stripe_standin, reader):
    return subscribe_at_stripe(reader, make_plan())


def nothing_stored():
    return not Subscription.objects.exists() and not StripeEvent.objects.exists()


@pytest.mark.parametrize(
    "make",
    [
        lambda sub: event("customer.subscription.updated", sub, event_id="evt_\x00"),
        lambda sub: event("customer.subscription.updated", sub, event_id="evt_\x01\x1f"),
        lambda sub: event("customer.subscription.updated", sub, event_id="e" * 256),
        lambda sub: event("customer.subscription.updated", {**sub, "id": "sub_\x00"}),
        lambda sub: event("customer.subscription.updated", {**sub, "id": "sub_\n1"}),
        lambda sub: event("customer.subscription.updated", {**sub, "id": "s" * 256}),
        lambda sub: event("customer.subscription.deleted", {"id": "sub_\x00x"}),
        lambda sub: event("checkout.session.completed", {"id": "cs_\x00"}),
        lambda sub: event(
            "invoice.paid", {"parent": {"subscription_details": {"subscription": "sub_\x00"}}}
        ),
        lambda sub: event(
            "invoice.payment_failed",
            {
                "id": "in_\x00",
                "customer": sub["customer"],
                "parent": {"subscription_details": {"subscription": sub["id"]}},
            },
        ),
        lambda sub: event(
            "invoice.payment_failed",
            {
                "id": "in_1",
                "customer": "cus_\x00",
                "parent": {"subscription_details": {"subscription": sub["id"]}},
            },
        ),
        lambda sub: {**event("customer.subscription.updated", sub), "type": "customer.\x00"},
        lambda sub: {**event("customer.subscription.updated", sub), "type": "t" * 101},
    ],
    ids=[
        "nul-in-event-id",
        "control-characters-in-event-id",
        "overlong-event-id",
        "nul-in-subscription-id",
        "newline-in-subscription-id",
        "overlong-subscription-id",
        "nul-in-deleted-subscription-id",
        "nul-in-checkout-session-id",
        "nul-in-invoice-subscription",
        "nul-in-invoice-id",
        "nul-in-invoice-customer",
        "nul-in-event-type",
        "overlong-event-type",
    ],
)
def test_a_signed_event_with_control_characters_or_overlong_ids_is_refused(
    client, live_subscription, make
):
    # A NUL in an id reached PostgreSQL and was a 500, which Stripe retries for days.
    before = database_state()
    response = post_event(client, make(live_subscription))
    assert response.status_code == 400
    assert response.json() == {"error": "Malformed event."}
    assert database_state() == before


@pytest.mark.parametrize("length", ["²", "١٢", "-1", "1e3", " 12", "1" * 5000, "", "abc"])
def test_a_webhook_with_a_malformed_content_length_is_refused(client, stripe_standin, length):
    payload = json.dumps(event("customer.updated", {"id": "cus_1"}))
    response = client.post(
        "/stripe/webhook/",
        data=payload,
        content_type="application/json",
        headers={"Stripe-Signature": "t=1,v1=00"},
        CONTENT_LENGTH=length,
    )
    assert response.status_code in (400, 413)
    assert nothing_stored()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "application/json"),
        (b"id=evt_1&type=invoice.paid", "application/x-www-form-urlencoded"),
        (b"\x00" * 64, "application/octet-stream"),
        (b'\xef\xbb\xbf{"id": "evt_1"}', "application/json"),
    ],
)
def test_an_unsigned_body_of_any_shape_is_refused(client, stripe_standin, body, content_type):
    response = client.post(
        "/stripe/webhook/",
        data=body,
        content_type=content_type,
        headers={"Stripe-Signature": "t=1,v1=00"},
    )
    assert response.status_code == 400
    assert nothing_stored()


def test_a_correctly_signed_event_with_odd_but_printable_ids_is_still_handled(
    client, live_subscription
):
    # The guard refuses control characters only; Stripe's own ids go through as before.
    response = deliver(
        client, event("customer.subscription.created", live_subscription, event_id="evt_1Ab_9")
    )
    assert response.status_code == 200
    assert Subscription.objects.get().stripe_id == live_subscription["id"]
    assert not Customer.objects.exclude(user__email="reader@example.com").exists()


@pytest.mark.parametrize("user_id", ["²", "١", "9" * 30])
def test_a_subscription_naming_its_reader_by_an_odd_number_is_stored_for_nobody(
    client, stripe_standin, reader, user_id
):
    # Our checkout writes user_id into the metadata, but the Dashboard can edit it:
    # int("²") was a 500, which Stripe retries for days.
    plan = make_plan()
    customer = stripe_standin.store.create_customer({"email": "unlinked@example.com"})
    sub = get_client().v1.subscriptions.create(
        params={
            "customer": customer["id"],
            "items": [{"price": plan.monthly_price_id}],
            "metadata": {"user_id": user_id},
        }
    )
    response = deliver(client, event("customer.subscription.created", as_dict(sub)))
    assert response.status_code == 200
    assert StripeEvent.objects.get().status == "processed"
    assert not Subscription.objects.exists()
    assert not Customer.objects.exists()
