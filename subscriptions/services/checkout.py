"""Checkout and the Customer Portal: starting a session, and completing it on return."""

import logging
from typing import cast

import stripe
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from stripe.params.billing_portal import SessionCreateParams as PortalSessionCreateParams
from stripe.params.billing_portal import SessionCreateParamsFlowData
from stripe.params.checkout import SessionCreateParams, SessionCreateParamsSubscriptionData

from newsroom.site import absolute

from ..attribution import checkout_source
from ..entitlements import gift_days_left, may_start_trial
from ..models import (
    CANCELLABLE,
    Customer,
    DuplicateSubscription,
    Offer,
    Plan,
    Status,
    Subscription,
)
from ..stripe_client import as_dict, get_client
from .customers import customer_lock, ensure_customer, idempotency_key, is_missing, link_if_unlinked
from .duplicates import end_duplicate_subscriptions
from .sync import sync_subscription

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- checkout + portal
def start_checkout(
    *,
    user,
    plan: Plan,
    interval: str,
    success_url: str,
    cancel_url: str,
    return_to: str,
    attempt: str,
    offer: Offer | None = None,
    via: str = "",
) -> str:
    """Create a Checkout Session for `plan` and return the URL to send the reader to.

    A plan's free trial, or a trial offer's (which replaces it), goes only to a reader who has
    never subscribed; Checkout still takes their card (payment_method_collection "always"),
    and Stripe charges when the trial ends. A discount offer goes to Checkout as `discounts`.
    """
    price_id = plan.price_id(interval)
    trial_offer = offer is not None and offer.is_trial
    days = (offer.trial_days or 0) if trial_offer and offer else plan.trial_days
    trial_days = days if days and may_start_trial(user) else 0
    # A reader still on a gift subscription pays from when it ends (giftsubs/services.py).
    trial_days = max(trial_days, gift_days_left(user))
    customer = ensure_customer(user=user)
    metadata = {"user_id": str(user.pk)}
    if offer is not None:
        metadata["offer"] = offer.code
    metadata.update(
        checkout_source(offer_code=offer.code if offer else "", next_url=return_to, via=via)
    )
    subscription_data: SessionCreateParamsSubscriptionData = {"metadata": metadata}
    if trial_days:
        subscription_data["trial_period_days"] = trial_days
    params: SessionCreateParams = {
        "mode": "subscription",
        "customer": customer.stripe_id,
        "client_reference_id": str(user.pk),
        # Our plans decide the price and quantity; nothing from the browser does.
        "line_items": [{"price": price_id, "quantity": 1}],
        "payment_method_collection": "always",
        "success_url": success_url,
        "cancel_url": cancel_url,
        "metadata": {**metadata, "return_to": return_to},
        "subscription_data": subscription_data,
        # The reader agrees to our terms of sale on Stripe's page, beside a link to them and to
        # the refunds policy (Stripe also needs the terms URL in the account's settings).
        "consent_collection": {"terms_of_service": "required"},
        "custom_text": {"terms_of_service_acceptance": {"message": terms_sentence()}},
    }
    if settings.STRIPE_AUTOMATIC_TAX:
        # Stripe Tax needs the reader's address: asked on Stripe's page and kept on the
        # customer, so each renewal is taxed where they live.
        params["automatic_tax"] = {"enabled": True}
        params["billing_address_collection"] = "required"
        params["customer_update"] = {"address": "auto"}
    if offer is not None and not trial_offer:
        # Stripe takes either a discount or a code box, not both.
        params["discounts"] = [{"promotion_code": offer.stripe_promotion_code_id}]
    elif offer is None:
        params["allow_promotion_codes"] = True
    key = idempotency_key(
        "checkout", user.pk, price_id, attempt, trial_days, offer.code if offer else ""
    )
    # The same form submitted twice (double click, retry) gets the same session.
    session = get_client().v1.checkout.sessions.create(
        params=params, options={"idempotency_key": key}
    )
    # Typed optional because embedded sessions have none; a hosted one always has its URL.
    return cast(str, session.url)


def terms_sentence() -> str:
    """The sentence beside Checkout's terms box; Stripe renders its Markdown links."""
    terms, refunds = absolute(reverse("pages:terms")), absolute(reverse("pages:refunds"))
    return f"I agree to the [Terms of sale]({terms}) and the [Refunds policy]({refunds})."


def portal_url(*, user, return_url: str) -> str | None:
    """A Customer Portal session for the reader's own customer, or None if they have none."""
    customer = Customer.objects.filter(user=user).first()
    if customer is None:
        return None
    session = get_client().v1.billing_portal.sessions.create(
        params={"customer": customer.stripe_id, "return_url": return_url}
    )
    return session.url


