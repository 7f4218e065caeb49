"""Storing Stripe's state of a subscription: every change goes through `apply_subscription`."""

import logging

import stripe
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from newsroom import clock

from .. import history
from ..attribution import stored_source
from ..models import (
    ENDED,
    LIVE,
    Customer,
    Offer,
    Plan,
    Status,
    Subscription,
)
from ..stripe_client import as_dict, get_client
from .customers import customer_lock, is_missing, link_if_unlinked, to_datetime, user_for_customer

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- subscriptions
MISSING = object()


def fetch_subscription(stripe_subscription_id: str):
    """Stripe's current state of a subscription (a dict), or MISSING if Stripe has none.

    Network only, no database: callers hold no transaction while Stripe answers.
    Stripe being unreachable raises, so the caller can ask for a retry.
    """
    try:
        return as_dict(
            get_client().v1.subscriptions.retrieve(
                stripe_subscription_id, params={"expand": ["discounts"]}
            )
        )
    except stripe.InvalidRequestError as error:
        if not is_missing(error):
            raise
        return MISSING


def store_fetched(*, stripe_subscription_id: str, data, user=None) -> Subscription | None:
    """Store what `fetch_subscription` returned. Database only."""
    if data is MISSING:
        # Stripe keeps canceled subscriptions; one it does not know cannot be paying.
        mark_canceled(stripe_subscription_id=stripe_subscription_id)
        return Subscription.objects.filter(stripe_id=stripe_subscription_id).first()
    return apply_subscription(data=data, user=user)


def mark_canceled(*, stripe_subscription_id: str) -> bool:
    """Stripe no longer has this subscription (or we just ended it there): it ended now.

    An already canceled row keeps when it ended. True when a row changed.
    """
    changed = bool(
        Subscription.objects.filter(stripe_id=stripe_subscription_id)
        .exclude(status=Status.CANCELED)
        .update(status=Status.CANCELED, ended_at=timezone.now(), past_due_since=None)
    )
    if changed:
        stored = _stored(stripe_subscription_id)
        if stored is not None:
            history.record_subscription(stored)
    return changed


def _stored(stripe_id: str) -> Subscription | None:
    return (
        Subscription.objects.select_related("user", "plan", "offer")
        .filter(stripe_id=stripe_id)
        .first()
    )


def sync_subscription(*, stripe_subscription_id: str, user=None) -> Subscription | None:
    """Fetch the subscription's current state from Stripe and store it."""
    data = fetch_subscription(stripe_subscription_id)
    return store_fetched(stripe_subscription_id=stripe_subscription_id, data=data, user=user)


def _owner(data: dict, user):
    """Whose subscription is this? Our customer link decides; nothing else can move it."""
    customer_id = data.get("customer") or ""
    owner = user_for_customer(customer_id)
    if owner:
        return owner
    candidate = user
    if candidate is None:
        # We put user_id in the subscription's metadata at checkout; it was set by us.
        user_id = str((data.get("metadata") or {}).get("user_id") or "")
        if user_id.isascii() and user_id.isdigit():
            candidate = get_user_model().objects.filter(pk=int(user_id)).first()
    if candidate and link_if_unlinked(user=candidate, stripe_customer_id=customer_id):
        return candidate
    return None


def apply_subscription(*, data: dict, user=None) -> Subscription | None:
    """Store a Stripe subscription object as it is, and append to the subscription history
    when its state changed (`subscriptions.history`). Idempotent."""
    stored = _apply(data=data, user=user)
    if stored is not None:
        history.record_subscription(stored)
    return stored


def _apply(*, data: dict, user=None) -> Subscription | None:
    """Store a Stripe subscription object as it is.

    Writes are single statements (an UPDATE, else an INSERT), never a read upgraded to a write
    inside a transaction: concurrent webhooks and the success page then simply queue, on
    PostgreSQL and on the demo's SQLite alike.
    """
    stripe_id = data.get("id")
    customer_id = data.get("customer")
    status = data.get("status")
    if not (isinstance(stripe_id, str) and isinstance(customer_id, str) and status in Status):
        log.warning("Ignoring a malformed subscription object: %r", stripe_id)
        return None

    items = (data.get("items") or {}).get("data") or []
    item = items[0] if items else {}
    price = item.get("price") or {}
    price_id = price.get("id", "") if isinstance(price, dict) else str(price)
    recurring = (price.get("recurring") or {}) if isinstance(price, dict) else {}
    # Since API 2025-03-31 the period lives on the items.
    period_end = max((it.get("current_period_end") or 0 for it in items), default=0)

    now = timezone.now()
    values = {
        "stripe_customer_id": customer_id,
        "price_id": price_id,
        "plan": Plan.for_price(price_id),
        "interval": recurring.get("interval") or "",
        "status": status,
        "cancel_at_period_end": bool(data.get("cancel_at_period_end") or data.get("cancel_at")),
        "current_period_end": to_datetime(period_end),
        "ended_at": to_datetime(data.get("ended_at")),
        # When Stripe's state was last written here (update() skips auto_now): reconciliation
        # leaves alone what a webhook stored after its listing was taken.
        "synced_at": now,
    }
    values.update(_offer_values(data))
    # Grace counts from the first time we saw it past_due, kept while it stays so; on the
    # shared clock, which the grace rule (SubscriptionQuerySet.granting) reads.
    seen_past_due = clock.now()
    still_past_due = Case(
        When(status=Status.PAST_DUE, past_due_since__isnull=False, then=F("past_due_since")),
        default=Value(seen_past_due),
    )
    update = {**values, "past_due_since": still_past_due if status == Status.PAST_DUE else None}
    stored = Subscription.objects.filter(stripe_id=stripe_id)
    # An ended subscription never comes back at Stripe: an answer saying otherwise is older.
    writable = stored if status in ENDED else stored.exclude(status__in=ENDED)
    if writable.update(**update) or stored.exists():
        return Subscription.objects.select_related("user", "plan", "offer").get(stripe_id=stripe_id)

    owner = _owner(data, user)
    if owner is None:
        log.warning("Subscription %s has no reader (customer %s)", stripe_id, customer_id)
        return None
    try:
        with transaction.atomic():
            return Subscription.objects.create(
                stripe_id=stripe_id,
                user=owner,
                past_due_since=seen_past_due if status == Status.PAST_DUE else None,
                **values,
            )
    except IntegrityError:
        # Stored by a concurrent request a moment ago; write our (as fresh) state over it.
        writable.update(**update)
        return Subscription.objects.select_related("user", "plan", "offer").get(stripe_id=stripe_id)


