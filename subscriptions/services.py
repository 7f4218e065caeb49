"""Flows that span models or call Stripe. Keyword-only, typed.

Every change to a stored subscription goes through `apply_subscription`, fed with what Stripe
says *now* (`sync_subscription` re-fetches it): the webhook, the success page, the seed and
the reconciliation all use it, so whatever order events arrive in, the last sync wins with
Stripe's current state.

Longer than 400 lines for now: the project keeps every flow that spans models or calls Stripe
here. Its sections (customers, subscriptions, checkout, duplicates, deletion, emails) are the
seams to split it along into a package.
"""

import hashlib
import logging
import time
import uuid
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime, timedelta
from typing import cast

import stripe
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from emails.sending import send_later

from .attribution import checkout_source, stored_source
from .entitlements import may_start_trial
from .models import (
    ENDED,
    LIVE,
    Customer,
    CustomerLock,
    DuplicateSubscription,
    Offer,
    PaymentActionNotice,
    PaymentFailureNotice,
    Plan,
    Status,
    Subscription,
)
from .money import format_money
from .stripe_client import as_dict, get_client

log = logging.getLogger(__name__)


def _ts(value) -> datetime | None:
    return datetime.fromtimestamp(int(value), UTC) if value else None


def _idempotency_key(*parts) -> str:
    return hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()


def is_missing(error: stripe.StripeError) -> bool:
    return isinstance(error, stripe.InvalidRequestError) and error.code == "resource_missing"


# ---------------------------------------------------------------- customers
def ensure_customer(*, user) -> Customer:
    """The reader's Stripe customer: reused when linked, created (once) otherwise."""
    existing = Customer.objects.filter(user=user).first()
    if existing:
        return existing
    created = get_client().v1.customers.create(
        params={
            "email": user.email,
            "name": user.name or "",
            "metadata": {"user_id": str(user.pk)},
        },
        # A double click or a retried request must not make a second customer.
        options={"idempotency_key": _idempotency_key("customer", user.pk, user.date_joined)},
    )
    try:
        with transaction.atomic():
            return Customer.objects.create(user=user, stripe_id=created.id)
    except IntegrityError:
        return Customer.objects.get(user=user)


def user_for_customer(stripe_customer_id: str):
    link = Customer.objects.select_related("user").filter(stripe_id=stripe_customer_id).first()
    return link.user if link else None


def link_if_unlinked(*, user, stripe_customer_id: str) -> bool:
    """Link `user` to a customer only if neither side is linked yet; True when linked to it."""
    link = Customer.objects.filter(stripe_id=stripe_customer_id).first()
    if link:
        return link.user_id == user.pk
    if Customer.objects.filter(user=user).exists():
        return False
    try:
        with transaction.atomic():
            Customer.objects.create(user=user, stripe_id=stripe_customer_id)
    except IntegrityError:
        return Customer.objects.filter(user=user, stripe_id=stripe_customer_id).exists()
    return True


# ---------------------------------------------------------------- one customer at a time
# Two webhooks for one subscription can be handled at once, each re-fetching it from Stripe.
# If Stripe answers the first late, its (older) answer would be stored last: Stripe says
# canceled, we would say active. So everything that fetches a customer's subscriptions and
# stores the answer does it holding that customer's lock: the second waits, then fetches
# after the first has stored, and the last write is always the newest state.
#
# The lock is a lease on a row (CustomerLock), taken by one UPDATE and given back by one
# DELETE, each committed at once, so no database transaction is open while Stripe answers
# (a transaction held over the network would block every other write to those rows, on the
# demo's SQLite the whole database). The lease expires on its own should a worker die
# holding it; it outlasts the slowest fetch (STRIPE_TIMEOUT per try, three tries). And an
# ended subscription is never stored back as live (`apply_subscription`), whatever slips by.
LOCK_POLL_SECONDS = 0.05


class CustomerBusy(Exception):
    """Another request kept the customer's lock for longer than we may wait."""


def _lease() -> timedelta:
    return timedelta(seconds=settings.STRIPE_TIMEOUT * 3 + 10)


