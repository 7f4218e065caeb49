"""Two tabs, two subscriptions: a reader who subscribes cannot start a second subscription
checkout; if two open checkouts are both paid anyway, the newer subscription is cancelled at
once, its first payment refunded, and the reader told."""

import json
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command

from devtools.stripe_standin.testing import pay
from subscriptions.models import DuplicateSubscription, Subscription
from tests.stripe_helpers import (
    make_plan,
    post_event,
    store_subscription,
    subscribe_at_stripe,
)
from tests.task_helpers import run_queued_tasks
from tests.users import verified_user

pytestmark = pytest.mark.django_db

REFUSAL_QUERIES = 8


@pytest.fixture
def plan(stripe_standin):
    return make_plan(name="Digital")


def start(client, plan, *, attempt, next_url="/news/a/"):
    data = {"plan": plan.pk, "interval": "month", "next": next_url, "attempt": attempt}
    return client.post("/subscribe/checkout/", data)


def success_url(paid):
    back = urlsplit(paid.header("Location"))
    assert back.path == "/subscribe/success/"
    return f"{back.path}?{back.query}"


def charges_of(standin, subscription_id):
    """The stand-in's charges for a subscription's invoices: amount paid and refunded."""
    store = standin.store.data
    invoices = {
        i["id"]
        for i in store["invoices"].values()
        if i["parent"]["subscription_details"]["subscription"] == subscription_id
    }
    intents = {
        p["payment"]["payment_intent"]
        for p in store["invoice_payments"].values()
        if p["invoice"] in invoices
    }
    return [
        (c["amount_captured"], c["amount_refunded"])
        for c in store["charges"].values()
        if c["payment_intent"] in intents
    ]


def test_a_subscriber_is_refused_a_second_subscription_checkout_with_a_clear_page(
    client, plan, reader, stripe_standin
):
    client.force_login(reader)
    store_subscription(reader, status="active", plan=plan)

    response = start(client, plan, attempt="second-tab-0001")

    html = response.content.decode()
    assert response.status_code == 409
    assert "<h1>You already subscribe</h1>" in html
    assert "You have a subscription to Digital (monthly)" in html
    assert "nothing was charged" in html
    assert '<form method="post" action="/account/billing/">' in html
    assert ">Manage billing</button>" in html
    assert '<a href="/news/a/">Back to what you were reading</a>' in html
    assert not stripe_standin.store.data["checkout_sessions"]


def test_a_subscription_paid_in_another_tab_but_not_yet_heard_of_refuses_checkout_too(
    client, plan, reader, stripe_standin
):
    # Tab one paid; neither its webhook nor its success page has reached us yet.
    client.force_login(reader)
    paid = pay(start(client, plan, attempt="first-tab-0001")["Location"], email=reader.email)
    assert paid.status == 303
    assert not Subscription.objects.exists()

    response = start(client, plan, attempt="second-tab-0001")

    assert response.status_code == 409
    assert "<h1>You already subscribe</h1>" in response.content.decode()
    assert len(stripe_standin.store.data["checkout_sessions"]) == 1
    assert Subscription.objects.get(user=reader).status == "active"


def test_two_checkouts_paid_in_two_tabs_end_with_one_subscription_and_a_refund(
    client, plan, reader, stripe_standin, django_capture_on_commit_callbacks
):
    client.force_login(reader)
    # Both tabs open checkout before either is paid.
    first_tab = start(client, plan, attempt="first-tab-0001")["Location"]
    second_tab = start(client, plan, attempt="second-tab-0001")["Location"]
    first_paid = pay(first_tab, email=reader.email)
    stripe_standin.advance(seconds=60)  # the second tab pays a minute later
    second_paid = pay(second_tab, email=reader.email)
    subs = sorted(stripe_standin.store.data["subscriptions"].values(), key=lambda s: s["created"])
    first, second = subs[0]["id"], subs[-1]["id"]
    assert first != second

    with django_capture_on_commit_callbacks(execute=True):
        returned = client.get(success_url(second_paid), follow=True)

    html = returned.content.decode()
    assert "You already had a subscription, so we cancelled the second one straight away" in html
    assert "refunded its payment of $9.00" in html
    at_stripe = stripe_standin.store.data["subscriptions"]
    assert at_stripe[first]["status"] == "active"
    assert at_stripe[second]["status"] == "canceled"
    assert charges_of(stripe_standin, second) == [(900, 900)]
    assert charges_of(stripe_standin, first) == [(900, 0)]
    assert Subscription.objects.get(stripe_id=first).status == "active"
    assert Subscription.objects.get(stripe_id=second).status == "canceled"
    assert mail.outbox == []  # queued with the change; a worker sends it
    run_queued_tasks()
    [email] = mail.outbox
    assert email.to == [reader.email]
    assert email.subject == "We cancelled your second The Newsroom subscription"
    assert "refunded its payment of $9.00" in email.body

    # The first tab comes back later: nothing more is cancelled, refunded or sent.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.get(success_url(first_paid), follow=True)
    assert "Thank you for subscribing" in again.content.decode()
    assert at_stripe[first]["status"] == "active"
    assert len(stripe_standin.store.data["refunds"]) == 1
    run_queued_tasks()
    assert len(mail.outbox) == 1


