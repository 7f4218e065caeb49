"""Make our records match Stripe, and say what differed. Safe to run at any time (e.g. daily).

Walks every subscription Stripe has and every one we have, stores Stripe's current state
through the same sync the webhooks use, and reports: fixed drift, subscriptions missing on
either side, customers only one side knows, and readers paying for more than one live
subscription.
"""

import stripe
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone

from subscriptions.models import Customer, Subscription
from subscriptions.services import (
    CustomerBusy,
    apply_subscription,
    customer_lock,
    is_missing,
    mark_canceled,
)
from subscriptions.stripe_client import UNAVAILABLE, as_dict, get_client

COMPARED = ("status", "cancel_at_period_end", "current_period_end", "price_id", "plan_id")


def _snapshot(subscription):
    if subscription is None:
        return None
    return tuple(getattr(subscription, field) for field in COMPARED)


class Command(BaseCommand):
    help = "Reconcile stored subscriptions and customers with Stripe and print a report."

    def handle(self, *args, **options):
        try:
            report = self.reconcile(get_client())
        except UNAVAILABLE as error:
            raise CommandError(
                f"Stripe is unreachable; nothing was changed after: {error}"
            ) from None
        self.print_report(report)

    def reconcile(self, client) -> dict[str, list[str]]:
        report: dict[str, list[str]] = {
            "fixed": [],
            "added": [],
            "missing_here": [],
            "missing_at_stripe": [],
            "orphaned_at_stripe": [],
            "orphaned_here": [],
            "several_live": [],
        }
        ours = {s.stripe_id: s for s in Subscription.objects.select_related("user")}
        seen = set()
        listed_at = timezone.now()
        listing = client.v1.subscriptions.list(params={"status": "all", "limit": 100})
        for remote in listing.auto_paging_iter():
            data = as_dict(remote)
            seen.add(data["id"])
            before = _snapshot(ours.get(data["id"]))
            try:
                # In turn with the webhooks for this customer (services.customer_lock); a
                # row a webhook wrote after the listing was taken is newer than the listing.
                with customer_lock(data.get("customer")):
                    if Subscription.objects.filter(
                        stripe_id=data["id"], synced_at__gt=listed_at
                    ).exists():
                        continue
                    stored = apply_subscription(data=data)
            except CustomerBusy:
                continue  # being synced right now; the next run compares it again
            if stored is None:
                report["missing_here"].append(
                    f"{data['id']} ({data.get('status')}) of customer {data.get('customer')}: "
                    "no reader of ours"
                )
            elif before is None:
                report["added"].append(f"{stored.stripe_id} for {stored.user} ({stored.status})")
            elif _snapshot(stored) != before:
                changes = [
                    f"{field} {old!r} → {new!r}"
                    for field, old, new in zip(COMPARED, before, _snapshot(stored), strict=True)
                    if old != new
                ]
                report["fixed"].append(
                    f"{stored.stripe_id} for {stored.user}: {'; '.join(changes)}"
                )

        for stripe_id, local in ours.items():
            if stripe_id in seen:
                continue
            try:
                data = as_dict(client.v1.subscriptions.retrieve(stripe_id))
            except stripe.InvalidRequestError as error:
                if not is_missing(error):
                    raise
                mark_canceled(stripe_subscription_id=stripe_id)
                report["missing_at_stripe"].append(
                    f"{stripe_id} for {local.user} (was {local.status}, now canceled)"
                )
                continue
            before = _snapshot(local)
            stored = apply_subscription(data=data)
            if stored is not None and _snapshot(stored) != before:
                report["fixed"].append(f"{stripe_id} for {stored.user}")

        links = dict(Customer.objects.values_list("stripe_id", "user__email"))
        remote_customers = set()
        for customer in client.v1.customers.list(params={"limit": 100}).auto_paging_iter():
            remote_customers.add(customer.id)
            if customer.id not in links:
                report["orphaned_at_stripe"].append(
                    f"{customer.id} ({customer.email or 'no email'})"
                )
        for stripe_id, email in links.items():
            if stripe_id not in remote_customers:
                report["orphaned_here"].append(f"{stripe_id} linked to {email}")
        # Two tabs, two subscriptions: the webhooks and the success page end the newer one
        # at once; whatever they missed (Stripe down at that moment) is listed here.
        several = (
            Subscription.objects.live()
            .values("user")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .values_list("user", flat=True)
        )
        live = Subscription.objects.live().filter(user__in=several).select_related("user")
        by_reader: dict = {}
        for sub in live.order_by("user__email", "stripe_id"):
            by_reader.setdefault(sub.user.email, []).append(f"{sub.stripe_id} ({sub.status})")
        for email, subs in by_reader.items():
            report["several_live"].append(f"{email}: {len(subs)} live: {', '.join(subs)}")
        return report

    def print_report(self, report):
        titles = {
            "fixed": "Fixed (ours differed from Stripe)",
            "added": "Added (at Stripe, missing here)",
            "missing_here": "At Stripe but belonging to no reader here",
            "missing_at_stripe": "Here but unknown to Stripe (ended here)",
            "orphaned_at_stripe": "Orphaned customers at Stripe (no reader here)",
            "orphaned_here": "Orphaned customer links here (unknown to Stripe)",
            "several_live": "Readers with more than one live subscription",
        }
        for key, title in titles.items():
            rows = report[key]
            self.stdout.write(f"{title}: {len(rows)}")
            for row in rows:
                self.stdout.write(f"  - {row}")
        drift = sum(len(report[k]) for k in ("fixed", "added", "missing_at_stripe"))
        style = self.style.WARNING if drift else self.style.SUCCESS
        self.stdout.write(style(f"Reconciled: {drift} record(s) corrected."))
