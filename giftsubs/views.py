"""Buying a gift subscription (anyone, signed in or not), the buyer's return from Checkout,
and redeeming a gift from its email link."""

import re

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from newsroom import clock
from subscriptions.stripe_client import UNAVAILABLE
from subscriptions.views import _safe_next

from . import services
from .forms import GiftForm
from .models import Gift

SESSION_ID = re.compile(r"cs_[A-Za-z0-9_]{1,250}")
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _unavailable(request, retry_url: str):
    context = {"retry_label": "Try again", "retry_url": retry_url, "retry_method": "get"}
    return render(request, "subscriptions/unavailable.html", context, status=503)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def give(request):
    prices = services.price_list()
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    user = request.user
    if request.method == "POST":
        form = GiftForm(request.POST)
    else:
        initial = {"deliver_on": clock.localdate(), "months": 3}
        if user.is_authenticated:
            initial["buyer_email"] = user.email
        form = GiftForm(initial=initial)
    context = {"form": form, "prices": prices, "next": next_url}
    if request.method != "POST":
        return render(request, "giftsubs/give.html", context)
    if not prices:
        return render(request, "giftsubs/give.html", context, status=409)
    if not form.is_valid():
        return render(request, "giftsubs/give.html", context, status=400)
    data = form.cleaned_data
    try:
        url = services.start_gift_checkout(
            buyer=user,
            buyer_email=data["buyer_email"],
            from_name=data["from_name"],
            recipient_email=data["recipient_email"],
            message=data["message"],
            deliver_on=data["deliver_on"],
            months=data["months"],
            next_url=next_url,
            success_url=request.build_absolute_uri(reverse("giftsubs:thanks"))
            + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=request.build_absolute_uri(reverse("giftsubs:give")),
        )
    except services.NotOnSale:
        return render(request, "giftsubs/give.html", context, status=409)
    except UNAVAILABLE:
        return _unavailable(request, reverse("giftsubs:give"))
    return _see_other(url)


@never_cache
@require_safe
def thanks(request):
    """The buyer's return: the gift is recorded from the session as Stripe has it, so a
    forged or unpaid session id records nothing."""
    session_id = request.GET.get("session_id", "")
    if not SESSION_ID.fullmatch(session_id):
        return render(request, "giftsubs/thanks.html", {"gift": None}, status=404)
    try:
        session = services.fetch_session(session_id)
    except UNAVAILABLE:
        return _unavailable(request, request.get_full_path())
    gift = services.record_paid_session(session) if session else None
    if gift is None:
        # Not paid yet (the buyer came back early, or Stripe has not told us): 202, try later.
        pending = bool(session and session.get("mode") == "payment")
        status = 202 if pending and session and session.get("status") == "open" else 404
        return render(request, "giftsubs/thanks.html", {"gift": None}, status=status)
    return render(request, "giftsubs/thanks.html", {"gift": gift})


PROBLEM_STATUS = {"forged": 404, "refunded": 410, "expired": 410, "redeemed": 410, "unpaid": 404}


def _problem(request, kind: str, gift: Gift | None):
    context = {"kind": kind, "gift": gift, "mine": gift and gift.redeemed_by_id == request.user.pk}
    return render(request, "giftsubs/problem.html", context, status=PROBLEM_STATUS[kind])


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def redeem(request, token: str):
    gift = Gift.objects.filter(token=token).first() if TOKEN.fullmatch(token) else None
    kind = services.problem(gift)
    if kind:
        return _problem(request, kind, gift)
    here = reverse("giftsubs:redeem", args=[token])
    context: dict[str, object] = {
        "gift": gift,
        "giver": (gift.from_name or gift.buyer_email) if gift else "",
        "signup_url": reverse("account_signup") + "?" + urlencode({"next": here}),
        "login_url": reverse("account_login") + "?" + urlencode({"next": here}),
        "paying": None,
    }
    if not request.user.is_authenticated:
        return render(request, "giftsubs/redeem.html", context)
    if request.method != "POST":
        context["paying"] = services.paying_subscription(request.user)
        return render(request, "giftsubs/redeem.html", context)
    try:
        redeemed = services.redeem(token=token, user=request.user)
    except services.GiftClosed as closed:
        return _problem(request, closed.kind, closed.gift)
    except services.StillPaying as paying:
        context["paying"] = paying.subscription
        return render(request, "giftsubs/redeem.html", context, status=409)
    return render(request, "giftsubs/redeemed.html", {"gift": redeemed, "site": settings.SITE_NAME})
