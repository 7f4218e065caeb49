"""Gift subscription flows: buying (a one-time Checkout payment), recording the payment from
what Stripe says, redeeming, and refunding. Keyword-only; our own exceptions.

Longer than 400 lines on purpose: the four steps of one gift's life share its lock and rules.

When the recipient already pays for a subscription they must never pay twice for the same
months, and we change nothing at Stripe on their behalf. So:

- a subscription set to end (cancel at period end) is fine: the gift's months start when the
  paid period ends;
- a subscription that renews (or is past due) refuses redemption (`StillPaying`): the page
  tells them to turn off renewal in "Manage billing" and come back; the gift stays claimable
  for its whole claim window (GIFT_CLAIM_DAYS from payment);
- a second gift starts when the gifted months already redeemed end;
- a gift holder who subscribes meanwhile gets a free trial up to the gift's end
  (subscriptions.services.checkout asks `gift_access_ends`), so their first charge comes when
  the gift runs out.
"""

import calendar
import logging
from datetime import datetime, time, timedelta

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from desk.audit import record
from emails.models import SentOnce
from emails.sending import queue_message
from newsroom import clock
from newsroom.emails import build_message, render_email
from newsroom.site import absolute
from subscriptions.attribution import checkout_source, stored_source
from subscriptions.entitlements import forget, gift_access_ends
from subscriptions.models import GRANTING, Plan, Subscription
from subscriptions.money import format_money
from subscriptions.services import idempotency_key
from subscriptions.stripe_client import as_dict, get_client

from .models import MONTHS, Gift

log = logging.getLogger(__name__)


class GiftError(Exception):
    """A gift flow refused; `str()` is the sentence for the person."""


class NotOnSale(GiftError):
    pass


class GiftClosed(GiftError):
    """Forged, refunded, already redeemed, expired or unpaid: `kind` says which."""

    def __init__(self, kind: str, gift: Gift | None = None):
        super().__init__(kind)
        self.kind = kind
        self.gift = gift


class StillPaying(GiftError):
    def __init__(self, subscription: Subscription):
        super().__init__("still paying")
        self.subscription = subscription


class NotRefundable(GiftError):
    pass


# ---------------------------------------------------------------- prices
def _gift_plan() -> Plan | None:
    return Plan.objects.on_sale().filter(monthly_amount__isnull=False).first()


def _price(plan: Plan, months: int) -> tuple[int, str]:
    if months == 12 and plan.yearly_amount:
        return plan.yearly_amount, plan.currency
    return (plan.monthly_amount or 0) * months, plan.currency


def gift_price(months: int) -> tuple[int, str] | None:
    """What `months` of gift cost: the first plan on sale's monthly price times the months,
    or its yearly price for 12 months (the yearly saving applies to gifts too). None when no
    plan is on sale with a monthly price."""
    plan = _gift_plan() if months in MONTHS else None
    return _price(plan, months) if plan is not None else None


def price_list() -> list[dict]:
    """Every length on sale with its price (one query)."""
    plan = _gift_plan()
    if plan is None:
        return []
    return [
        {"months": months, "amount": amount, "currency": currency}
        for months in MONTHS
        for amount, currency in [_price(plan, months)]
    ]


# ---------------------------------------------------------------- buying
def start_gift_checkout(
    *,
    buyer,
    buyer_email: str,
    from_name: str,
    recipient_email: str,
    message: str,
    deliver_on,
    months: int,
    next_url: str,
    success_url: str,
    cancel_url: str,
) -> str:
    """Record a pending gift and open its Checkout Session; the URL to send the buyer to."""
    price = gift_price(months)
    if price is None:
        raise NotOnSale("Gift subscriptions are not on sale right now.")
    amount, currency = price
    source = checkout_source(offer_code="", next_url=next_url, via="")
    gift = Gift.objects.create(
        months=months,
        amount=amount,
        currency=currency,
        buyer=buyer if getattr(buyer, "is_authenticated", False) else None,
        buyer_email=buyer_email,
        from_name=from_name,
        recipient_email=recipient_email,
        message=message,
        deliver_on=deliver_on,
        **stored_source(source),
    )
    metadata = {"gift": str(gift.pk), **source}
    try:
        session = get_client().v1.checkout.sessions.create(
            params={
                "mode": "payment",
                "line_items": [
                    {
                        "price_data": {
                            "currency": currency,
                            "unit_amount": amount,
                            "product_data": {
                                "name": f"{settings.SITE_NAME} gift subscription: "
                                f"{months} month{'s' if months != 1 else ''}"
                            },
                        },
                        "quantity": 1,
                    }
                ],
                "customer_email": buyer_email,
                "client_reference_id": f"gift-{gift.pk}",
                "metadata": metadata,
                "payment_intent_data": {"metadata": metadata},
                "submit_type": "pay",
                "success_url": success_url,
                "cancel_url": cancel_url,
            },
            options={"idempotency_key": idempotency_key("gift-checkout", gift.pk)},
        )
    except stripe.StripeError:
        gift.delete()  # nothing was bought: no row left waiting for a payment
        raise
    Gift.objects.filter(pk=gift.pk).update(checkout_session_id=session.id)
    return str(session.url)


