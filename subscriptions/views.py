import logging
import re
import uuid

import stripe
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from . import services
from .attribution import VIA_GIFT
from .entitlements import billing_state, forget, may_start_trial
from .models import DuplicateSubscription, Offer, Plan, Subscription
from .offers import find_offer, refusal, render_offer, trial_refusal
from .stripe_client import UNAVAILABLE

log = logging.getLogger(__name__)

SESSION_ID = re.compile(r"cs_[A-Za-z0-9_]{1,250}")
ATTEMPT = re.compile(r"[A-Za-z0-9-]{8,64}")
# ASCII digits, and few of them: str.isdigit() also says yes to "²", which int() refuses.
PLAN_ID = re.compile(r"[0-9]{1,18}")


def _safe_next(request, value) -> str:
    """A same-site path to send the reader back to, or ''."""
    if (
        isinstance(value, str)
        and value.startswith("/")
        # No control characters: it goes into the page, to Stripe and into a Location header.
        and value.isprintable()
        and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return value
    return ""


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _unavailable(
    request, *, retry_label: str, retry_form: dict | None = None, retry_url=None, status=503
):
    """Stripe did not answer: say so, keep everything as it was, offer the same step again."""
    context = {
        "retry_label": retry_label,
        "retry_url": retry_url or request.get_full_path(),
        "retry_form": retry_form,
        "retry_method": "post" if retry_form is not None else "get",
    }
    return render(request, "subscriptions/unavailable.html", context, status=status)


def portal_return_url() -> str:
    """Where the Stripe portal sends the reader back: the account page, which then says so."""
    return f"{reverse('accounts:account')}?{urlencode({'billing': 'updated'})}"


def _pricing_context(request, *, next_url: str, error: str = ""):
    # A reader who already subscribes is shown their plan and the way to change it, not a
    # second checkout (which `_begin_checkout` would refuse anyway).
    subscription = None
    if request.user.is_authenticated:
        subscription = (
            Subscription.objects.live().filter(user=request.user).select_related("plan").first()
        )
    plans = list(Plan.objects.on_sale())
    return {
        "plans": plans,
        "subscription": subscription,
        # Paid access without a subscription is complimentary; the header asks the same
        # (cached) question, so this costs no query.
        "complimentary": subscription is None and billing_state(request.user).paid,
        # One trial per reader: a reader who has subscribed before is told so, not offered one.
        "trial_eligible": subscription is None
        and any(plan.trial_days for plan in plans)
        and may_start_trial(request.user),
        "next": next_url,
        "attempt": uuid.uuid4().hex,
        "error": error,
        "tax_added": settings.STRIPE_AUTOMATIC_TAX,
    }


@require_safe
def pricing(request):
    next_url = _safe_next(request, request.GET.get("next"))
    context = _pricing_context(request, next_url=next_url)
    # A reader sent here by a gift link's banner: the checkout counts it for the gift link.
    context["via"] = VIA_GIFT if request.GET.get("via") == VIA_GIFT else ""
    return render(request, "subscriptions/pricing.html", context)


CHOICE_SALT = "subscriptions.choice"
CHOICE_MAX_AGE = 24 * 60 * 60


def _choice_token(
    *,
    plan: Plan,
    interval: str,
    next_url: str,
    attempt: str,
    offer: Offer | None = None,
    via: str = "",
) -> str:
    """The reader's choice, signed, to carry through sign-up without asking again."""
    return signing.dumps(
        {
            "plan": plan.pk,
            "interval": interval,
            "next": next_url,
            "attempt": attempt,
            "offer": offer.code if offer else "",
            "via": via,
        },
        salt=CHOICE_SALT,
    )


def _offer_or_refusal(request, code, plan):
    """(the offer, None) when it may be taken up for `plan`; else (None, a page saying why)."""
    if not code:
        return None, None
    offer = find_offer(code)
    if offer is None:
        return None, render(request, "subscriptions/offer_unknown.html", status=404)
    why = refusal(offer, plan=plan)
    if why:
        return None, render_offer(request, offer, error=why, status=410)
    # A second trial: the offer is open, only not to this reader (asked again after sign-in).
    if request.user.is_authenticated and trial_refusal(offer, request.user):
        return None, render_offer(request, offer, status=403)
    return offer, None


@never_cache
@require_POST
def checkout(request):
    next_url = _safe_next(request, request.POST.get("next"))
    plan_id = request.POST.get("plan", "")
    interval = request.POST.get("interval", "")
    plan = Plan.objects.on_sale().filter(pk=plan_id).first() if PLAN_ID.fullmatch(plan_id) else None
    if plan is None or not plan.price_id(interval):
        context = _pricing_context(request, next_url=next_url, error="Please choose a plan.")
        return render(request, "subscriptions/pricing.html", context, status=400)
    offer, refused = _offer_or_refusal(request, request.POST.get("offer"), plan)
    if refused is not None:
        return refused
    attempt = request.POST.get("attempt", "")
    if not ATTEMPT.fullmatch(attempt):
        attempt = uuid.uuid4().hex
    via = VIA_GIFT if request.POST.get("via") == VIA_GIFT else ""

    if not request.user.is_authenticated:
        # Sign up (or sign in from there); the verified reader then goes straight to payment
        # with the plan already chosen, instead of choosing it a second time.
        token = _choice_token(
            plan=plan, interval=interval, next_url=next_url, attempt=attempt, offer=offer, via=via
        )
        resume = f"{reverse('subscriptions:continue')}?{urlencode({'choice': token})}"
        return _see_other(f"{reverse('account_signup')}?{urlencode({'next': resume})}")
    return _begin_checkout(
        request,
        plan=plan,
        interval=interval,
        next_url=next_url,
        attempt=attempt,
        offer=offer,
        via=via,
    )


@never_cache
@login_required
@require_safe
def continue_checkout(request):
    """Where sign-up returns to: start the checkout the reader chose before signing up.

    The choice is signed by `checkout`, so a crafted link can only ever lead to one of our
    own plans at our own price, and the reader still has to pay on Stripe's page.
    """
    try:
        choice = signing.loads(
            request.GET.get("choice", ""), salt=CHOICE_SALT, max_age=CHOICE_MAX_AGE
        )
        plan = Plan.objects.on_sale().filter(pk=int(choice["plan"])).first()
        interval, attempt = str(choice["interval"]), str(choice["attempt"])
        next_url = _safe_next(request, choice.get("next"))
        offer_code = str(choice.get("offer") or "")
        via = VIA_GIFT if choice.get("via") == VIA_GIFT else ""
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        plan = None
    if plan is None or not plan.price_id(interval) or not ATTEMPT.fullmatch(attempt):
        messages.info(request, "Please choose your plan again.")
        return _see_other(reverse("subscriptions:pricing"))
    # Asked again: the offer may have ended while the reader signed up.
    offer, refused = _offer_or_refusal(request, offer_code, plan)
    if refused is not None:
        return refused
    return _begin_checkout(
        request,
        plan=plan,
        interval=interval,
        next_url=next_url,
        attempt=attempt,
        offer=offer,
        via=via,
    )


def _begin_checkout(
    request,
    *,
    plan: Plan,
    interval: str,
    next_url: str,
    attempt: str,
    offer: Offer | None = None,
    via: str = "",
):
    pricing_url = reverse("subscriptions:pricing")
    back_to_pricing = f"{pricing_url}?{urlencode({'next': next_url})}" if next_url else pricing_url
    user = request.user
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        messages.warning(
            request, "Please verify your email address first; then come back to subscribe."
        )
        return _see_other(reverse("account_email"))

    form = {"plan": plan.pk, "interval": interval, "next": next_url, "attempt": attempt}
    try:
        current = services.live_subscription_anywhere(user=user)
        if current is not None:
            # One subscription per reader (a second tab included): changing it is billing's
            # job. One-time purchases do not come through here.
            context = {"subscription": current, "next": next_url}
            return render(request, "subscriptions/already_subscribed.html", context, status=409)
        success = request.build_absolute_uri(reverse("subscriptions:success"))
        leave = urlencode({"next": next_url or back_to_pricing})
        cancel = request.build_absolute_uri(f"{reverse('subscriptions:canceled')}?{leave}")
        url = services.start_checkout(
            user=user,
            plan=plan,
            interval=interval,
            success_url=f"{success}?session_id={{CHECKOUT_SESSION_ID}}",
            cancel_url=cancel,
            return_to=next_url,
            attempt=attempt,
            offer=offer,
            via=via,
        )
    except (*UNAVAILABLE, services.CustomerBusy):
        log.warning("Stripe unavailable while starting checkout", exc_info=True)
        return _unavailable(
            request,
            retry_label="Try again",
            retry_form=form,
            retry_url=reverse("subscriptions:checkout"),
        )
    except stripe.StripeError as error:  # refused, e.g. an archived price: not the reader's fault
        log.error("Stripe refused to start checkout for plan %s: %s", plan.pk, error)
        return _unavailable(
            request,
            retry_label="Try again",
            retry_form=form,
            retry_url=reverse("subscriptions:checkout"),
            status=502,
        )
    return _see_other(url)


@never_cache
@require_safe
def canceled(request):
    """Where Stripe's "back" link lands: say that nothing happened, then carry on."""
    messages.info(request, "You left checkout before paying, so nothing was charged.")
    back = _safe_next(request, request.GET.get("next"))
    return redirect(back or reverse("subscriptions:pricing"))


@never_cache
@login_required
@require_safe
def success(request):
    session_id = request.GET.get("session_id", "")
    if not SESSION_ID.fullmatch(session_id):
        return render(request, "subscriptions/checkout_not_found.html", status=404)
    try:
        subscription, return_to, ended = services.complete_checkout(
            user=request.user, session_id=session_id
        )
    except services.CheckoutNotFound:
        return render(request, "subscriptions/checkout_not_found.html", status=404)
    except services.CheckoutNotPaid:
        return render(request, "subscriptions/checkout_unpaid.html", status=402)
    except UNAVAILABLE:
        log.warning("Stripe unavailable on checkout return", exc_info=True)
        return _unavailable(request, retry_label="Check my subscription again")
    except stripe.StripeError as error:
        log.warning("Stripe refused checkout session %s: %s", session_id, error)
        return render(request, "subscriptions/checkout_not_found.html", status=404)
    except services.CustomerBusy:
        return _unavailable(request, retry_label="Check my subscription again")
    forget(request.user)
    if subscription is not None and not ended:
        # The webhook may have ended this one as a duplicate before the reader came back.
        ended = list(DuplicateSubscription.objects.filter(stripe_id=subscription.stripe_id))
    if ended:
        messages.warning(request, services.duplicate_message(ended))
    elif subscription is not None and subscription.grants_access:
        messages.success(request, "Thank you for subscribing. Enjoy the full story.")
    else:
        messages.info(request, "Thank you. Your subscription will be active in a moment.")
    return redirect(_safe_next(request, return_to) or reverse("accounts:account"))


@never_cache
@login_required
@require_POST
def billing(request):
    # Only ever the signed-in reader's own customer: nothing in the request names one.
    return _to_portal(
        request,
        services.portal_url,
        what="a portal session",
        retry_label="Open billing again",
        nothing_message="You do not have a subscription yet.",
        nothing_url=reverse("subscriptions:pricing"),
    )


@never_cache
@login_required
@require_POST
def cancel(request):
    """The account page's "Cancel subscription": Stripe's portal, straight into cancelling,
    with the retention offer first when there is one for this reader."""
    return _to_portal(
        request,
        services.cancel_url,
        what="a cancellation session",
        retry_label="Cancel my subscription",
        nothing_message="You have no subscription to cancel.",
        nothing_url=reverse("accounts:account"),
    )


def _to_portal(request, portal_session_url, *, what, retry_label, nothing_message, nothing_url):
    """Send the reader to a Customer Portal session for their own customer; a clear page when
    Stripe is down (retry) or refuses (502), and back with a message when there is nothing to
    manage."""
    try:
        url = portal_session_url(
            user=request.user, return_url=request.build_absolute_uri(portal_return_url())
        )
    except UNAVAILABLE:
        log.warning("Stripe unavailable while opening %s", what, exc_info=True)
        return _unavailable(request, retry_label=retry_label, retry_form={})
    except stripe.StripeError as error:
        log.error("Stripe refused %s for user %s: %s", what, request.user.pk, error)
        return _unavailable(request, retry_label=retry_label, retry_form={}, status=502)
    if url is None:
        messages.info(request, nothing_message)
        return _see_other(nothing_url)
    return _see_other(url)
