"""Processing stored Stripe events (the endpoint, subscriptions/webhooks.py, only stores them).

A worker claims a batch of due events with a lease, applies each through the one dispatch table
(handlers.HANDLERS) and marks it processed in the transaction that applies it, so an event is
applied once however many workers race for it. A passing failure (Stripe slow or down, the
customer busy, the database gone) is recorded on the event and retried with backoff; after
STRIPE_EVENT_ATTEMPTS it is failed, and the admin can retry it. A worker that dies leaves its
lease to run out, and the sweep (tasks.sweep_stripe_events) has the event taken again.
"""

import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta

import stripe
from django.conf import settings
from django.db import transaction
from django.db.models import F

from newsroom import clock

from . import services
from .handlers import HANDLERS, NEW_SUBSCRIPTION_EVENTS, Malformed, end_duplicates
from .models import StripeEvent
from .stripe_client import UNAVAILABLE

log = logging.getLogger(__name__)


def backoff(attempts: int) -> timedelta:
    """After `attempts` failures: base, 2×base, 4×base ..., at most an hour."""
    base = settings.STRIPE_EVENT_BACKOFF
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def claim(*, limit: int, now=None) -> list[StripeEvent]:
    """Lease up to `limit` due events, oldest first; two workers never get the same one."""
    now = now or clock.now()
    with transaction.atomic():
        ids = list(
            StripeEvent.objects.due(now)
            .order_by("received_at", "id")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:limit]
        )
        if not ids:
            return []
        lease = now + timedelta(seconds=settings.STRIPE_EVENT_LEASE)
        StripeEvent.objects.filter(id__in=ids).update(claimed_until=lease)
    return list(StripeEvent.objects.filter(id__in=ids).order_by("received_at", "id"))


def process(event: StripeEvent) -> str:
    """Apply one stored event; what became of it ("processed", "retry", "failed", "skipped")."""
    handler = HANDLERS.get(event.type)
    obj = _object_of(event)
    if handler is None or not isinstance(obj, dict):
        return _give_up(event, "No handler for this event, or no object in it.")
    try:
        # One customer's events are handled one at a time, fetch and store together, so a
        # late answer from Stripe can never be stored over a newer one (services says how).
        with services.lock_for(obj):
            commit = handler.run(obj)
            applied = _apply(event, commit)
            if applied and event.type in NEW_SUBSCRIPTION_EVENTS:
                end_duplicates(obj, event.event_id)
    except Malformed as error:
        log.warning("Stripe event %s (%s) malformed: %s", event.event_id, event.type, error)
        return _give_up(event, f"Malformed: {error}")
    except (*UNAVAILABLE, services.CustomerBusy) as error:
        return _retry(event, error)
    except stripe.StripeError as error:
        # Stripe refused our request; the same request would get the same answer. Reconciliation
        # catches what this leaves behind, and staff can retry the event from the admin.
        log.error("Stripe refused a request while handling %s: %s", event.event_id, error)
        return _give_up(event, f"Stripe refused: {error}")
    except Exception as error:
        # A database that restarts mid-handling, or a bug: recorded and retried. If the database
        # cannot even record it, this raises and the event's lease runs out instead.
        log.exception("Processing Stripe event %s failed", event.event_id)
        return _retry(event, error)
    return "processed" if applied else "skipped"


def _object_of(event: StripeEvent) -> dict | None:
    # Checked by the endpoint before it was stored; checked again, as it is read from the table.
    try:
        data = json.loads(event.payload).get("data")
    except (ValueError, AttributeError, RecursionError):
        return None
    obj = data.get("object") if isinstance(data, dict) else None
    return obj if isinstance(obj, dict) else None


def _apply(event: StripeEvent, commit: Callable[[], object] | None) -> bool:
    with transaction.atomic():
        # Marked first: the UPDATE's row lock makes a second worker holding the same event wait
        # here, then find it processed and skip it. If the commit fails, the mark rolls back.
        marked = StripeEvent.objects.filter(pk=event.pk, processed_at__isnull=True).update(
            processed_at=clock.now(),
            attempts=F("attempts") + 1,
            last_error="",
            claimed_until=None,
        )
        if not marked:
            return False
        if commit is not None:
            commit()
    return True


def _retry(event: StripeEvent, error: BaseException) -> str:
    attempts = event.attempts + 1
    message = f"{type(error).__name__}: {error}"[:2000]
    if attempts >= settings.STRIPE_EVENT_ATTEMPTS:
        log.error(
            "Stripe event %s failed %d times; giving up: %s", event.event_id, attempts, message
        )
        _record(event, attempts=attempts, last_error=message, gave_up_at=clock.now())
        return "failed"
    log.warning(
        "Stripe event %s attempt %d failed, retrying: %s", event.event_id, attempts, message
    )
    _record(
        event,
        attempts=attempts,
        last_error=message,
        next_attempt_at=clock.now() + backoff(attempts),
    )
    return "retry"


def _give_up(event: StripeEvent, message: str) -> str:
    _record(event, attempts=event.attempts + 1, last_error=message, gave_up_at=clock.now())
    return "failed"


def _record(event: StripeEvent, **fields) -> None:
    # Only while still unprocessed: a racing worker may have applied it meanwhile.
    StripeEvent.objects.filter(pk=event.pk, processed_at__isnull=True).update(
        claimed_until=None, **fields
    )


def process_due(*, budget: float, batch: int) -> dict[str, int]:
    """Process due events in batches until none is left or `budget` seconds have passed."""
    counts: dict[str, int] = {}
    stop = time.monotonic() + budget
    while time.monotonic() < stop and (events := claim(limit=batch)):
        for position, event in enumerate(events):
            if time.monotonic() >= stop:
                # Out of time: hand the rest back at once rather than wait for their lease.
                rest = [e.pk for e in events[position:]]
                StripeEvent.objects.filter(pk__in=rest).update(claimed_until=None)
                break
            outcome = process(event)
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def retry(queryset) -> int:
    """Make unprocessed events due again, from a first attempt (the admin's Retry)."""
    return queryset.filter(processed_at__isnull=True).update(
        gave_up_at=None, attempts=0, next_attempt_at=clock.now(), claimed_until=None
    )


def next_retry_at():
    """When the earliest event waiting out a backoff is due, if any."""
    return (
        StripeEvent.objects.pending()
        .filter(next_attempt_at__gt=clock.now())
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