def fetch_session(session_id: str) -> dict | None:
    try:
        return as_dict(get_client().v1.checkout.sessions.retrieve(session_id))
    except stripe.InvalidRequestError as error:
        if error.http_status == 404 or error.code == "resource_missing":
            return None
        raise


def _gift_id(session: dict) -> int | None:
    value = (session.get("metadata") or {}).get("gift")
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 18:
        return int(value)
    return None


def record_paid_session(session: dict) -> Gift | None:
    """Mark the gift of a Checkout Session *as Stripe has it* paid, once: schedule its
    delivery and email the buyer a receipt. The webhook and the buyer's return both call it
    with a re-fetched session; the first wins, the second finds the gift already paid."""
    gift_id = _gift_id(session)
    if session.get("mode") != "payment" or gift_id is None:
        return None
    if session.get("status") != "complete" or session.get("payment_status") != "paid":
        return None
    with transaction.atomic():
        gift = (
            Gift.objects.select_for_update()
            .filter(pk=gift_id, checkout_session_id=session.get("id"))
            .first()
        )
        if gift is None or gift.state != Gift.State.PENDING:
            return gift
        if session.get("amount_total") != gift.amount or session.get("currency") != gift.currency:
            log.error("Gift %s: session %s paid another amount", gift.pk, session.get("id"))
            return None
        now = clock.now()
        gift.state = Gift.State.PAID
        gift.paid_at = now
        gift.claim_by = now + Gift.claim_window()
        intent = session.get("payment_intent")
        gift.payment_intent_id = intent if isinstance(intent, str) else ""
        gift.save()
        from .tasks import deliver_gift

        deliver_gift.using(run_after=delivery_time(gift)).enqueue(gift.pk)
        _send_once(f"gift-{gift.pk}-receipt", "giftsubs/email/receipt", gift, gift.buyer_email)
    return gift


def delivery_time(gift: Gift) -> datetime:
    """The start of the delivery date in TIME_ZONE, or now when that has passed."""
    start = timezone.make_aware(datetime.combine(gift.deliver_on, time(0)))
    return max(start, clock.now())


# ---------------------------------------------------------------- emails
def email_context(gift: Gift) -> dict:
    return {
        "gift": gift,
        "price": format_money(gift.amount, gift.currency),
        "giver": gift.from_name or gift.buyer_email,
        "redeem_url": absolute(reverse("giftsubs:redeem", args=[gift.token])),
        "pricing_url": absolute(reverse("subscriptions:pricing")),
    }


def _send_once(key: str, template: str, gift: Gift, to: str) -> bool:
    """Queue one email unless one with `key` was queued before (a task may run twice)."""
    try:
        with transaction.atomic():
            SentOnce.objects.create(key=key)
            rendered = render_email(template, email_context(gift))
            queue_message(build_message(rendered, to=[to]))
    except IntegrityError:
        return False
    return True


def deliver(gift: Gift) -> bool:
    """Email the recipient their gift (once); True if it was sent now."""
    sent = _send_once(f"gift-{gift.pk}-delivery", "giftsubs/email/gift", gift, gift.recipient_email)
    Gift.objects.filter(pk=gift.pk, delivered_at__isnull=True).update(delivered_at=clock.now())
    return sent


def remind(gift: Gift) -> bool:
    """Invite the recipient to subscribe before their gift ends, unless they already pay or
    another gift follows this one."""
    user = gift.redeemed_by
    if user is None or gift.state != Gift.State.REDEEMED or gift.access_ends is None:
        return False
    if gift.access_ends <= clock.now() or Subscription.objects.live().filter(user=user).exists():
        return False
    later = gift_access_ends(user)
    if later and later > gift.access_ends:
        return False
    return _send_once(f"gift-{gift.pk}-ending", "giftsubs/email/ending", gift, user.email)


# ---------------------------------------------------------------- redeeming
def add_months(when: datetime, months: int) -> datetime:
    month = when.month - 1 + months
    year, month = when.year + month // 12, month % 12 + 1
    return when.replace(
        year=year, month=month, day=min(when.day, calendar.monthrange(year, month)[1])
    )


