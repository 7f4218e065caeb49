"""Events as triggers: whatever order or duplication Stripe delivers in, we end at its state.

The events are the ones the Stripe stand-in really emitted, each carrying the snapshot of its
moment; they are delivered here in every order.
"""

import itertools

import pytest

from subscriptions.models import PaymentFailureNotice, StripeEvent, Subscription
from subscriptions.stripe_client import get_client
from tests.stripe_helpers import deliver, make_plan, post_event, subscribe_at_stripe
from tests.task_helpers import run_queued_tasks

pytestmark = pytest.mark.django_db

WATCHED = {
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "invoice.paid",
    "invoice.payment_failed",
}


def emitted(standin, *, since=0):
    events = list(standin.store.data["events"].values())[since:]
    return [e for e in events if e["type"] in WATCHED]


def deliver_in_every_order(client, events):
    """Yield the stored subscription after each complete delivery order."""
    for order in itertools.permutations(events):
        Subscription.objects.all().delete()
        StripeEvent.objects.all().delete()
        for evt in order:
            assert deliver(client, evt).status_code == 200
        yield [e["type"] for e in order], Subscription.objects.get()


def test_created_updated_deleted_in_any_order_end_canceled(client, stripe_standin, reader):
    plan = make_plan()
    sub = subscribe_at_stripe(reader, plan)
    stripe = get_client()
    stripe.v1.subscriptions.update(sub["id"], params={"cancel_at_period_end": True})
    stripe.v1.subscriptions.cancel(sub["id"])
    events = emitted(stripe_standin)
    assert {e["type"] for e in events} >= {
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
    }
    for order, stored in deliver_in_every_order(client, events):
        assert stored.status == "canceled", order
        assert stored.user == reader
        assert stored.ended_at is not None


def test_a_resumed_cancellation_in_any_order_ends_active_and_renewing(
    client, stripe_standin, reader
):
    plan = make_plan()
    sub = subscribe_at_stripe(reader, plan)
    stripe = get_client()
    stripe.v1.subscriptions.update(sub["id"], params={"cancel_at_period_end": True})
    stripe.v1.subscriptions.update(sub["id"], params={"cancel_at_period_end": False})
    events = emitted(stripe_standin)
    for order, stored in deliver_in_every_order(client, events):
        assert stored.status == "active", order
        assert stored.cancel_at_period_end is False, order


def test_a_failed_renewal_in_any_order_ends_past_due_and_mails_once(
    client, stripe_standin, reader, mailoutbox, django_capture_on_commit_callbacks
):
    plan = make_plan()
    sub = subscribe_at_stripe(reader, plan)
    stripe_standin.store.set_card(sub["customer"], "4000000000000341")
    stripe_standin.advance(days=32)
    events = emitted(stripe_standin)
    types = [e["type"] for e in events]
    assert "invoice.payment_failed" in types and "invoice.paid" in types
    for order, stored in deliver_in_every_order(client, events[:5]):
        assert stored.status == "past_due", order
        assert stored.past_due_since is not None
    # Each full delivery above started from an empty notice table only for subscriptions;
    # the failed invoice was mailed about once, however many times it was delivered.
    assert PaymentFailureNotice.objects.count() == 1


def test_a_switch_of_plan_in_any_order_ends_on_the_new_plan(client, stripe_standin, reader):
    monthly = make_plan(name="Digital")
    premium = make_plan(name="Premium", monthly=1500, yearly=15000)
    sub = subscribe_at_stripe(reader, monthly)
    item = sub["items"]["data"][0]["id"]
    get_client().v1.subscriptions.update(
        sub["id"], params={"items": [{"id": item, "price": premium.yearly_price_id}]}
    )
    events = emitted(stripe_standin)
    for order, stored in deliver_in_every_order(client, events):
        assert stored.plan == premium, order
        assert stored.interval == "year", order
        assert stored.status == "active"


def test_a_late_created_event_after_deletion_cannot_revive_the_subscription(
    client, stripe_standin, reader
):
    plan = make_plan()
    sub = subscribe_at_stripe(reader, plan)
    get_client().v1.subscriptions.cancel(sub["id"])
    deleted, created = [
        next(e for e in emitted(stripe_standin) if e["type"] == t)
        for t in ("customer.subscription.deleted", "customer.subscription.created")
    ]
    assert deliver(client, deleted).status_code == 200
    assert deliver(client, created).status_code == 200
    assert deliver(client, created).status_code == 200
    assert Subscription.objects.get().status == "canceled"


def test_a_trial_ending_soon_is_mailed_once_however_often_stripe_says_so(
    client, stripe_standin, reader, mailoutbox, django_capture_on_commit_callbacks
):
    plan = make_plan()
    subscribe_at_stripe(reader, plan, trial_period_days=7)
    stripe_standin.advance(days=5)
    warning = next(
        e
        for e in stripe_standin.store.data["events"].values()
        if e["type"] == "customer.subscription.trial_will_end"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, warning).status_code == 200
        assert post_event(client, warning).status_code == 200  # Stripe redelivers
    # The webhook only stored the event; a worker applies it and queues the email, which a
    # worker sends.
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        run_queued_tasks()
    run_queued_tasks()
    assert len(mailoutbox) == 1
    # A redelivery after it was processed sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, warning).json()["duplicate"] is True
        run_queued_tasks()
    run_queued_tasks()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [reader.email]
    assert "trial ends soon" in mail.subject
    assert "your card is charged" in mail.body
    assert Subscription.objects.get().status == "trialing"
