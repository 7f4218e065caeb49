"""The provider's tracking webhooks (anymail's views, signed) → suppressions.

anymail validates each webhook (HTTP basic auth with ANYMAIL_WEBHOOK_SECRET, plus the
provider's own signature where it has one) before it sends the `tracking` signal; a forged or
unsigned request is answered 400 and never reaches this receiver. The URLs exist only when
ANYMAIL_WEBHOOK_SECRET is set (newsroom/urls.py).
"""

import logging

from anymail.signals import tracking
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from .models import Reason, Suppression

log = logging.getLogger(__name__)

SUPPRESSING = {
    "bounced": Reason.BOUNCED,
    "complained": Reason.COMPLAINED,
    "unsubscribed": Reason.UNSUBSCRIBED,
}
# A stronger reason is never replaced by a weaker one (an unsubscribe after a complaint).
STRENGTH = [Reason.UNSUBSCRIBED, Reason.BOUNCED, Reason.COMPLAINED]


@receiver(tracking, dispatch_uid="emails.record_suppression")
def record_suppression(sender, event, esp_name, **kwargs) -> None:
    reason = SUPPRESSING.get(event.event_type)
    recipient = (event.recipient or "").strip().lower()
    if reason is None or not recipient or "@" not in recipient or len(recipient) > 254:
        return
    detail = " ".join(filter(None, [event.reject_reason, event.description, event.mta_response]))
    with transaction.atomic():
        existing = Suppression.objects.select_for_update().filter(address=recipient).first()
        if existing and STRENGTH.index(Reason(existing.reason)) > STRENGTH.index(reason):
            return
        Suppression.objects.update_or_create(
            address=recipient,
            defaults={
                "reason": reason,
                "provider": esp_name or "",
                "detail": detail[:2000],
                "event_at": event.timestamp or timezone.now(),
            },
        )
    log.info("Suppressed %s: %s (%s)", recipient, reason, esp_name)
