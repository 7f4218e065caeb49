"""Stripe's webhook endpoint.

An event is only a trigger: we verify it, record its id once, and re-fetch the subscription
it concerns, so events that arrive late, twice or out of order still leave Stripe's current
state behind. We answer 5xx only when a retry could help (Stripe unreachable); anything
malformed is a 400 and changes nothing.
"""

import json
import logging
import re
import time

import stripe
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services
from .models import ProcessedEvent
from .stripe_client import UNAVAILABLE, get_client

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
CONTENT_LENGTH = re.compile(r"[0-9]{1,9}")
SIGNATURE_TOLERANCE = 300


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
# as a callable, run inside the transaction that records the event: no transaction is held
# open while Stripe answers.


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
        # Once per event: a redelivery is a duplicate and never reaches this handler.
        if stored is not None and stored.status == "trialing":
            services.notify_trial_ending(subscription=stored)

    return _refetch(_string(subscription, "id"), after=after)


def on_invoice_paid(invoice: dict):
    subscription_id = _subscription_of_invoice(invoice)
    return _refetch(subscription_id) if subscription_id else None


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


HANDLERS = {
    "checkout.session.completed": on_checkout_completed,
    "customer.subscription.created": on_subscription_changed,
    "customer.subscription.updated": on_subscription_changed,
    "customer.subscription.deleted": on_subscription_changed,
    "customer.subscription.paused": on_subscription_changed,
    "customer.subscription.resumed": on_subscription_changed,
    "customer.subscription.trial_will_end": on_trial_will_end,
    "invoice.paid": on_invoice_paid,
    "invoice.payment_failed": on_invoice_payment_failed,
    "invoice.payment_action_required": on_invoice_payment_action_required,
}


def _bad(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _signed_in_the_future(header: str | None) -> bool:
    """stripe-python refuses a stale timestamp but not one from the future; we refuse both."""
    for item in (header or "").split(","):
        key, _, value = item.strip().partition("=")
        if (
            key == "t"
            and value.isascii()
            and value.isdigit()
            and len(value) <= 12
            and int(value) > time.time() + SIGNATURE_TOLERANCE
        ):
            return True
    return False


@csrf_exempt
@require_POST
def stripe_webhook(request):
    length = request.headers.get("content-length") or "0"
    # ASCII digits only: str.isdigit() also says yes to "²", which int() refuses.
    if not CONTENT_LENGTH.fullmatch(length) or int(length) > MAX_BODY_BYTES:
        return _bad("Body too large.", status=413)
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return _bad("Body too large.", status=413)
    signature = request.headers.get("Stripe-Signature")
    if _signed_in_the_future(signature):
        return _bad("Invalid signature.")
    try:
        get_client().construct_event(
            body,
            signature,
            settings.STRIPE_WEBHOOK_SECRET,
            tolerance=SIGNATURE_TOLERANCE,
        )
        payload = json.loads(body)
    except stripe.SignatureVerificationError:
        return _bad("Invalid signature.")
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError):
        # RecursionError: JSON nested thousands deep, which the parser refuses by raising it.
        return _bad("Malformed event.")
    if not isinstance(payload, dict):
        return _bad("Malformed event.")
    event_id, event_type = payload.get("id"), payload.get("type")
    data = payload.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not (
        isinstance(event_id, str)
        and 0 < len(event_id) <= 255
        and event_id.isprintable()
        and isinstance(event_type, str)
        and 0 < len(event_type) <= 100
        and event_type.isprintable()
        and isinstance(obj, dict)
    ):
        return _bad("Malformed event.")

    handler = HANDLERS.get(event_type)
    if handler is None:
        log.debug("Stripe event %s (%s) ignored", event_id, event_type)
        return JsonResponse({"received": True, "ignored": True})
    if ProcessedEvent.objects.filter(event_id=event_id).exists():
        return JsonResponse({"received": True, "duplicate": True})
    try:
        # One customer's events are handled one at a time, fetch and store together, so a
        # late answer from Stripe can never be stored over a newer one (services says how).
        with services.lock_for(obj):
            return _handle(handler, obj, event_id, event_type)
    except services.CustomerBusy:
        log.warning("Customer of %s busy for too long; Stripe will retry", event_id)
        return HttpResponse("Busy, retry later.", status=503)


def _handle(handler, obj: dict, event_id: str, event_type: str):
    try:
        commit = handler(obj)
    except Malformed as error:
        log.warning("Stripe event %s (%s) malformed: %s", event_id, event_type, error)
        return _bad("Malformed event.")
    except UNAVAILABLE as error:
        log.warning("Stripe unreachable handling %s; Stripe will retry: %s", event_id, error)
        return HttpResponse("Stripe unavailable, retry later.", status=503)
    except stripe.StripeError as error:
        # Stripe refused our request; a retry would get the same answer. Reconciliation
        # catches whatever this leaves behind.
        log.error("Stripe refused a request while handling %s: %s", event_id, error)
        return JsonResponse({"received": True, "error": "stripe refused"})
    with transaction.atomic():
        # Recorded in the same transaction as the change: both happen, or neither. The insert
        # comes first, so a concurrent delivery of the same event waits here, then is a duplicate.
        try:
            with transaction.atomic():
                ProcessedEvent.objects.create(event_id=event_id, type=event_type)
        except IntegrityError:
            return JsonResponse({"received": True, "duplicate": True})
        if commit is not None:
            commit()
    if event_type in NEW_SUBSCRIPTION_EVENTS:
        _end_duplicates(obj, event_id)
    return JsonResponse({"received": True})


# A reader may have paid twice (two tabs): these say a subscription was just taken out.
NEW_SUBSCRIPTION_EVENTS = {"checkout.session.completed", "customer.subscription.created"}


def _end_duplicates(obj: dict, event_id: str) -> None:
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
