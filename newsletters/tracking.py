"""The provider's tracking webhooks, per newsletter delivery: delivered, bounced, complained,
unsubscribed. anymail checks each webhook's signature before it sends the `tracking` signal, so
a forged one never reaches this receiver (the `emails` app records suppressions from the same
signal)."""

import logging

from anymail.signals import tracking
from django.dispatch import receiver
from django.utils import timezone

from .models import Delivery, DeliveryEvent

logger = logging.getLogger(__name__)

KINDS = {kind.value for kind in DeliveryEvent.Kind}


def _delivery_for(event) -> Delivery | None:
    # Batch sends carry our delivery id as per-recipient metadata; otherwise the provider's
    # message id, which we stored when it accepted the message.
    delivery_id = (event.metadata or {}).get("delivery")
    rows = Delivery.objects.all()
    if delivery_id and str(delivery_id).isdigit():
        return rows.filter(pk=int(delivery_id)).first()
    if event.message_id:
        found = rows.filter(message_id=str(event.message_id))
        if event.recipient:
            found = found.filter(email__iexact=event.recipient)
        return found.first()
    return None


@receiver(tracking, dispatch_uid="newsletters.record_delivery_event")
def record_delivery_event(sender, event, esp_name, **kwargs) -> None:
    if event.event_type not in KINDS:
        return
    delivery = _delivery_for(event)
    if delivery is None:
        return  # not a newsletter (a receipt, a sign-in code), or not ours
    DeliveryEvent.objects.get_or_create(
        delivery=delivery,
        kind=event.event_type,
        defaults={"at": event.timestamp or timezone.now()},
    )