def _offer_values(data: dict) -> dict:
    """The offer a subscription was bought with and when its discount ends, when Stripe says.

    Discounts come expanded from `fetch_subscription`; a list of bare ids (another caller)
    tells nothing, so the stored values are kept.
    """
    values = stored_source(data.get("metadata") or {})
    code = (data.get("metadata") or {}).get("offer")
    if code:
        values["offer"] = Offer.objects.filter(code=code).first()
    discounts = data.get("discounts")
    if isinstance(discounts, list) and all(isinstance(d, dict) for d in discounts):
        values["discount_ends_at"] = to_datetime(discounts[0].get("end")) if discounts else None
        # Whose coupon it is: the checkout's offer, or the retention offer taken on leaving.
        coupon = _coupon_id(discounts[0]) if discounts else ""
        values["discount_offer"] = (
            Offer.objects.filter(stripe_coupon_id=coupon).first() if coupon else None
        )
    return values


def _coupon_id(discount: dict) -> str:
    """The coupon of a discount object: `source.coupon` (since API 2025-03-31), an id or an
    expanded coupon."""
    source = discount.get("source")
    coupon = (source.get("coupon") if isinstance(source, dict) else None) or discount.get("coupon")
    if isinstance(coupon, dict):
        coupon = coupon.get("id")
    return coupon if isinstance(coupon, str) and coupon.isprintable() and len(coupon) < 256 else ""


def _amount(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def record_payment(*, subscription: Subscription, invoice: dict) -> bool:
    """Note a paid invoice's amount and the tax in it on its subscription (the account page
    shows them). An older invoice arriving late never replaces a newer one. True if noted."""
    paid = _amount(invoice.get("amount_paid"))
    currency = invoice.get("currency")
    if not paid or not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha()):
        return False
    taxes = invoice.get("total_taxes") or []
    amounts = [_amount(t.get("amount")) for t in taxes if isinstance(t, dict)]
    if not isinstance(taxes, list) or None in amounts or len(amounts) != len(taxes):
        log.warning("Ignoring the malformed taxes of invoice %r", invoice.get("id"))
        return False
    transitions = invoice.get("status_transitions") or {}
    stamp = _amount(transitions.get("paid_at") if isinstance(transitions, dict) else None)
    stamp = stamp or _amount(invoice.get("created"))
    if not stamp:
        return False
    when = to_datetime(stamp)
    newer = Q(last_payment_at__isnull=True) | Q(last_payment_at__lte=when)
    return bool(
        Subscription.objects.filter(pk=subscription.pk)
        .filter(newer)
        .update(
            last_payment_amount=paid,
            last_payment_tax=sum(a for a in amounts if a is not None),
            last_payment_currency=currency.lower(),
            last_payment_at=when,
        )
    )


def live_subscription(*, user) -> Subscription | None:
    return Subscription.objects.live().filter(user=user).first()


def live_subscription_anywhere(*, user) -> Subscription | None:
    """The reader's live subscription, stored or only known to Stripe so far.

    A subscription paid for a moment ago in another tab may not have reached us yet (its
    webhook on the way, its success page not visited): Stripe is asked too, and what it
    says is stored.
    """
    stored = live_subscription(user=user)
    if stored is not None:
        return stored
    customer = Customer.objects.filter(user=user).first()
    if customer is None:
        return None
    with customer_lock(customer.stripe_id):
        for remote in live_at_stripe(customer.stripe_id):
            subscription = apply_subscription(data=remote, user=user)
            if subscription is not None and subscription.status in LIVE:
                return subscription
    return None


def live_at_stripe(customer_id: str) -> list[dict]:
    """The customer's live subscriptions at Stripe, oldest first."""
    listing = get_client().v1.subscriptions.list(params={"customer": customer_id, "limit": 100})
    live = [as_dict(s) for s in listing.auto_paging_iter() if s.status in LIVE]
    return sorted(live, key=lambda s: (s.get("created") or 0, s["id"]))
