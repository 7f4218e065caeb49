"""Offers: whether one may be taken up, and its page at /offer/<code>/."""

import uuid

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_safe

from newsroom import clock

from .entitlements import may_start_trial
from .models import Offer, Plan, Subscription

# The pricing page's words for the one-trial-per-reader rule, said of an offer.
SECOND_TRIAL = (
    "Free trials are for new subscribers. You have subscribed before, so this offer is not "
    "for you; our plans are still open to you."
)


def find_offer(code) -> Offer | None:
    code = str(code or "").strip().upper()
    if not code or len(code) > 40:
        return None
    return Offer.objects.filter(code=code).prefetch_related("plans").first()


def offer_plans(offer: Offer) -> list[Plan]:
    """The plans on sale this offer applies to (all of them when it names none)."""
    named = {plan.pk for plan in offer.plans.all()}
    return [plan for plan in Plan.objects.on_sale() if not named or plan.pk in named]


def refusal(offer: Offer, *, plan: Plan | None = None, now=None) -> str:
    """Why this offer cannot be taken up now (for that plan), in words; '' when it can."""
    now = now or clock.now()
    if offer.archived_at is not None:
        return "This offer has ended."
    if offer.is_retention:
        return "This offer is not open to new subscribers."
    if offer.starts_at > now:
        when = date_format(timezone.localtime(offer.starts_at), "j F Y")
        return f"This offer starts on {when}."
    if offer.ends_at is not None and offer.ends_at <= now:
        when = date_format(timezone.localtime(offer.ends_at), "j F Y")
        return f"This offer ended on {when}."
    if offer.max_redemptions and offer.subscriptions.count() >= offer.max_redemptions:
        return "This offer has been taken up as many times as it allows."
    if plan is not None and plan.pk not in {p.pk for p in offer_plans(offer)}:
        return "This offer is not for that plan."
    return ""


def trial_refusal(offer: Offer, user) -> str:
    """Why this reader may not take up this trial offer ('' when they may, or it is no trial).

    The rule is `entitlements.may_start_trial`, the one pricing follows: one trial a reader.
    """
    if offer.is_trial and not may_start_trial(user):
        return SECOND_TRIAL
    return ""


def render_offer(request, offer: Offer, *, error: str = "", status: int = 200):
    closed = refusal(offer)
    subscription = None
    if request.user.is_authenticated:
        subscription = Subscription.objects.live().filter(user=request.user).first()
    plans = offer_plans(offer) if not closed else []
    context = {
        "offer": offer,
        "closed": closed,
        # Asked only of a signed-in reader without a live subscription (no query otherwise).
        "not_for_you": "" if closed or subscription else trial_refusal(offer, request.user),
        "subscription": subscription,
        "attempt": uuid.uuid4().hex,
        "offer_plans": [
            {
                "plan": plan,
                "prices": [
                    {**price, "discounted": offer.discounted(price["amount"])}
                    for price in plan.offers()
                ],
            }
            for plan in plans
        ],
        "error": error,
        "tax_added": settings.STRIPE_AUTOMATIC_TAX,
    }
    if closed and status == 200:
        status = 410
    return render(request, "subscriptions/offer.html", context, status=status)


@require_safe
def offer_page(request, code):
    offer = find_offer(code)
    if offer is None:
        return render(request, "subscriptions/offer_unknown.html", status=404)
    return render_offer(request, offer)
