"""Deferred gift work: the recipient's email on the delivery date, and the invitation to
subscribe before the gift's months end. Both are enqueued with `run_after` on the shared clock
(newsroom.clock) and are safe to run twice."""

from jobs.tasks import retried_task
from newsroom import clock

from . import services
from .models import Gift


@retried_task(attempts=6)
def deliver_gift(gift_id: int) -> str:
    gift = Gift.objects.filter(pk=gift_id).first()
    if gift is None or gift.state != Gift.State.PAID:
        # Refunded (or already redeemed) before its date: nothing to send.
        return "not deliverable"
    if gift.deliver_on > clock.localdate():
        deliver_gift.using(run_after=services.delivery_time(gift)).enqueue(gift.pk)
        return "too early; rescheduled"
    return "sent" if services.deliver(gift) else "already sent"


@retried_task(attempts=6)
def remind_gift_ending(gift_id: int) -> str:
    gift = Gift.objects.select_related("redeemed_by").filter(pk=gift_id).first()
    if gift is None:
        return "no such gift"
    return "invited" if services.remind(gift) else "not needed"
