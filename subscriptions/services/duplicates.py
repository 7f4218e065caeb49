"""Two tabs, two subscriptions: keep the first, cancel and refund the second."""

import logging

import stripe
from django.conf import settings
from django.urls import reverse

from emails.sending import send_in_layout

from ..models import (
    DuplicateSubscription,
    Status,
)
from ..money import format_money
from ..stripe_client import as_dict, get_client
from .customers import idempotency_key, is_missing, user_for_customer
from .sync import apply_subscription, live_at_stripe

log = logging.getLogger(__name__)


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
    live = live_at_stripe(customer_id)
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
                options={"idempotency_key": idempotency_key("duplicate-refund", intent_id)},
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
    send_in_layout(
        to=record.user.email,
        template_prefix="subscriptions/email/duplicate_cancelled",
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