def cancel_url(*, user, return_url: str) -> str | None:
    """A Customer Portal session that goes straight to cancelling the reader's subscription,
    offering the retention offer first when there is one for them; None when they have no
    subscription to cancel.

    The retention offer goes to an active subscription without a discount now. Should Stripe
    refuse it (the coupon ended at Stripe, say), the reader can still cancel: the flow is
    opened again without it.
    """
    customer = Customer.objects.filter(user=user).first()
    subscription = (
        Subscription.objects.filter(user=user, status__in=CANCELLABLE, cancel_at_period_end=False)
        .select_related("discount_offer")
        .first()
    )
    if customer is None or subscription is None:
        return None
    flow: SessionCreateParamsFlowData = {
        "type": "subscription_cancel",
        "subscription_cancel": {"subscription": subscription.stripe_id},
        "after_completion": {"type": "redirect", "redirect": {"return_url": return_url}},
    }
    params: PortalSessionCreateParams = {
        "customer": customer.stripe_id,
        "return_url": return_url,
        "flow_data": flow,
    }
    retention = retention_offer_for(subscription)
    if retention is not None:
        with_offer: SessionCreateParamsFlowData = {
            **flow,
            "subscription_cancel": {
                "subscription": subscription.stripe_id,
                "retention": {
                    "type": "coupon_offer",
                    "coupon_offer": {"coupon": retention.stripe_coupon_id},
                },
            },
        }
        try:
            session = get_client().v1.billing_portal.sessions.create(
                params={**params, "flow_data": with_offer}
            )
            return session.url
        except stripe.InvalidRequestError as error:
            log.warning("Stripe refused retention offer %s: %s", retention.code, error)
    return get_client().v1.billing_portal.sessions.create(params=params).url


def retention_offer_for(subscription: Subscription) -> Offer | None:
    """The retention offer a cancelling subscriber may be shown, if any."""
    if subscription.status != Status.ACTIVE:
        return None
    discounted_now = subscription.discount_offer_id is not None and (
        subscription.discount_ends_at is None or subscription.discount_ends_at > timezone.now()
    )
    if discounted_now:
        return None
    return (
        Offer.objects.live()
        .filter(is_retention=True, kind__in=[Offer.Kind.PERCENT, Offer.Kind.AMOUNT])
        .exclude(stripe_coupon_id="")
        .first()
    )


def fetch_checkout_session(session_id: str) -> dict | None:
    """A Checkout Session as Stripe has it now, or None if Stripe has no such session."""
    try:
        return as_dict(get_client().v1.checkout.sessions.retrieve(session_id))
    except stripe.InvalidRequestError as error:
        if is_missing(error) or error.http_status == 404:
            return None
        raise


class CheckoutNotFound(Exception):
    """No such Checkout Session for this reader (missing, someone else's, or no subscription):
    all look the same to the browser."""


class CheckoutNotPaid(Exception):
    """The reader's Checkout Session exists but is not complete and paid."""


def complete_checkout(
    *, user, session_id: str
) -> tuple[Subscription | None, str, list[DuplicateSubscription]]:
    """Apply a finished Checkout Session on the reader's return.

    Returns (subscription, return_to, duplicates ended just now). Raises CheckoutNotFound or
    CheckoutNotPaid.
    """
    session = fetch_checkout_session(session_id)
    if session is None:
        raise CheckoutNotFound("no such session")
    customer_id = session.get("customer") or ""
    own_customer = Customer.objects.filter(user=user).values_list("stripe_id", flat=True).first()
    if session.get("client_reference_id") != str(user.pk) or (
        own_customer and customer_id != own_customer
    ):
        raise CheckoutNotFound("not this reader's session")
    if session.get("status") != "complete" or session.get("payment_status") not in (
        "paid",
        "no_payment_required",
    ):
        raise CheckoutNotPaid("not paid")
    subscription_id = session.get("subscription")
    if not isinstance(subscription_id, str) or not customer_id:
        raise CheckoutNotFound("no subscription on this session")
    link_if_unlinked(user=user, stripe_customer_id=customer_id)
    with customer_lock(customer_id):
        sync_subscription(stripe_subscription_id=subscription_id, user=user)
        ended = end_duplicate_subscriptions(customer_id=customer_id)
    subscription = Subscription.objects.filter(stripe_id=subscription_id).first()
    return_to = (session.get("metadata") or {}).get("return_to") or ""
    return subscription, return_to, ended