def test_the_webhook_ends_the_duplicate_when_the_reader_never_comes_back(
    client, plan, reader, stripe_standin, django_capture_on_commit_callbacks
):
    client.force_login(reader)
    first_tab = start(client, plan, attempt="first-tab-0001")["Location"]
    second_tab = start(client, plan, attempt="second-tab-0001")["Location"]
    pay(first_tab, email=reader.email)
    stripe_standin.advance(seconds=60)
    second_paid = pay(second_tab, email=reader.email)
    completed = [
        e
        for e in stripe_standin.store.data["events"].values()
        if e["type"] == "checkout.session.completed"
    ]
    assert len(completed) == 2

    for evt in completed:
        assert post_event(client, json.loads(json.dumps(evt))).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        run_queued_tasks()  # a worker applies the stored events

    [ended] = DuplicateSubscription.objects.all()
    at_stripe = stripe_standin.store.data["subscriptions"]
    assert at_stripe[ended.stripe_id]["status"] == "canceled"
    assert at_stripe[ended.kept_stripe_id]["status"] == "active"
    assert ended.amount_refunded == 900
    assert charges_of(stripe_standin, ended.stripe_id) == [(900, 900)]
    run_queued_tasks()  # the webhook queued the email; a worker sends it
    subjects = [m.subject for m in mail.outbox]
    assert subjects == ["We cancelled your second The Newsroom subscription"]

    # The reader does come back to the second tab's success page: told, not charged again.
    returned = client.get(success_url(second_paid), follow=True)
    assert "we cancelled the second one straight away" in returned.content.decode()
    assert len(stripe_standin.store.data["refunds"]) == 1


def test_one_time_purchases_are_not_refused_to_a_subscriber(client, plan, subscriber):
    # Only subscription checkouts go through the refusal: the gift and other one-time
    # purchases have their own views. The pricing page offers billing, not a second plan.
    client.force_login(subscriber)
    page = client.get("/pricing/")
    html = page.content.decode()
    assert page.status_code == 200
    assert ">Manage billing</button>" in html
    assert 'action="/subscribe/checkout/"' not in html


def test_reconcile_reports_every_reader_with_more_than_one_live_subscription(
    stripe_standin, plan, reader
):
    once = verified_user("once@example.com")
    twice = [subscribe_at_stripe(reader, plan), subscribe_at_stripe(reader, plan)]
    subscribe_at_stripe(once, plan)
    out = StringIO()

    call_command("stripe_reconcile", stdout=out)

    report = out.getvalue()
    assert "Readers with more than one live subscription: 1" in report
    line = next(line for line in report.splitlines() if reader.email in line and "live" in line)
    assert all(sub["id"] in line for sub in twice)
    assert once.email not in report.split("Readers with more than one live subscription")[1]


@pytest.mark.parametrize("ended_before", [0, 6])
def test_the_refusal_page_query_count_is_constant(
    client, plan, reader, stripe_standin, ended_before, django_assert_num_queries
):
    for _ in range(ended_before):
        store_subscription(reader, status="canceled", plan=plan)
    store_subscription(reader, status="active", plan=plan)
    client.force_login(reader)
    # The same however many ended subscriptions the reader has: Stripe is not asked either.
    with django_assert_num_queries(REFUSAL_QUERIES):
        assert start(client, plan, attempt="second-tab-0001").status_code == 409
    assert not stripe_standin.store.data["checkout_sessions"]
