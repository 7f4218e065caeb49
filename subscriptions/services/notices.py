"""Billing emails a reader is sent once per invoice or subscription event."""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from emails.sending import send_in_layout

from ..models import (
    PaymentActionNotice,
    PaymentFailureNotice,
    Subscription,
)
from ..money import format_money
from .customers import user_for_customer

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- emails
# Queued in the same transaction as the notice (emails.sending): a rolled-back webhook queues
# nothing and is redelivered; a committed one has its email sent by a worker, with retries.


def _first_notice(model, *, invoice_id: str, user) -> bool:
    """Record that this invoice's reader was told; False when they already were (one email each)."""
    try:
        with transaction.atomic():
            model.objects.create(invoice_id=invoice_id, user=user)
    except IntegrityError:
        return False
    return True


def notify_payment_failed(
    *, invoice_id: str, customer_id: str, amount_due: int | None, currency: str
) -> bool:
    """Email the reader once per failed invoice, with a way to update their card."""
    user = user_for_customer(customer_id)
    if user is None or not _first_notice(PaymentFailureNotice, invoice_id=invoice_id, user=user):
        return False
    context = {
        "user": user,
        "site_name": settings.SITE_NAME,
        "billing_url": settings.SITE_URL + reverse("accounts:account"),
        "amount": format_money(amount_due, currency),
    }
    send_in_layout(
        to=user.email, template_prefix="subscriptions/email/payment_failed", context=context
    )
    return True


def notify_payment_action_required(*, invoice: dict) -> bool:
    """Email the reader once per invoice whose payment their bank wants them to confirm
    (strong customer authentication), with Stripe's hosted invoice page to do it on."""
    invoice_id, customer_id = invoice.get("id"), invoice.get("customer")
    url = invoice.get("hosted_invoice_url")
    if not (isinstance(invoice_id, str) and isinstance(customer_id, str) and isinstance(url, str)):
        return False
    # Only Stripe's own page (or the stand-in's) goes into an email from us.
    allowed = (
        ("https://", f"{settings.STRIPE_API_BASE}/") if settings.STRIPE_API_BASE else ("https://",)
    )
    if not url.startswith(allowed):
        log.warning("Ignoring hosted invoice URL %r of %s", url, invoice_id)
        return False
    user = user_for_customer(customer_id)
    if user is None or not _first_notice(PaymentActionNotice, invoice_id=invoice_id, user=user):
        return False
    context = {
        "user": user,
        "site_name": settings.SITE_NAME,
        "invoice_url": url,
        "amount": format_money(invoice.get("amount_due"), invoice.get("currency") or ""),
        "account_url": settings.SITE_URL + reverse("accounts:account"),
    }
    send_in_layout(
        to=user.email,
        template_prefix="subscriptions/email/payment_action_required",
        context=context,
    )
    return True


def notify_trial_ending(*, subscription: Subscription) -> None:
    """Tell the reader their free trial ends soon, before the first charge surprises them."""
    user = subscription.user
    context = {
        "user": user,
        "site_name": settings.SITE_NAME,
        "plan": subscription.plan.name if subscription.plan else "",
        "ends": subscription.current_period_end,
        "cancel_at_period_end": subscription.cancel_at_period_end,
        "account_url": settings.SITE_URL + reverse("accounts:account"),
    }
    send_in_layout(
        to=user.email, template_prefix="subscriptions/email/trial_ending", context=context
    )
