"""The subscription history begins with what the tables already knew: each stored subscription
started when it was created (in its present state, or active if it has ended) and ended when
Stripe says it did; each comp began when it was granted. Rows made here say `backfilled`."""

from django.db import migrations

ENDED = ("canceled", "incomplete_expired")
BATCH = 2000


def _amount(subscription) -> int:
    plan = subscription.plan
    if plan is None:
        return 0
    # Today's price: what older discounts were is not known (offers are counted from now on).
    return (plan.yearly_amount if subscription.interval == "year" else plan.monthly_amount) or 0


def backfill(apps, schema_editor):
    Subscription = apps.get_model("subscriptions", "Subscription")
    ComplimentaryAccess = apps.get_model("subscriptions", "ComplimentaryAccess")
    Change = apps.get_model("subscriptions", "SubscriptionChange")
    known = set(Change.objects.values_list("reference", flat=True).distinct())
    rows = []
    for sub in Subscription.objects.select_related("plan").order_by("pk").iterator(BATCH):
        if sub.stripe_id in known:
            continue
        common = {
            "user_id": sub.user_id,
            "kind": "subscription",
            "reference": sub.stripe_id,
            "plan_id": sub.plan_id,
            "interval": sub.interval,
            "amount": _amount(sub),
            "currency": sub.plan.currency if sub.plan else "",
            "backfilled": True,
        }
        started = "active" if sub.status in ENDED else sub.status
        rows.append(Change(at=sub.created_at, status_after=started, **common))
        if sub.status in ENDED:
            ended_at = max(sub.ended_at or sub.synced_at, sub.created_at)
            rows.append(
                Change(at=ended_at, status_before=started, status_after=sub.status, **common)
            )
        if len(rows) >= BATCH:
            Change.objects.bulk_create(rows)
            rows = []
    for comp in ComplimentaryAccess.objects.order_by("pk").iterator(BATCH):
        if f"comp:{comp.pk}" in known:
            continue
        rows.append(
            Change(
                at=comp.created_at,
                user_id=comp.user_id,
                kind="comp",
                reference=f"comp:{comp.pk}",
                status_after="active",
                ends_at=comp.expires_at,
                backfilled=True,
            )
        )
    Change.objects.bulk_create(rows, batch_size=BATCH)


def forget(apps, schema_editor):
    apps.get_model("subscriptions", "SubscriptionChange").objects.filter(backfilled=True).delete()


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0010_subscription_history")]

    operations = [migrations.RunPython(backfill, forget)]
