"""Two stored events for one subscription processed at once by two workers, Stripe answering
the first re-fetch late: the newer state is what stays, and no transaction is open while Stripe
answers."""

import threading

import pytest
from django.db import connection
from django.test import Client

from subscriptions.models import StripeEvent, Subscription
from subscriptions.services import sync_subscription
from subscriptions.stripe_client import as_dict, get_client
from tests.stripe_helpers import deliver, event, make_plan, post_event, subscribe_at_stripe
from tests.task_helpers import run_queued_tasks

# Real commits: each webhook runs in its own thread, on its own database connection.
pytestmark = pytest.mark.django_db(transaction=True)


def deliver_in_thread(evt, results, name):
    """Stripe posts the event; a worker of its own (a thread here) processes it."""
    results[name] = post_event(Client(), evt).status_code

    def run():
        try:
            run_queued_tasks()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_late_answer_to_an_older_webhook_does_not_overwrite_the_cancellation(
    stripe_standin, reader
):
    plan = make_plan()
    sub = subscribe_at_stripe(reader, plan)
    sync_subscription(stripe_subscription_id=sub["id"])
    results = {}

    # The first webhook re-fetches the subscription; Stripe answers "active", but late.
    hold = stripe_standin.hold_answer("GET", f"/v1/subscriptions/{sub['id']}")
    first = deliver_in_thread(event("customer.subscription.updated", sub), results, "updated")
    assert hold.reached.wait(10)

    # Meanwhile the reader cancels, and Stripe's next webhook says so.
    canceled = as_dict(get_client().v1.subscriptions.cancel(sub["id"]))
    second = deliver_in_thread(event("customer.subscription.deleted", canceled), results, "deleted")
    # The database is not held by the waiting webhook: other writes go through meanwhile.
    assert Subscription.objects.filter(stripe_id=sub["id"]).update(cancel_at_period_end=False)
    second.join(0.5)  # give the second webhook time to overtake, as it did before

    hold.release()
    first.join(10)
    second.join(10)

    assert results == {"updated": 200, "deleted": 200}
    assert StripeEvent.objects.processed().count() == StripeEvent.objects.count() == 2
    stored = Subscription.objects.get(stripe_id=sub["id"])
    assert stored.status == "canceled"
    assert stored.ended_at is not None
    assert not stored.grants_access


def test_an_ended_subscription_is_not_revived_by_a_stale_answer(stripe_standin, reader):
    from subscriptions.services import apply_subscription

    plan = make_plan()
    sub = subscribe_at_stripe(reader, plan)
    stale = dict(sub)
    canceled = as_dict(get_client().v1.subscriptions.cancel(sub["id"]))
    apply_subscription(data=canceled)

    stored = apply_subscription(data=stale)

    assert stored.status == "canceled"
    assert Subscription.objects.get(stripe_id=sub["id"]).status == "canceled"


def test_reconciling_does_not_store_its_older_listing_over_a_newer_webhook(stripe_standin, reader):
    from io import StringIO

    from django.core.management import call_command

    plan = make_plan()
    sub = subscribe_at_stripe(reader, plan)
    sync_subscription(stripe_subscription_id=sub["id"])

    # Reconciliation lists every subscription; Stripe's answer (renewing) arrives late.
    hold = stripe_standin.hold_answer("GET", "/v1/subscriptions")

    def reconcile():
        try:
            call_command("stripe_reconcile", stdout=StringIO())
        finally:
            connection.close()

    thread = threading.Thread(target=reconcile)
    thread.start()
    assert hold.reached.wait(10)
    # Meanwhile the reader asks to stop at the period end, and the webhook stores it.
    updated = get_client().v1.subscriptions.update(sub["id"], params={"cancel_at_period_end": True})
    response = deliver(Client(), event("customer.subscription.updated", as_dict(updated)))
    assert response.status_code == 200
    hold.release()
    thread.join(20)

    stored = Subscription.objects.get(stripe_id=sub["id"])
    assert stored.status == "active"
    assert stored.cancel_at_period_end is True
