"""Import Stripe's active recurring prices as plans: one plan per product, monthly and yearly.

Editors then choose in the admin what is on sale (active flag, order, benefits). Existing
plans keep their editorial fields; only price ids, amounts and currency follow Stripe.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from subscriptions.models import Plan, refuse_another_currency
from subscriptions.stripe_client import UNAVAILABLE, get_client

INTERVALS = {"month": "monthly", "year": "yearly"}


class Command(BaseCommand):
    help = "Import active monthly and yearly Stripe prices as plans."

    def handle(self, *args, **options):
        client = get_client()
        products: dict[str, dict] = {}
        try:
            prices = client.v1.prices.list(
                params={
                    "active": True,
                    "type": "recurring",
                    "limit": 100,
                    "expand": ["data.product"],
                }
            ).auto_paging_iter()
            for price in prices:
                recurring = price.recurring
                interval = getattr(recurring, "interval", None)
                if interval not in INTERVALS or getattr(recurring, "interval_count", 1) != 1:
                    continue
                product = price.product
                if isinstance(product, str) or not getattr(product, "active", True):
                    continue
                entry = products.setdefault(product.id, {"name": product.name, "prices": {}})
                # Newest first: keep the most recent active price per interval.
                entry["prices"].setdefault(interval, price)
        except UNAVAILABLE as error:
            raise CommandError(f"Stripe is unreachable: {error}") from None

        created = updated = refused = 0
        for product_id, entry in products.items():
            values: dict[str, str | int | None] = {"currency": ""}
            try:
                for interval, prefix in INTERVALS.items():
                    price = entry["prices"].get(interval)
                    values[f"{prefix}_price_id"] = price.id if price else ""
                    values[f"{prefix}_amount"] = price.unit_amount if price else None
                    if price:
                        refuse_another_currency(price.currency)
                        values["currency"] = price.currency
            except ValidationError as error:
                refused += 1
                self.stderr.write(f"Skipped {entry['name']}: {error.messages[0]}")
                continue
            plan = Plan.objects.filter(stripe_product_id=product_id).first()
            if plan is None:
                Plan.objects.create(
                    stripe_product_id=product_id,
                    name=entry["name"][:100],
                    order=Plan.objects.count() + 1,
                    **values,
                )
                created += 1
                self.stdout.write(f"Created plan {entry['name']}")
            else:
                changed = [k for k, v in values.items() if getattr(plan, k) != v]
                if changed:
                    for key in changed:
                        setattr(plan, key, values[key])
                    plan.save(update_fields=changed)
                    updated += 1
                    self.stdout.write(f"Updated plan {plan.name}: {', '.join(changed)}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(products)} product(s) with active prices: "
                f"{created} plan(s) created, {updated} updated"
                + (f", {refused} refused (another currency)." if refused else ".")
            )
        )
