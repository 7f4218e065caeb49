"""When a reader deletes their account: their subscriptions and Stripe customer go too."""

import logging

import stripe
from django.conf import settings

from ..models import (
    Customer,
    Plan,
    Subscription,
)
from ..stripe_client import as_dict, get_client
from .customers import is_missing
from .sync import mark_canceled

log = logging.getLogger(__name__)


class CancellationIncomplete(Exception):
    """Not every subscription could be ended; `cancelled` and `not_cancelled` say which."""

    def __init__(self, *, cancelled: list[str], not_cancelled: list[str]):
        super().__init__(f"cancelled {cancelled}, not cancelled {not_cancelled}")
        self.cancelled = cancelled
        self.not_cancelled = not_cancelled


def describe_subscription(data: dict) -> str:
    """A reader's name for a Stripe subscription: its plan and billing period."""
    items = (data.get("items") or {}).get("data") or []
    price = (items[0].get("price") or {}) if items else {}
    plan = Plan.for_price(price.get("id", "")) if isinstance(price, dict) else None
    interval = ((price.get("recurring") or {}).get("interval")) if isinstance(price, dict) else ""
    period = {"month": "monthly", "year": "yearly"}.get(interval or "", "")
    name = plan.name if plan else settings.SITE_NAME
    return f"{name} ({period})" if period else name


def cancel_subscriptions_for_deleted_user(*, user) -> list[str]:
    """End every subscription of `user` at Stripe before their account is deleted.

    Tries every one, even after a failure, and returns what it cancelled. If any could not
    be cancelled, raises CancellationIncomplete naming both sides, so the reader is told
    exactly which will still be charged. Stripe being unreachable before anything was
    cancelled raises as it comes (nothing changed).
    """
    customer = Customer.objects.filter(user=user).first()
    live = {s.stripe_id: s for s in Subscription.objects.live().filter(user=user)}
    found: dict[str, dict] = {}
    client = get_client()
    if customer:
        # Stripe may know of subscriptions a lost webhook never told us about.
        for sub in client.v1.subscriptions.list(
            params={"customer": customer.stripe_id, "limit": 100}
        ).auto_paging_iter():
            found[sub.id] = as_dict(sub)
    for stripe_id in live:
        found.setdefault(stripe_id, {})
    cancelled, not_cancelled = [], []
    # Oldest first, so the page lists them in the order the reader took them out.
    for stripe_id in sorted(found, key=lambda i: (found[i].get("created") or 0, i)):
        stored = live.get(stripe_id)
        label = describe_subscription(found[stripe_id]) if found[stripe_id] else None
        if label is None:
            label = stored.plan.name if stored and stored.plan else settings.SITE_NAME
        try:
            client.v1.subscriptions.cancel(stripe_id)
        except stripe.InvalidRequestError as error:
            # Already canceled or gone: that is the state we want.
            log.info("Subscription %s was already ended: %s", stripe_id, error.user_message)
        except stripe.StripeError:
            log.exception("Could not cancel subscription %s of user %s", stripe_id, user.pk)
            not_cancelled.append(label)
            continue
        mark_canceled(stripe_subscription_id=stripe_id)
        cancelled.append(label)
    if not_cancelled:
        raise CancellationIncomplete(cancelled=cancelled, not_cancelled=not_cancelled)
    return cancelled


def delete_stripe_customer(*, user) -> None:
    """Delete the reader's customer at Stripe, so their email does not stay there.

    Stripe keeps the invoices (its books need them) but not the customer's details.
    """
    customer = Customer.objects.filter(user=user).first()
    if customer is None:
        return
    try:
        get_client().v1.customers.delete(customer.stripe_id)
    except stripe.InvalidRequestError as error:
        if not is_missing(error):
            raise
    customer.delete()
