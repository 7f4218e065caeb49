"""The publisher's actions on one member's billing, from the admin's member page: their
invoices as Stripe has them, cancelling a subscription, refunding the last invoice.

Stripe answers first and our rows follow what it says (`apply_subscription`), holding the
customer's lock as every other sync does. The caller writes the audit log.
"""

from dataclasses import dataclass
from datetime import datetime

import stripe

from ..models import Customer, Subscription
from ..stripe_client import as_dict, get_client
from .customers import customer_lock, idempotency_key, to_datetime
from .sync import apply_subscription

INVOICES_SHOWN = 24


class NothingToRefund(Exception):
    """The member has no paid invoice with money left to refund."""


class AlreadyRefunded(Exception):
    """Stripe says the last invoice's payment was refunded already."""


@dataclass(frozen=True)
class Invoice:
    id: str
    number: str
    created: datetime | None
    status: str
    amount_paid: int
    amount_due: int
    currency: str
    subscription_id: str
    dashboard_url: str


@dataclass(frozen=True)
class Refund:
    id: str
    invoice_id: str
    amount: int
    currency: str


def dashboard_url(kind: str, object_id: str, *, livemode: bool) -> str:
    """Where the publisher sees this object in Stripe's dashboard."""
    mode = "" if livemode else "test/"
    return f"https://dashboard.stripe.com/{mode}{kind}/{object_id}"


def _invoice(data: dict) -> Invoice:
    parent = (data.get("parent") or {}).get("subscription_details") or {}
    return Invoice(
        id=data["id"],
        number=data.get("number") or "",
        created=to_datetime(data.get("created")),
        status=data.get("status") or "",
        amount_paid=data.get("amount_paid") or 0,
        amount_due=data.get("amount_due") or 0,
        currency=data.get("currency") or "",
        subscription_id=parent.get("subscription") or "",
        dashboard_url=dashboard_url("invoices", data["id"], livemode=bool(data.get("livemode"))),
    )


def member_invoices(*, user, limit: int = INVOICES_SHOWN) -> list[Invoice]:
    """The member's latest invoices at Stripe, newest first (none without a customer).

    Network only; Stripe being unreachable raises (stripe_client.UNAVAILABLE).
    """
    customer = Customer.objects.filter(user=user).first()
    if customer is None:
        return []
    listing = get_client().v1.invoices.list(params={"customer": customer.stripe_id, "limit": limit})
    return [_invoice(as_dict(i)) for i in listing.data]


def cancel_member_subscription(*, subscription: Subscription, at_period_end: bool):
    """End a member's subscription at Stripe, now or when the paid period ends, and store
    what Stripe then says. Returns the stored subscription."""
    client = get_client()
    with customer_lock(subscription.stripe_customer_id):
        if at_period_end:
            data = client.v1.subscriptions.update(
                subscription.stripe_id, params={"cancel_at_period_end": True}
            )
        else:
            data = client.v1.subscriptions.cancel(subscription.stripe_id)
        return apply_subscription(data=as_dict(data), user=subscription.user)


def last_paid_invoice(*, user) -> Invoice | None:
    """The member's newest invoice with money paid, the one a refund would refund."""
    paid = [i for i in member_invoices(user=user) if i.status == "paid" and i.amount_paid]
    return max(paid, key=lambda i: (i.created or datetime.min, i.id), default=None)


def refund_last_invoice(*, user, invoice_id: str) -> Refund:
    """Refund in full the payment of the member's last paid invoice.

    `invoice_id` is the invoice the publisher confirmed: if a newer one was paid since, it
    is refused rather than refunding something they did not see. Raises NothingToRefund or
    AlreadyRefunded; a repeated click refunds once (idempotency key and Stripe's refusal).
    """
    invoice = last_paid_invoice(user=user)
    if invoice is None or invoice.id != invoice_id:
        raise NothingToRefund(invoice_id)
    client = get_client()
    payments = client.v1.invoice_payments.list(params={"invoice": invoice.id, "status": "paid"})
    for payment in payments.auto_paging_iter():
        intent = payment.payment.payment_intent
        if not intent:
            continue
        intent_id = intent if isinstance(intent, str) else intent.id
        # A refund repeated with the same idempotency key would answer with the first
        # refund, as if made again: ask the charge whether it was refunded already.
        charge_id = client.v1.payment_intents.retrieve(intent_id).latest_charge
        if charge_id and client.v1.charges.retrieve(str(charge_id)).refunded:
            raise AlreadyRefunded(invoice.id)
        try:
            refund = client.v1.refunds.create(
                params={
                    "payment_intent": intent_id,
                    "reason": "requested_by_customer",
                    "metadata": {"invoice": invoice.id, "by": "publisher"},
                },
                options={"idempotency_key": idempotency_key("member-refund", intent_id)},
            )
        except stripe.InvalidRequestError as error:
            if error.code == "charge_already_refunded":
                raise AlreadyRefunded(invoice.id) from error
            raise
        return Refund(
            id=refund.id, invoice_id=invoice.id, amount=refund.amount, currency=refund.currency
        )
    raise NothingToRefund(invoice.id)
