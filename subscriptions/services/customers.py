"""Stripe customers and the per-customer lease that serialises their changes."""

import hashlib
import logging
import time
import uuid
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime, timedelta

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import (
    Customer,
    CustomerLock,
)
from ..stripe_client import get_client

log = logging.getLogger(__name__)


def to_datetime(value) -> datetime | None:
    return datetime.fromtimestamp(int(value), UTC) if value else None


def idempotency_key(*parts) -> str:
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
        options={"idempotency_key": idempotency_key("customer", user.pk, user.date_joined)},
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
