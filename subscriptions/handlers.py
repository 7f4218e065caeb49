"""What each Stripe event does: the one dispatch table, HANDLERS.

An event is only a trigger: each handler re-fetches what the event concerns from Stripe, so
events that arrive late, twice or out of order still leave Stripe's current state behind.
subscriptions/events.py runs these for stored events (subscriptions/webhooks.py stores them).
"""

import logging
from collections.abc import Callable
from typing import NamedTuple

import stripe
from django.contrib.auth import get_user_model

from giftsubs.services import record_paid_session, refunded_at_stripe

from . import services

log = logging.getLogger(__name__)


class Malformed(ValueError):
    """The event is signed but not shaped like what its type promises."""


def _optional_string(obj: dict, key: str) -> str | None:
    return None if obj.get(key) is None else _string(obj, key)


def _string(obj: dict, key: str) -> str:
    value = obj.get(key)
    # Stripe's ids are printable ASCII; a NUL would reach PostgreSQL, which refuses it.
    if not isinstance(value, str) or not value or len(value) > 255 or not value.isprintable():
        raise Malformed(f"{key} must be a non-empty string")
    return value


def _subscription_of_invoice(invoice: dict) -> str | None:
    # Since API 2025-03-31 an invoice names its subscription under parent.subscription_details.
    parent = invoice.get("parent") or {}
    if not isinstance(parent, dict):
        raise Malformed("parent must be an object")
    details = parent.get("subscription_details") or {}
    if not isinstance(details, dict):
        raise Malformed("parent.subscription_details must be an object")
    return _optional_string(details, "subscription")


# Each handler does its network work (re-fetching from Stripe) and returns the database work
# as a callable, run inside the transaction that marks the event processed: no transaction is
# held open while Stripe answers.


def _refetch(subscription_id: str, *, after=None):
    data = services.fetch_subscription(subscription_id)

    def commit():
        stored = services.store_fetched(stripe_subscription_id=subscription_id, data=data)
        if after:
            after(stored)
        return stored

    return commit


def on_checkout_completed(session: dict):
    # Even the session is re-fetched: who it belongs to is only taken from Stripe itself.
    fetched = services.fetch_checkout_session(_string(session, "id"))
    if fetched is not None and fetched.get("mode") == "payment":
        # A gift subscription's one-time payment (giftsubs), recorded as Stripe has it.
        return lambda: record_paid_session(fetched)
    if fetched is None or fetched.get("mode") != "subscription":
        return None
    subscription_id = fetched.get("subscription")
    customer_id = fetched.get("customer")
    reference = fetched.get("client_reference_id")
    if not isinstance(subscription_id, str) or not isinstance(customer_id, str):
        return None
    data = services.fetch_subscription(subscription_id)

    def commit():
        if isinstance(reference, str) and reference.isascii() and reference.isdigit():
            user = get_user_model().objects.filter(pk=int(reference)).first()
            if user:
                services.link_if_unlinked(user=user, stripe_customer_id=customer_id)
        services.store_fetched(stripe_subscription_id=subscription_id, data=data)

    return commit


def on_subscription_changed(subscription: dict):
    return _refetch(_string(subscription, "id"))


def on_trial_will_end(subscription: dict):
    def after(stored):
        # Once per event: the commit runs in the transaction that marks the event processed.
        if stored is not None and stored.status == "trialing":
            services.notify_trial_ending(subscription=stored)

    return _refetch(_string(subscription, "id"), after=after)


def on_invoice_paid(invoice: dict):
    subscription_id = _subscription_of_invoice(invoice)
    if not subscription_id:
        return None

    def after(stored):
        # What it cost, tax included: read from the signed event, as the amounts are final.
        if stored is not None:
            services.record_payment(subscription=stored, invoice=invoice)

    return _refetch(subscription_id, after=after)


def on_invoice_payment_failed(invoice: dict):
    # Both are stored with the notice: checked here, so a NUL never reaches PostgreSQL.
    invoice_id = _string(invoice, "id")
    customer_id = _string(invoice, "customer")
    subscription_id = _subscription_of_invoice(invoice)
    if not subscription_id:
        return None
    return _refetch(
        subscription_id,
        after=lambda stored: services.notify_payment_failed(
            invoice_id=invoice_id,
            customer_id=customer_id,
            amount_due=invoice.get("amount_due"),
            currency=invoice.get("currency") or "",
        ),
    )


def on_invoice_payment_action_required(invoice: dict):
    # Access follows the subscription (past_due, then the grace rule), as for a failure.
    _string(invoice, "id")
    _string(invoice, "customer")
    subscription_id = _subscription_of_invoice(invoice)
    if not subscription_id:
        return None
    return _refetch(
        subscription_id,
        after=lambda stored: services.notify_payment_action_required(invoice=invoice),
    )


# What the endpoint checks before it stores an event (no network): the shape each handler reads.
def _has_id(obj: dict) -> None:
    _string(obj, "id")


def _names_its_subscription(invoice: dict) -> None:
    _subscription_of_invoice(invoice)


def _is_a_full_invoice(invoice: dict) -> None:
    _string(invoice, "id")
    _string(invoice, "customer")
    _subscription_of_invoice(invoice)


def on_charge_refunded(charge: dict):
    # Only gifts care: a subscription's refund also ends or changes the subscription, which
    # its own events carry.
    return refunded_at_stripe(_string(charge, "id"))


class Handler(NamedTuple):
    check: Callable[[dict], None]  # raises Malformed; run by the endpoint, before storing
    run: Callable[[dict], Callable[[], object] | None]  # run by the task: fetch, then commit


HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": Handler(_has_id, on_checkout_completed),
    "customer.subscription.created": Handler(_has_id, on_subscription_changed),
    "customer.subscription.updated": Handler(_has_id, on_subscription_changed),
    "customer.subscription.deleted": Handler(_has_id, on_subscription_changed),
    "customer.subscription.paused": Handler(_has_id, on_subscription_changed),
    "customer.subscription.resumed": Handler(_has_id, on_subscription_changed),
    "customer.subscription.trial_will_end": Handler(_has_id, on_trial_will_end),
    "invoice.paid": Handler(_names_its_subscription, on_invoice_paid),
    "invoice.payment_failed": Handler(_is_a_full_invoice, on_invoice_payment_failed),
    "invoice.payment_action_required": Handler(
        _is_a_full_invoice, on_invoice_payment_action_required
    ),
    "charge.refunded": Handler(_has_id, on_charge_refunded),
}


# A reader may have paid twice (two tabs): these say a subscription was just taken out.
NEW_SUBSCRIPTION_EVENTS = {"checkout.session.completed", "customer.subscription.created"}


def end_duplicates(obj: dict, event_id: str) -> None:
    # After the event is recorded, still holding the customer's lock. If Stripe fails us
    # here, the success page and stripe_reconcile still catch the duplicate: the event
    # itself was applied, so it is not worth a redelivery.
    customer_id = obj.get("customer")
    if not (isinstance(customer_id, str) and 0 < len(customer_id) <= 255):
        return
    if not customer_id.isprintable():
        return
    try:
        services.end_duplicate_subscriptions(customer_id=customer_id)
    except stripe.StripeError:
        log.exception("Could not end duplicate subscriptions after %s", event_id)
