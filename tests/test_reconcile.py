"""stripe_reconcile fixes planted drift and reports what it found; stripe_import_plans."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from subscriptions.models import Customer, Plan, Subscription
from subscriptions.services import sync_subscription
from subscriptions.stripe_client import get_client
from tests.stripe_helpers import (
    make_plan,
    store_subscription,
    subscribe_at_stripe,
)
from tests.users import verified_user

pytestmark = pytest.mark.django_db


def reconcile():
    out = StringIO()
    call_command("stripe_reconcile", stdout=out)
    return out.getvalue()


def test_reconcile_fixes_planted_drift_and_reports_every_kind(stripe_standin, reader):
    plan = make_plan()
    client = get_client()
    # 1. A cancellation whose webhook was lost: we still think it is active.
    gone = subscribe_at_stripe(reader, plan)
    sync_subscription(stripe_subscription_id=gone["id"])
    client.v1.subscriptions.cancel(gone["id"])
    # 2. A subscription we never heard of, for a reader of ours.
    other = verified_user("other@example.com")
    unseen = subscribe_at_stripe(other, plan)
    # 3. A row of ours that Stripe does not know at all.
    ghost_owner = verified_user("ghost@example.com")
    ghost = store_subscription(ghost_owner, status="active")
    # 4. A customer at Stripe nobody here owns.
    stranger = client.v1.customers.create(params={"email": "stranger@example.com"})

    report = reconcile()

    assert Subscription.objects.get(stripe_id=gone["id"]).status == "canceled"
    assert Subscription.objects.get(stripe_id=unseen["id"]).user == other
    assert Subscription.objects.get(stripe_id=unseen["id"]).status == "active"
    ghost.refresh_from_db()
    assert ghost.status == "canceled"
    assert ghost.ended_at is not None  # ended now, as every other path marks it
    assert "Fixed (ours differed from Stripe): 1" in report
    assert f"{gone['id']} for {reader.email}: status 'active' → 'canceled'" in report
    assert "Added (at Stripe, missing here): 1" in report
    assert "Here but unknown to Stripe (ended here): 1" in report
    assert ghost.stripe_id in report
    assert "Orphaned customers at Stripe (no reader here): 1" in report
    assert stranger.id in report
    assert "Orphaned customer links here (unknown to Stripe): 1" in report
    assert Customer.objects.get(user=ghost_owner).stripe_id in report


def test_reconcile_twice_finds_nothing_the_second_time(stripe_standin, reader):
    plan = make_plan()
    sub = subscribe_at_stripe(reader, plan)
    get_client().v1.subscriptions.update(sub["id"], params={"cancel_at_period_end": True})
    first = reconcile()
    assert "Added (at Stripe, missing here): 1" in first
    second = reconcile()
    assert "Reconciled: 0 record(s) corrected." in second
    assert Subscription.objects.get().cancel_at_period_end is True


def test_reconcile_restores_a_renewal_missed_while_past_due(stripe_standin, reader):
    plan = make_plan()
    sub = subscribe_at_stripe(reader, plan)
    stored = sync_subscription(stripe_subscription_id=sub["id"])
    Subscription.objects.filter(pk=stored.pk).update(status="past_due")
    reconcile()
    stored.refresh_from_db()
    assert stored.status == "active"
    assert stored.past_due_since is None


def test_reconcile_without_stripe_fails_clearly_and_changes_nothing(reader, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    settings.STRIPE_TIMEOUT = 1
    store_subscription(reader, status="active")
    with pytest.raises(CommandError, match="unreachable"):
        reconcile()
    assert Subscription.objects.get().status == "active"


def test_import_plans_creates_one_plan_per_product_with_both_intervals(stripe_standin, settings):
    settings.CURRENCY = "eur"  # a publication that sells in euros
    client = get_client()
    product = client.v1.products.create(params={"name": "Digital"})
    for interval, amount in (("month", 900), ("year", 9000)):
        client.v1.prices.create(
            params={
                "product": product.id,
                "currency": "eur",
                "unit_amount": amount,
                "recurring": {"interval": interval},
            }
        )
    client.v1.prices.create(
        params={"product": product.id, "currency": "eur", "unit_amount": 5000}
    )  # one-off: not a plan
    out = StringIO()
    call_command("stripe_import_plans", stdout=out)
    plan = Plan.objects.get()
    assert plan.name == "Digital"
    assert (plan.monthly_amount, plan.yearly_amount, plan.currency) == (900, 9000, "eur")
    assert plan.monthly_price_id.startswith("price_") and plan.yearly_price_id.startswith("price_")

    # Editors' changes survive a second import; Stripe's price changes are followed.
    plan.name, plan.benefits, plan.active = "Digital access", "Everything", False
    plan.save()
    newer = client.v1.prices.create(
        params={
            "product": product.id,
            "currency": "eur",
            "unit_amount": 1000,
            "recurring": {"interval": "month"},
        }
    )
    call_command("stripe_import_plans", stdout=StringIO())
    plan.refresh_from_db()
    assert (plan.name, plan.benefits, plan.active) == ("Digital access", "Everything", False)
    assert (plan.monthly_price_id, plan.monthly_amount) == (newer.id, 1000)
    assert Plan.objects.count() == 1
