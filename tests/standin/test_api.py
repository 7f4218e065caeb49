"""The Stripe stand-in's REST API, driven through the real stripe-python over HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import stripe

from devtools.stripe_standin.server import StandinServer
from devtools.stripe_standin.testing import TEST_KEY, make_client, pay, request

REPO = Path(__file__).resolve().parents[2]
DAY = 86400


@pytest.fixture
def monthly(client):
    return client.v1.prices.create(
        params={
            "currency": "usd",
            "unit_amount": 900,
            "recurring": {"interval": "month"},
            "product_data": {"name": "Digital monthly"},
            "lookup_key": "digital_monthly",
            "nickname": "Monthly",
            "metadata": {"tier": "digital"},
        }
    )


def event_types(client, since: int = 0) -> list[str]:
    """Event types oldest first."""
    events = list(client.v1.events.list(params={"limit": 100}).auto_paging_iter())
    return [e.type for e in reversed(events)][since:]


# ---------------------------------------------------------------- auth + errors
def test_requests_without_a_secret_test_key_are_rejected_with_an_authentication_error(srv):
    with pytest.raises(stripe.AuthenticationError) as excinfo:
        make_client(srv.url, api_key="pk_test_publishable").v1.customers.list()
    assert excinfo.value.http_status == 401

    raw = request("GET", f"{srv.url}/v1/customers")
    assert raw.status == 401
    assert raw.json()["error"]["type"] == "invalid_request_error"
    assert "API key" in raw.json()["error"]["message"]
    assert raw.header("Request-Id").startswith("req_")


def test_a_missing_object_is_a_404_in_stripe_error_shape(srv, client):
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.customers.retrieve("cus_doesnotexist")
    assert excinfo.value.http_status == 404
    assert excinfo.value.code == "resource_missing"

    raw = request("GET", f"{srv.url}/v1/subscriptions/sub_nope", api_key=TEST_KEY)
    assert raw.status == 404
    error = raw.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["code"] == "resource_missing"
    assert error["param"] == "id"
    assert error["message"] == "No such subscription: 'sub_nope'"
    assert error["doc_url"].startswith("https://stripe.com/docs/error-codes/")
    assert raw.header("Request-Id").startswith("req_")


@pytest.mark.parametrize(
    ("method", "path", "body", "headers"),
    [
        ("GET", "/v1/nothing/here", None, {}),
        ("PATCH", "/v1/customers", None, {}),
        ("POST", "/v1/customers", b"", {"Content-Length": "nope"}),
        ("POST", "/v1/checkout/sessions", b"mode=subscription&line_items=x", {}),
        ("POST", "/v1/prices", b"currency=usd&unit_amount=abc&product_data[name]=x", {}),
        ("GET", "/v1/customers?limit=100000", None, {}),
        ("GET", "/v1/customers?expand[0]=nonsense", None, {}),
        ("POST", "/_standin/clock/advance", b"days=soon", {}),
        ("GET", "/_standin/nope", None, {}),
    ],
)
def test_bad_input_gets_a_json_error_never_a_traceback(srv, method, path, body, headers):
    raw = request(method, srv.url + path, body=body, headers=headers, api_key=TEST_KEY)
    assert 400 <= raw.status < 500
    assert raw.header("Content-Type") == "application/json"
    assert raw.header("Request-Id")
    error = raw.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["message"]
    assert "Traceback" not in raw.text


@pytest.mark.parametrize("body", [b"metadata[[[=%zz&&=", b"\xff\xfe\x00garbage", b"a[0]=1&a[x]=2"])
def test_odd_form_bodies_are_tolerated_without_a_server_error(srv, body):
    raw = request("POST", f"{srv.url}/v1/customers", body=body, api_key=TEST_KEY)
    assert raw.status == 200
    assert raw.json()["object"] == "customer"


def test_missing_required_parameters_name_the_parameter(client, monthly):
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.checkout.sessions.create(params={"mode": "subscription"})
    assert excinfo.value.param == "line_items"
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.checkout.sessions.create(
            params={"mode": "subscription", "line_items": [{"price": "price_missing"}]}
        )
    assert excinfo.value.param == "line_items[0][price]"


# ---------------------------------------------------------------- idempotency
def test_reusing_an_idempotency_key_replays_the_first_response(srv, client):
    first = client.v1.customers.create(
        params={"email": "once@example.com"}, options={"idempotency_key": "signup-42"}
    )
    again = client.v1.customers.create(
        params={"email": "once@example.com"}, options={"idempotency_key": "signup-42"}
    )
    assert again.id == first.id
    assert len(srv.store.data["customers"]) == 1
    assert again.last_response.headers.get("Idempotent-Replayed") == "true"

    with pytest.raises(stripe.IdempotencyError):
        client.v1.customers.create(
            params={"email": "other@example.com"}, options={"idempotency_key": "signup-42"}
        )


# ---------------------------------------------------------------- customers, catalogue
def test_customers_can_be_created_updated_filtered_by_email_and_deleted(client):
    ada = client.v1.customers.create(
        params={"email": "ada@example.com", "name": "Ada", "metadata": {"user_id": "1"}}
    )
    client.v1.customers.create(params={"email": "bob@example.com"})
    assert ada.metadata["user_id"] == "1"

    updated = client.v1.customers.update(
        ada.id, params={"name": "Ada L.", "metadata": {"plan": "x", "user_id": ""}}
    )
    assert updated.name == "Ada L."
    assert updated.metadata.to_dict() == {"plan": "x"}

    found = client.v1.customers.list(params={"email": "ada@example.com"})
    assert [c.id for c in found.data] == [ada.id]

    deleted = client.v1.customers.delete(ada.id)
    assert deleted.deleted is True
    assert client.v1.customers.retrieve(ada.id).deleted is True
    assert client.v1.customers.list(params={"email": "ada@example.com"}).data == []


def test_prices_are_filtered_by_lookup_key_and_expand_to_their_product(client, monthly):
    client.v1.prices.create(
        params={
            "currency": "usd",
            "unit_amount": 9000,
            "recurring": {"interval": "year"},
            "product": monthly.product,
            "lookup_key": "digital_yearly",
        }
    )
    one_off = client.v1.products.create(params={"name": "Gift"})
    client.v1.prices.create(params={"currency": "usd", "unit_amount": 500, "product": one_off.id})

    listed = client.v1.prices.list(
        params={"lookup_keys": ["digital_monthly"], "expand": ["data.product"]}
    )
    assert [p.id for p in listed.data] == [monthly.id]
    assert listed.data[0].product.name == "Digital monthly"
    assert listed.data[0].recurring.interval == "month"
    assert listed.data[0].metadata["tier"] == "digital"

    recurring = client.v1.prices.list(params={"type": "recurring", "active": True})
    assert len(recurring.data) == 2
    by_product = client.v1.prices.list(params={"product": one_off.id})
    assert [p.type for p in by_product.data] == ["one_time"]
    assert client.v1.products.retrieve(one_off.id).name == "Gift"


def test_auto_paging_iter_walks_every_page_newest_first(client):
    created = [client.v1.customers.create(params={"name": f"n{i}"}).id for i in range(23)]
    first = client.v1.customers.list(params={"limit": 10})
    assert first.has_more is True
    assert len(first.data) == 10
    seen = [c.id for c in first.auto_paging_iter()]
    assert seen == list(reversed(created))


# ---------------------------------------------------------------- checkout + subscriptions
def test_checkout_session_is_created_with_a_hosted_url_and_expands(srv, client, monthly):
    cus = client.v1.customers.create(params={"email": "c@example.com"})
    session = client.v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "customer": cus.id,
            "line_items": [{"price": monthly.id, "quantity": 1}],
            "client_reference_id": "user-7",
            "success_url": "https://news.test/ok?session_id={CHECKOUT_SESSION_ID}",
            "cancel_url": "https://news.test/plans",
            "allow_promotion_codes": True,
            "metadata": {"user_id": "7"},
            "subscription_data": {"metadata": {"user_id": "7"}},
        }
    )
    assert session.url == f"{srv.url}/checkout/{session.id}"
    assert session.status == "open"
    assert session.payment_status == "unpaid"
    assert session.allow_promotion_codes is True
    assert session.amount_total == 900

    got = client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["line_items", "customer"]}
    )
    assert got.customer.email == "c@example.com"
    assert got.line_items.data[0].price.id == monthly.id
    assert got.line_items.data[0].description == "Digital monthly"
    listed = client.v1.checkout.sessions.list(params={"customer": cus.id})
    assert [s.id for s in listed.data] == [session.id]


def test_expiring_a_checkout_session_closes_it_and_its_page(srv, client, monthly):
    session = client.v1.checkout.sessions.create(
        params={"mode": "subscription", "line_items": [{"price": monthly.id}]}
    )
    expired = client.v1.checkout.sessions.expire(session.id)
    assert expired.status == "expired"
    assert expired.url is None
    page = request("GET", session.url)
    assert "expired" in page.text
    assert pay(session.url).status == 200  # nothing to pay any more; still just the notice
    assert srv.store.data["subscriptions"] == {}
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.checkout.sessions.expire(session.id)
    assert "checkout.session.expired" in event_types(client)


def test_subscription_created_directly_is_active_with_periods_on_its_items(client, monthly):
    cus = client.v1.customers.create(params={"email": "seed@example.com"})
    sub = client.v1.subscriptions.create(
        params={"customer": cus.id, "items": [{"price": monthly.id}], "metadata": {"seed": "1"}}
    )
    assert sub.status == "active"
    item = sub["items"].data[0]
    assert item.price.id == monthly.id
    assert item.current_period_end > item.current_period_start
    assert "current_period_end" not in sub.to_dict()

    invoice = client.v1.invoices.retrieve(sub.latest_invoice)
    assert invoice.status == "paid"
    assert invoice.billing_reason == "subscription_create"
    assert invoice.parent.type == "subscription_details"
    assert invoice.parent.subscription_details.subscription == sub.id
    assert invoice.lines.data[0].amount == 900
    listed = client.v1.invoices.list(params={"subscription": sub.id})
    assert [i.id for i in listed.data] == [invoice.id]

    expanded = client.v1.subscriptions.retrieve(
        sub.id, params={"expand": ["latest_invoice", "customer", "items.data.price.product"]}
    )
    assert expanded.latest_invoice.id == invoice.id
    assert expanded.customer.email == "seed@example.com"
    assert expanded["items"].data[0].price.product.name == "Digital monthly"


def test_subscriptions_can_switch_plan_schedule_cancellation_and_be_canceled(client, monthly):
    yearly = client.v1.prices.create(
        params={
            "currency": "usd",
            "unit_amount": 9000,
            "recurring": {"interval": "year"},
            "product": monthly.product,
        }
    )
    cus = client.v1.customers.create(params={"email": "s@example.com"})
    sub = client.v1.subscriptions.create(
        params={"customer": cus.id, "items": [{"price": monthly.id}]}
    )
    item_id = sub["items"].data[0].id

    switched = client.v1.subscriptions.update(
        sub.id, params={"items": [{"id": item_id, "price": yearly.id}], "metadata": {"k": "v"}}
    )
    assert switched["items"].data[0].price.id == yearly.id
    assert switched["items"].data[0].id == item_id
    assert switched.metadata["k"] == "v"

    scheduled = client.v1.subscriptions.update(sub.id, params={"cancel_at_period_end": True})
    assert scheduled.cancel_at_period_end is True
    assert scheduled.cancel_at == scheduled["items"].data[0].current_period_end
    assert scheduled.status == "active"

    by_price = client.v1.subscriptions.list(params={"price": yearly.id})
    assert [s.id for s in by_price.data] == [sub.id]

    canceled = client.v1.subscriptions.cancel(sub.id)
    assert canceled.status == "canceled"
    assert canceled.ended_at is not None
    assert client.v1.subscriptions.list(params={"customer": cus.id}).data == []
    everything = client.v1.subscriptions.list(params={"customer": cus.id, "status": "all"})
    assert [s.id for s in everything.data] == [sub.id]
    assert event_types(client)[-4:] == [
        "invoice.paid",
        "customer.subscription.updated",
        "customer.subscription.updated",
        "customer.subscription.deleted",
    ]


def test_billing_portal_session_points_at_the_hosted_portal(srv, client):
    cus = client.v1.customers.create(params={"email": "p@example.com"})
    portal = client.v1.billing_portal.sessions.create(
        params={"customer": cus.id, "return_url": "https://news.test/account"}
    )
    assert portal.url == f"{srv.url}/portal/{portal.id}"
    assert portal.return_url == "https://news.test/account"
    assert request("GET", portal.url).status == 200


# ---------------------------------------------------------------- clock + lifecycle
def _subscribe(srv, client, price, card="4242424242424242", trial_days=None):
    params = {
        "mode": "subscription",
        "line_items": [{"price": price.id, "quantity": 1}],
        "success_url": "https://news.test/ok",
    }
    if trial_days:
        params["subscription_data"] = {"trial_period_days": trial_days}
    session = client.v1.checkout.sessions.create(params=params)
    assert pay(session.url, card=card).status == 303
    session = client.v1.checkout.sessions.retrieve(session.id)
    return client.v1.subscriptions.retrieve(session.subscription)


def test_advancing_past_the_period_end_renews_with_a_paid_invoice(srv, client, monthly):
    sub = _subscribe(srv, client, monthly)
    before = len(event_types(client))
    old_end = sub["items"].data[0].current_period_end

    srv.advance(days=32)

    renewed = client.v1.subscriptions.retrieve(sub.id)
    assert renewed.status == "active"
    assert renewed["items"].data[0].current_period_start == old_end
    assert renewed["items"].data[0].current_period_end > old_end
    invoice = client.v1.invoices.retrieve(renewed.latest_invoice)
    assert invoice.status == "paid"
    assert invoice.billing_reason == "subscription_cycle"
    assert invoice.amount_paid == 900
    assert event_types(client, before) == ["invoice.paid", "customer.subscription.updated"]


def test_a_failing_card_makes_the_renewal_past_due_then_unpaid(srv, client, monthly):
    sub = _subscribe(srv, client, monthly)
    card = request(
        "POST",
        f"{srv.url}/_standin/customers/{sub.customer}/card",
        form={"number": "4000 0000 0000 0341"},
    )
    assert card.status == 200
    before = len(event_types(client))

    srv.advance(days=31)
    past_due = client.v1.subscriptions.retrieve(sub.id)
    assert past_due.status == "past_due"
    assert client.v1.invoices.retrieve(past_due.latest_invoice).status == "open"
    assert event_types(client, before) == [
        "invoice.payment_failed",
        "customer.subscription.updated",
    ]

    period_end = sub["items"].data[0].current_period_end
    srv.advance(seconds=period_end + 6 * DAY - srv.store.now())
    assert client.v1.subscriptions.retrieve(sub.id).status == "past_due"
    srv.advance(days=1.5)
    assert client.v1.subscriptions.retrieve(sub.id).status == "unpaid"
    assert event_types(client, before)[-1] == "customer.subscription.updated"


def test_cancel_at_period_end_ends_the_subscription_when_the_clock_passes_it(srv, client, monthly):
    sub = _subscribe(srv, client, monthly)
    client.v1.subscriptions.update(sub.id, params={"cancel_at_period_end": True})
    srv.advance(days=10)
    assert client.v1.subscriptions.retrieve(sub.id).status == "active"
    before = len(event_types(client))

    result = request("POST", f"{srv.url}/_standin/clock/advance", form={"days": "25"}).json()

    ended = client.v1.subscriptions.retrieve(sub.id)
    assert ended.status == "canceled"
    assert ended.ended_at == sub["items"].data[0].current_period_end
    assert event_types(client, before) == ["customer.subscription.deleted"]
    assert len(result["events"]) == 1


def test_a_trial_warns_three_days_before_it_ends_then_bills(srv, client, monthly):
    sub = _subscribe(srv, client, monthly, trial_days=14)
    assert sub.status == "trialing"
    assert sub.trial_end == sub.trial_start + 14 * DAY
    before = len(event_types(client))

    srv.advance(days=12)
    assert event_types(client, before) == ["customer.subscription.trial_will_end"]
    srv.advance(days=3)
    active = client.v1.subscriptions.retrieve(sub.id)
    assert active.status == "active"
    assert client.v1.invoices.retrieve(active.latest_invoice).amount_paid == 900
    assert event_types(client, before)[1:] == ["invoice.paid", "customer.subscription.updated"]


def test_declined_cards_cannot_be_attached_for_renewals(srv, client):
    cus = client.v1.customers.create(params={"email": "x@example.com"})
    url = f"{srv.url}/_standin/customers/{cus.id}/card"
    assert request("POST", url, form={"number": "4000000000000002"}).status == 402
    assert request("POST", url, form={"number": "1234"}).status == 402
    assert request("POST", f"{srv.url}/_standin/customers/cus_x/card", form={}).status == 404


# ---------------------------------------------------------------- persistence + process
def test_state_file_keeps_the_subscription_across_restarts(tmp_path):
    state = tmp_path / "standin.json"
    with StandinServer(port=0, state_file=str(state)) as first:
        c1 = make_client(first.url)
        price = c1.v1.prices.create(
            params={
                "currency": "usd",
                "unit_amount": 500,
                "recurring": {"interval": "month"},
                "product_data": {"name": "Demo"},
            }
        )
        sub = _subscribe(first, c1, price)
        first.advance(days=2)
    assert state.exists()

    with StandinServer(port=0, state_file=str(state)) as second:
        c2 = make_client(second.url)
        again = c2.v1.subscriptions.retrieve(sub.id)
        assert again.status == "active"
        assert again["items"].data[0].price.id == price.id
        assert c2.v1.customers.retrieve(sub.customer).email == "reader@example.com"
        assert second.store.clock_offset >= 2 * DAY - 5

        request("POST", f"{second.url}/_standin/reset")
        assert second.store.data["subscriptions"] == {}


def test_the_cli_prints_where_it_listens_and_stops_on_sigterm(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "devtools.stripe_standin", "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("Stripe stand-in listening on http://127.0.0.1:")
        url = line.split()[4].rstrip(",")
        assert request("GET", f"{url}/_standin/health").json()["ok"] is True
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