def problem(gift: Gift | None, *, now=None) -> str:
    """Why this gift cannot be redeemed now: forged, refunded, redeemed, expired, unpaid; ''."""
    now = now or clock.now()
    if gift is None:
        return "forged"
    if gift.state == Gift.State.REFUNDED:
        return "refunded"
    if gift.state == Gift.State.REDEEMED:
        return "redeemed"
    if gift.state != Gift.State.PAID:
        return "unpaid"
    if gift.claim_by is None or gift.claim_by <= now:
        return "expired"
    return ""


def paying_subscription(user) -> Subscription | None:
    """A live subscription that will charge the reader again (not set to end): the gift waits."""
    live = Subscription.objects.live().filter(user=user).first()
    if live is None:
        return None
    ending = live.cancel_at_period_end and live.status in GRANTING and live.current_period_end
    return None if ending else live


def redeem(*, token: str, user) -> Gift:
    """Give `user` the gift's months, from now or from when what they have already ends."""
    with transaction.atomic():
        gift = Gift.objects.select_for_update().filter(token=token).first()
        now = clock.now()
        kind = problem(gift, now=now)
        if kind:
            raise GiftClosed(kind, gift)
        assert gift is not None
        paying = paying_subscription(user)
        if paying is not None:
            raise StillPaying(paying)
        starts = now
        live = Subscription.objects.live().filter(user=user).first()
        if live is not None and live.current_period_end:
            starts = max(starts, live.current_period_end)
        starts = max(starts, gift_access_ends(user) or now)
        gift.state = Gift.State.REDEEMED
        gift.redeemed_by = user
        gift.redeemed_at = now
        gift.access_starts = starts
        gift.access_ends = add_months(starts, gift.months)
        gift.save()
        from .tasks import remind_gift_ending

        remind_at = gift.access_ends - timedelta(days=settings.GIFT_REMINDER_DAYS)
        remind_gift_ending.using(run_after=max(remind_at, now)).enqueue(gift.pk)
    forget(user)
    return gift


# ---------------------------------------------------------------- refunds
def refunded_at_stripe(charge_id: str):
    """A refund made at Stripe (its dashboard): re-fetch the charge and, when it is refunded in
    full, revoke the unredeemed gift it paid for. Returns the database work as a callable (the
    webhook runs it in the transaction that records the event), or None."""
    charge = as_dict(get_client().v1.charges.retrieve(charge_id))
    intent = charge.get("payment_intent")
    if not (charge.get("refunded") and isinstance(intent, str) and intent):
        return None

    def commit():
        gift = (
            Gift.objects.select_for_update()
            .filter(payment_intent_id=intent, state=Gift.State.PAID)
            .first()
        )
        if gift is None:
            return
        gift.state = Gift.State.REFUNDED
        gift.refunded_at = clock.now()
        gift.save()
        record(actor=None, action="gift.refunded", target=str(gift), gift=gift.pk, at="stripe")

    return commit


def refund(*, gift_id: int, actor) -> Gift:
    """Refund an unredeemed gift at Stripe and revoke it; audit-logged.

    The gift's row stays locked while Stripe answers: a recipient redeeming at that moment
    waits, then finds it refunded, so nobody gets both the money back and the months."""
    with transaction.atomic():
        gift = Gift.objects.select_for_update().filter(pk=gift_id).first()
        if gift is None or gift.state != Gift.State.PAID:
            raise NotRefundable(
                "Only a paid gift nobody has redeemed can be refunded here"
                + (f" (this one is {gift.get_state_display().lower()})." if gift else ".")
            )
        if not gift.payment_intent_id:
            raise NotRefundable("Stripe did not tell us the payment of this gift.")
        try:
            made = get_client().v1.refunds.create(
                params={
                    "payment_intent": gift.payment_intent_id,
                    "reason": "requested_by_customer",
                    "metadata": {"gift": str(gift.pk)},
                },
                options={"idempotency_key": idempotency_key("gift-refund", gift.pk)},
            )
            refund_id = made.id
        except stripe.InvalidRequestError as error:
            if error.code != "charge_already_refunded":
                raise
            refund_id = ""  # refunded at Stripe already (its dashboard): revoke it here too
        gift.state = Gift.State.REFUNDED
        gift.refunded_at = clock.now()
        gift.refund_id = refund_id
        gift.save()
        record(
            actor=actor,
            action="gift.refunded",
            target=str(gift),
            gift=gift.pk,
            amount=gift.amount,
            currency=gift.currency,
            refund=refund_id,
        )
    return gift