@contextmanager
def customer_lock(stripe_customer_id: str | None, *, wait: float | None = None):
    """Hold `stripe_customer_id`'s lock while fetching from Stripe and storing the answer.

    Raises CustomerBusy after `wait` seconds without the lock (by default two Stripe
    timeouts: a request then still answers within gunicorn's 30 seconds).
    """
    if not stripe_customer_id:
        yield
        return
    token = uuid.uuid4().hex
    deadline = time.monotonic() + (wait if wait is not None else settings.STRIPE_TIMEOUT * 2)
    while True:
        # The row lives only while someone holds it, so a finished request leaves nothing.
        CustomerLock.objects.get_or_create(stripe_customer_id=stripe_customer_id)
        now = timezone.now()
        free = Q(holder="") | Q(expires_at__lt=now)
        if CustomerLock.objects.filter(free, stripe_customer_id=stripe_customer_id).update(
            holder=token, expires_at=now + _lease()
        ):
            break
        if time.monotonic() > deadline:
            raise CustomerBusy(stripe_customer_id)
        time.sleep(LOCK_POLL_SECONDS)
    try:
        yield
    finally:
        CustomerLock.objects.filter(stripe_customer_id=stripe_customer_id, holder=token).delete()


def lock_for(obj: dict):
    """The lock of the customer a Stripe object (subscription, invoice, session) belongs to."""
    customer = obj.get("customer") if isinstance(obj, dict) else None
    if isinstance(customer, str) and 0 < len(customer) <= 255 and customer.isprintable():
        return customer_lock(customer)
    return nullcontext()


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
    return bool(
        Subscription.objects.filter(stripe_id=stripe_subscription_id)
        .exclude(status=Status.CANCELED)
        .update(status=Status.CANCELED, ended_at=timezone.now(), past_due_since=None)
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
    """Store a Stripe subscription object as it is. Idempotent.

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
        "current_period_end": _ts(period_end),
        "ended_at": _ts(data.get("ended_at")),
        # When Stripe's state was last written here (update() skips auto_now): reconciliation
        # leaves alone what a webhook stored after its listing was taken.
        "synced_at": now,
    }
    values.update(_offer_values(data))
    # Grace counts from the first time we saw it past_due, kept while it stays so.
    still_past_due = Case(
        When(status=Status.PAST_DUE, past_due_since__isnull=False, then=F("past_due_since")),
        default=Value(now),
    )
    update = {**values, "past_due_since": still_past_due if status == Status.PAST_DUE else None}
    stored = Subscription.objects.filter(stripe_id=stripe_id)
    # An ended subscription never comes back at Stripe: an answer saying otherwise is older.
    writable = stored if status in ENDED else stored.exclude(status__in=ENDED)
    if writable.update(**update) or stored.exists():
        return Subscription.objects.select_related("user").get(stripe_id=stripe_id)

    owner = _owner(data, user)
    if owner is None:
        log.warning("Subscription %s has no reader (customer %s)", stripe_id, customer_id)
        return None
    try:
        with transaction.atomic():
            return Subscription.objects.create(
                stripe_id=stripe_id,
                user=owner,
                past_due_since=now if status == Status.PAST_DUE else None,
                **values,
            )
    except IntegrityError:
        # Stored by a concurrent request a moment ago; write our (as fresh) state over it.
        writable.update(**update)
        return Subscription.objects.select_related("user").get(stripe_id=stripe_id)


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
        values["discount_ends_at"] = _ts(discounts[0].get("end")) if discounts else None
    return values


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
        for remote in _live_at_stripe(customer.stripe_id):
            subscription = apply_subscription(data=remote, user=user)
            if subscription is not None and subscription.status in LIVE:
                return subscription
    return None


def _live_at_stripe(customer_id: str) -> list[dict]:
    """The customer's live subscriptions at Stripe, oldest first."""
    listing = get_client().v1.subscriptions.list(params={"customer": customer_id, "limit": 100})
    live = [as_dict(s) for s in listing.auto_paging_iter() if s.status in LIVE]
    return sorted(live, key=lambda s: (s.get("created") or 0, s["id"]))


# ---------------------------------------------------------------- two tabs, two subscriptions
def end_duplicate_subscriptions(*, customer_id: str) -> list[DuplicateSubscription]:
    """Keep a reader's first live subscription; cancel any later one at once and refund its
    first invoice, telling the reader by email. Returns what was ended.

    Checkout is refused to a reader who subscribes, but two sessions opened (in two tabs)
    before either was paid can both complete. Called, holding the customer's lock, by the
    success page and by the webhooks that announce a new subscription; safe to repeat.
    """
    user = user_for_customer(customer_id)
    if user is None:
        return []
    ended = []
    live = _live_at_stripe(customer_id)
    if live:
        apply_subscription(data=live[0], user=user)  # the one kept, stored as Stripe has it
    for duplicate in live[1:]:
        ended.append(_end_duplicate(user=user, data=duplicate, kept=live[0]["id"]))
    # A refund that failed last time (Stripe down after the cancellation) is tried again.
    for record in DuplicateSubscription.objects.filter(user=user, refund_id="").exclude(
        pk__in=[r.pk for r in ended]
    ):
        _refund_first_invoice(record)
    return ended


def _end_duplicate(*, user, data: dict, kept: str) -> DuplicateSubscription:
    client = get_client()
    try:
        canceled = as_dict(client.v1.subscriptions.cancel(data["id"]))
    except stripe.InvalidRequestError as error:
        if not is_missing(error):
            raise
        canceled = {**data, "status": Status.CANCELED}
    apply_subscription(data=canceled, user=user)
    record, created = DuplicateSubscription.objects.get_or_create(
        stripe_id=data["id"], defaults={"user": user, "kept_stripe_id": kept}
    )
    _refund_first_invoice(record)
    if created:
        _tell_reader_of_duplicate(record)
    return record


def _refund_first_invoice(record: DuplicateSubscription) -> None:
    """Refund the payment of the subscription's first invoice, once (the idempotency key and
    Stripe's own refusal to refund a refunded charge both see to it)."""
    client = get_client()
    invoices = client.v1.invoices.list(params={"subscription": record.stripe_id, "limit": 100})
    first = min(
        (as_dict(i) for i in invoices.auto_paging_iter()),
        key=lambda i: (i.get("created") or 0, i["id"]),
        default=None,
    )
    if first is None or first.get("status") != "paid" or not first.get("amount_paid"):
        DuplicateSubscription.objects.filter(pk=record.pk).update(refund_id="none")
        return
    payments = client.v1.invoice_payments.list(params={"invoice": first["id"], "status": "paid"})
    refund_id = ""
    for payment in payments.auto_paging_iter():
        intent = payment.payment.payment_intent
        if not intent:
            continue
        intent_id = intent if isinstance(intent, str) else intent.id
        try:
            refund = client.v1.refunds.create(
                params={
                    "payment_intent": intent_id,
                    "reason": "duplicate",
                    "metadata": {"subscription": record.stripe_id, "kept": record.kept_stripe_id},
                },
                options={"idempotency_key": _idempotency_key("duplicate-refund", intent_id)},
            )
            refund_id = refund.id
        except stripe.InvalidRequestError as error:
            if error.code != "charge_already_refunded":
                raise
            refund_id = refund_id or "already-refunded"
    record.invoice_id = first["id"]
    record.refund_id = refund_id or "none"
    record.amount_refunded = first["amount_paid"]
    record.currency = first.get("currency") or ""
    record.save(update_fields=["invoice_id", "refund_id", "amount_refunded", "currency"])


def _tell_reader_of_duplicate(record: DuplicateSubscription) -> None:
    context = {
        "user": record.user,
        "site_name": settings.SITE_NAME,
        "amount": format_money(record.amount_refunded, record.currency),
        "account_url": settings.SITE_URL + reverse("accounts:account"),
    }
    send_later(
        to=record.user.email,
        subject=f"We cancelled your second {settings.SITE_NAME} subscription",
        template="subscriptions/email/duplicate_cancelled.txt",
        context=context,
    )


def duplicate_message(records) -> str:
    """What the success page says when a second subscription was just ended."""
    refunded = [r for r in records if r.amount_refunded]
    amount = " and ".join(format_money(r.amount_refunded, r.currency) for r in refunded)
    refund = f" and refunded its payment of {amount}" if refunded else ""
    return (
        "You already had a subscription, so we cancelled the second one straight away"
        f"{refund}. Your first subscription carries on; we have emailed you the details."
    )


# ---------------------------------------------------------------- checkout + portal
def start_checkout(
    *,
    user,
    plan: Plan,
    interval: str,
    success_url: str,
    cancel_url: str,
    return_to: str,
    attempt: str,
    offer: Offer | None = None,
    via: str = "",
) -> str:
    """Create a Checkout Session for `plan` and return the URL to send the reader to.

    A plan's free trial goes only to a reader who has never subscribed; Checkout still takes
    their card (payment_method_collection "always"), and Stripe charges when the trial ends.
    """
    price_id = plan.price_id(interval)
    trial_days = plan.trial_days if plan.trial_days and may_start_trial(user) else 0
    customer = ensure_customer(user=user)
    metadata = {"user_id": str(user.pk)}
    if offer is not None:
        metadata["offer"] = offer.code
    metadata.update(
        checkout_source(offer_code=offer.code if offer else "", next_url=return_to, via=via)
    )
    subscription_data = {"metadata": metadata}
    if trial_days:
        subscription_data["trial_period_days"] = trial_days
    params = {
        "mode": "subscription",
        "customer": customer.stripe_id,
        "client_reference_id": str(user.pk),
        # Our plans decide the price and quantity; nothing from the browser does.
        "line_items": [{"price": price_id, "quantity": 1}],
        "payment_method_collection": "always",
        "success_url": success_url,
        "cancel_url": cancel_url,
        "metadata": {**metadata, "return_to": return_to},
        "subscription_data": subscription_data,
    }
    if offer is not None:
        # Stripe takes either a discount or a code box, not both.
        params["discounts"] = [{"promotion_code": offer.stripe_promotion_code_id}]
    else:
        params["allow_promotion_codes"] = True
    key = _idempotency_key(
        "checkout", user.pk, price_id, attempt, trial_days, offer.code if offer else ""
    )
    # The same form submitted twice (double click, retry) gets the same session.
    session = get_client().v1.checkout.sessions.create(
        params=params, options={"idempotency_key": key}
    )
    # Typed optional because embedded sessions have none; a hosted one always has its URL.
    return cast(str, session.url)


def portal_url(*, user, return_url: str) -> str | None:
    """A Customer Portal session for the reader's own customer, or None if they have none."""
    customer = Customer.objects.filter(user=user).first()
    if customer is None:
        return None
    session = get_client().v1.billing_portal.sessions.create(
        params={"customer": customer.stripe_id, "return_url": return_url}
    )
    return session.url


def fetch_checkout_session(session_id: str) -> dict | None:
    """A Checkout Session as Stripe has it now, or None if Stripe has no such session."""
    try:
        return as_dict(get_client().v1.checkout.sessions.retrieve(session_id))
    except stripe.InvalidRequestError as error:
        if is_missing(error) or error.http_status == 404:
            return None
        raise


class CheckoutNotFound(Exception):
    """No such Checkout Session for this reader (missing, someone else's, or no subscription):
    all look the same to the browser."""


class CheckoutNotPaid(Exception):
    """The reader's Checkout Session exists but is not complete and paid."""


def complete_checkout(
    *, user, session_id: str
) -> tuple[Subscription | None, str, list[DuplicateSubscription]]:
    """Apply a finished Checkout Session on the reader's return.

    Returns (subscription, return_to, duplicates ended just now). Raises CheckoutNotFound or
    CheckoutNotPaid.
    """
    session = fetch_checkout_session(session_id)
    if session is None:
        raise CheckoutNotFound("no such session")
    customer_id = session.get("customer") or ""
    own_customer = Customer.objects.filter(user=user).values_list("stripe_id", flat=True).first()
    if session.get("client_reference_id") != str(user.pk) or (
        own_customer and customer_id != own_customer
    ):
        raise CheckoutNotFound("not this reader's session")
    if session.get("status") != "complete" or session.get("payment_status") not in (
        "paid",
        "no_payment_required",
    ):
        raise CheckoutNotPaid("not paid")
    subscription_id = session.get("subscription")
    if not isinstance(subscription_id, str) or not customer_id:
        raise CheckoutNotFound("no subscription on this session")
    link_if_unlinked(user=user, stripe_customer_id=customer_id)
    with customer_lock(customer_id):
        sync_subscription(stripe_subscription_id=subscription_id, user=user)
        ended = end_duplicate_subscriptions(customer_id=customer_id)
    subscription = Subscription.objects.filter(stripe_id=subscription_id).first()
    return_to = (session.get("metadata") or {}).get("return_to") or ""
    return subscription, return_to, ended


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


# ---------------------------------------------------------------- emails
# Queued in the same transaction as the notice (emails.sending): a rolled-back webhook queues
# nothing and is redelivered; a committed one has its email sent by a worker, with retries.


def _first_notice(model, *, invoice_id: str, user) -> bool:
    """Record that this invoice's reader was told; False when they already were (one email each)."""
    try:
        with transaction.atomic():
            model.objects.create(invoice_id=invoice_id, user=user)
    except IntegrityError:
        return False
    return True


def notify_payment_failed(
    *, invoice_id: str, customer_id: str, amount_due: int | None, currency: str
) -> bool:
    """Email the reader once per failed invoice, with a way to update their card."""
    user = user_for_customer(customer_id)
    if user is None or not _first_notice(PaymentFailureNotice, invoice_id=invoice_id, user=user):
        return False
    context = {
        "user": user,
        "site_name": settings.SITE_NAME,
        "billing_url": settings.SITE_URL + reverse("accounts:account"),
        "amount": format_money(amount_due, currency),
    }
    send_later(
        to=user.email,
        subject=f"Your payment to {settings.SITE_NAME} failed",
        template="subscriptions/email/payment_failed.txt",
        context=context,
    )
    return True


def notify_payment_action_required(*, invoice: dict) -> bool:
    """Email the reader once per invoice whose payment their bank wants them to confirm
    (strong customer authentication), with Stripe's hosted invoice page to do it on."""
    invoice_id, customer_id = invoice.get("id"), invoice.get("customer")
    url = invoice.get("hosted_invoice_url")
    if not all(isinstance(value, str) for value in (invoice_id, customer_id, url)):
        return False
    # Only Stripe's own page (or the stand-in's) goes into an email from us.
    allowed = (
        ("https://", f"{settings.STRIPE_API_BASE}/") if settings.STRIPE_API_BASE else ("https://",)
    )
    if not url.startswith(allowed):
        log.warning("Ignoring hosted invoice URL %r of %s", url, invoice_id)
        return False
    user = user_for_customer(customer_id)
    if user is None or not _first_notice(PaymentActionNotice, invoice_id=invoice_id, user=user):
        return False
    context = {
        "user": user,
        "site_name": settings.SITE_NAME,
        "invoice_url": url,
        "amount": format_money(invoice.get("amount_due"), invoice.get("currency") or ""),
    }
    send_later(
        to=user.email,
        subject=f"Please confirm your payment to {settings.SITE_NAME}",
        template="subscriptions/email/payment_action_required.txt",
        context=context,
    )
    return True


def notify_trial_ending(*, subscription: Subscription) -> None:
    """Tell the reader their free trial ends soon, before the first charge surprises them."""
    user = subscription.user
    context = {
        "user": user,
        "site_name": settings.SITE_NAME,
        "plan": subscription.plan.name if subscription.plan else "",
        "ends": subscription.current_period_end,
        "cancel_at_period_end": subscription.cancel_at_period_end,
        "account_url": settings.SITE_URL + reverse("accounts:account"),
    }
    send_later(
        to=user.email,
        subject=f"Your {settings.SITE_NAME} trial ends soon",
        template="subscriptions/email/trial_ending.txt",
        context=context,
    )


# ---------------------------------------------------------------- offers
def create_offer_at_stripe(*, offer: Offer, plans: list[Plan]) -> None:
    """Make the offer's coupon and promotion code at Stripe and note their ids on `offer`.

    Called before the offer is saved, so an offer never exists without its code.
    """
    coupon = {
        "duration": offer.duration,
        "name": offer.name[:40],
        "metadata": {"offer": offer.code},
    }
    if offer.kind == Offer.Kind.PERCENT:
        coupon["percent_off"] = offer.percent_off
    else:
        coupon.update(amount_off=offer.amount_off, currency=offer.currency)
    if offer.duration == Offer.Duration.REPEATING:
        coupon["duration_in_months"] = offer.duration_in_months
    products = sorted({plan.stripe_product_id for plan in plans if plan.stripe_product_id})
    if products:
        coupon["applies_to"] = {"products": products}
    promotion = {"code": offer.code, "metadata": {"offer": offer.code}}
    if offer.max_redemptions:
        coupon["max_redemptions"] = promotion["max_redemptions"] = offer.max_redemptions
    if offer.ends_at:
        coupon["redeem_by"] = promotion["expires_at"] = int(offer.ends_at.timestamp())
    client = get_client()
    made = client.v1.coupons.create(params=coupon)
    promotion["promotion"] = {"type": "coupon", "coupon": made.id}
    code = client.v1.promotion_codes.create(params=promotion)
    offer.stripe_coupon_id, offer.stripe_promotion_code_id = made.id, code.id


def archive_offer(*, offer: Offer) -> None:
    """Switch the offer's code off at Stripe, then mark it archived here."""
    if offer.archived_at is not None:
        return
    if offer.stripe_promotion_code_id:
        get_client().v1.promotion_codes.update(
            offer.stripe_promotion_code_id, params={"active": False}
        )
    offer.archived_at = timezone.now()
    offer.save(update_fields=["archived_at"])
