"""Stripe's webhook endpoint: verify, store, answer.

A verified event is written to the database (once: the event id is unique) and answered 200 at
once; a task processes it (subscriptions/events.py, through handlers.HANDLERS), with retries.
The endpoint makes no Stripe call, so a slow Stripe never holds it. Anything malformed is a 400
and stores nothing; a database that is down gives the 503 that makes Stripe retry.
"""

import json
import logging
import re
import time

import stripe
from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .handlers import HANDLERS, Malformed
from .models import StripeEvent
from .tasks import ensure_processing

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
CONTENT_LENGTH = re.compile(r"[0-9]{1,9}")
SIGNATURE_TOLERANCE = 300


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
        text = body.decode()
        # Only the signature: construct_event would build a StripeObject we never use.
        stripe.WebhookSignature.verify_header(
            text, signature or "", settings.STRIPE_WEBHOOK_SECRET, tolerance=SIGNATURE_TOLERANCE
        )
        payload = json.loads(text)
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
    try:
        handler.check(obj)
    except Malformed as error:
        log.warning("Stripe event %s (%s) malformed: %s", event_id, event_type, error)
        return _bad("Malformed event.")
    if not StripeEvent.objects.store(event_id=event_id, type=event_type, payload=text):
        return JsonResponse({"received": True, "duplicate": True})
    # The event is committed (views run in autocommit), so a run still waiting to start will
    # see it: only when none is waiting does this add a task.
    ensure_processing()
    return JsonResponse({"received": True})
