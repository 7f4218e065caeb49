"""Offers: whether one may be taken up, and its page at /offer/<code>/."""

import uuid

from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_safe

from newsroom import clock

from .models import Offer, Plan, Subscription


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


def render_offer(request, offer: Offer, *, error: str = "", status: int = 200):
    closed = refusal(offer)
    subscription = None
    if request.user.is_authenticated:
        subscription = Subscription.objects.live().filter(user=request.user).first()
    plans = offer_plans(offer) if not closed else []
    context = {
        "offer": offer,
        "closed": closed,
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
