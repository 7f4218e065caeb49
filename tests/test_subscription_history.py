"""Every change of a member's paid state is appended to the subscription history, wherever the
subscription was stored from: a webhook, the return from checkout, reconciliation. Deleted
accounts leave their rows, without the link to the reader, so churn stays true."""

import importlib
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.utils import timezone

from subscriptions import services
from subscriptions.models import ComplimentaryAccess, Offer, Subscription, SubscriptionChange
from subscriptions.stripe_client import get_client
from tests.stripe_helpers import (
    deliver,
    event,
    make_plan,
    store_subscription,
    subscribe_at_stripe,
)

pytestmark = pytest.mark.django_db


def history(reference):
    return list(
        SubscriptionChange.objects.filter(reference=reference).values_list(
            "status_before", "status_after"
        )
    )


def test_a_webhook_records_the_new_subscription_once_however_often_it_is_delivered(
    client, stripe_standin, reader
):
    plan = make_plan(monthly=900)
    sub = subscribe_at_stripe(reader, plan)
    evt = event("customer.subscription.created", sub)
    assert deliver(client, evt).status_code == 200
    assert deliver(client, evt).status_code == 200  # Stripe redelivers
    assert deliver(client, event("customer.subscription.updated", sub)).status_code == 200
    [change] = SubscriptionChange.objects.filter(reference=sub["id"])
    assert (change.status_before, change.status_after) == ("", "active")
    assert (change.user, change.plan, change.interval) == (reader, plan, "month")
    assert (change.amount, change.currency) == (900, "usd")


def test_a_cancellation_through_webhooks_appends_the_change_with_before_and_after(
    client, stripe_standin, reader
):
    plan = make_plan()
    sub = subscribe_at_stripe(reader, plan)
    deliver(client, event("customer.subscription.created", sub))
    get_client().v1.subscriptions.cancel(sub["id"])
    assert deliver(client, event("customer.subscription.deleted", sub)).status_code == 200
    assert history(sub["id"]) == [("", "active"), ("active", "canceled")]


def test_reconciliation_records_what_the_webhooks_missed(stripe_standin, reader):
    from django.core.management import call_command

    plan = make_plan()
    sub = subscribe_at_stripe(reader, plan, interval="year")
    call_command("stripe_reconcile", stdout=StringIO())
    assert history(sub["id"]) == [("", "active")]
    assert SubscriptionChange.objects.get(reference=sub["id"]).amount == plan.yearly_amount


def test_mark_canceled_records_the_end_once(reader):
    stored = store_subscription(reader, status="active")
    services.mark_canceled(stripe_subscription_id=stored.stripe_id)
    services.mark_canceled(stripe_subscription_id=stored.stripe_id)
    assert history(stored.stripe_id) == [("", "canceled")]


def test_the_amount_is_after_a_lasting_discount_and_before_a_first_payment_one(
    stripe_standin, reader
):
    plan = make_plan(monthly=1000)
    Offer.objects.create(code="HALF", name="Half", percent_off=50, duration="forever")
    Offer.objects.create(code="FIRST", name="First", percent_off=50, duration="once")
    price = {"id": plan.monthly_price_id, "recurring": {"interval": "month"}}
    for code in ("HALF", "FIRST"):
        stored = store_subscription(reader, status="incomplete")
        services.apply_subscription(
            data={
                "id": stored.stripe_id,
                "customer": stored.stripe_customer_id,
                "status": "active",
                "items": {"data": [{"price": price}]},
                "metadata": {"offer": code},
            }
        )
        assert SubscriptionChange.objects.get(reference=stored.stripe_id).amount == (
            500 if code == "HALF" else 1000
        )


def test_a_deleted_account_leaves_anonymised_rows_and_its_live_subscription_ends(reader):
    stored = store_subscription(reader, status="active")
    services.mark_canceled(stripe_subscription_id="nothing")  # no row: nothing recorded
    from subscriptions.history import record_subscription

    record_subscription(stored)
    reader.delete()
    assert not Subscription.objects.exists()
    rows = list(SubscriptionChange.objects.filter(reference=stored.stripe_id))
    assert [(r.status_before, r.status_after) for r in rows] == [
        ("", "active"),
        ("active", "canceled"),
    ]
    assert all(r.user_id is None for r in rows)


def test_comps_granted_extended_and_removed_are_recorded(reader, desk_editor):
    comp = ComplimentaryAccess.objects.create(user=reader, reason="Press", granted_by=desk_editor)
    comp.expires_at = timezone.now() + timedelta(days=30)
    comp.save()
    comp.save()  # nothing changed: nothing appended
    reference = f"comp:{comp.pk}"
    comp.delete()
    rows = list(SubscriptionChange.objects.filter(reference=reference))
    assert [(r.kind, r.status_before, r.status_after) for r in rows] == [
        ("comp", "", "active"),
        ("comp", "active", "active"),
        ("comp", "active", "canceled"),
    ]
    assert rows[1].ends_at is not None
    assert rows[2].user == reader


def test_the_history_cannot_be_changed_or_deleted(reader):
    stored = store_subscription(reader, status="active")
    services.mark_canceled(stripe_subscription_id=stored.stripe_id)
    change = SubscriptionChange.objects.get()
    change.status_after = "active"
    with pytest.raises(ValueError, match="append-only"):
        change.save()
    with pytest.raises(ValueError, match="append-only"):
        change.delete()


def test_the_migration_backfills_subscriptions_and_comps_that_were_stored_before_it(reader):
    plan = Subscription._meta.get_field("plan").related_model.objects.create(
        name="Digital", monthly_amount=800, yearly_amount=8000
    )
    created = timezone.now() - timedelta(days=200)
    ended = timezone.now() - timedelta(days=20)
    live = store_subscription(reader, status="active", plan=plan)
    gone = store_subscription(reader, status="canceled", plan=plan, ended_at=ended)
    Subscription.objects.filter(pk__in=[live.pk, gone.pk]).update(created_at=created)
    ComplimentaryAccess.objects.create(user=reader, reason="Press")
    SubscriptionChange.objects.all().delete()  # the comp's own row: as if made before
    migration = importlib.import_module("subscriptions.migrations.0011_backfill_history")
    migration.backfill(apps, None)
    migration.backfill(apps, None)  # again: nothing doubled
    assert history(live.stripe_id) == [("", "active")]
    assert history(gone.stripe_id) == [("", "active"), ("active", "canceled")]
    assert (
        SubscriptionChange.objects.get(reference=gone.stripe_id, status_after="canceled").at
        == ended
    )
    assert SubscriptionChange.objects.filter(kind="comp").count() == 1
    assert all(SubscriptionChange.objects.values_list("backfilled", flat=True))
    assert SubscriptionChange.objects.get(reference=live.stripe_id).amount == 800
