import logging

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .forms import NewsletterChoiceForm
from .models import Newsletter, NewsletterSubscription, Source
from .services import set_choices
from .services import unsubscribe as unsubscribe_service
from .tokens import ExpiredToken, InvalidToken, read_token

logger = logging.getLogger(__name__)

# RFC 8058: a mail client's one-click unsubscribe POSTs exactly this body to the link.
ONE_CLICK_FIELD, ONE_CLICK_VALUE = "List-Unsubscribe", "One-Click"
SCOPES = {"newsletter", "all"}


def _masked(email: str) -> str:
    # The link may be forwarded with the email; the page confirms the address without
    # spelling it out to whoever holds it.
    local, _, domain = email.partition("@")
    return f"{local[:1]}{'•' * max(len(local) - 1, 1)}@{domain}"


def _refuse(request, *, status: int, title: str, reason: str):
    return render(
        request,
        "newsletters/unsubscribe_problem.html",
        {"title": title, "reason": reason},
        status=status,
    )


# Exempt from CSRF: mail clients POST the one-click request with no cookie or token. The signed
# token in the address is what authorises the request; it is only ever sent to its member.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    try:
        wanted = read_token(token)
    except ExpiredToken:
        return _refuse(
            request,
            status=400,
            title="This unsubscribe link has expired",
            reason="For your safety, links in old emails stop working after a while. The "
            "unsubscribe link in a recent email works, or sign in and choose your "
            "newsletters on your account page. Nothing has changed.",
        )
    except InvalidToken:
        return _refuse(
            request,
            status=400,
            title="This unsubscribe link is not valid",
            reason="It may have been cut short or altered. Use the link in the email exactly "
            "as it came, or sign in and choose your newsletters on your account page. Nothing "
            "has changed.",
        )
    user = get_user_model().objects.filter(pk=wanted.user_id, is_active=True).first()
    newsletter = Newsletter.objects.filter(pk=wanted.newsletter_id).first()
    if user is None or newsletter is None:
        return _refuse(
            request,
            status=410,
            title="Nothing to unsubscribe from",
            reason="The account or the newsletter this link was for no longer exists, so no "
            "more emails will be sent to it.",
        )

    if request.method == "POST":
        one_click = request.POST.get(ONE_CLICK_FIELD) == ONE_CLICK_VALUE
        scope = "newsletter" if one_click else request.POST.get("scope", "")
        if scope not in SCOPES:
            return _refuse(
                request,
                status=400,
                title="Choose what to unsubscribe from",
                reason="Go back and choose this newsletter or all emails. Nothing has changed.",
            )
        source = Source.ONE_CLICK if one_click else Source.UNSUBSCRIBE_LINK
        unsubscribe_service(
            user=user, newsletters=None if scope == "all" else [newsletter], source=source
        )
        logger.info("Member %s unsubscribed from %s (%s)", user.pk, scope, source)
        return render(
            request,
            "newsletters/unsubscribe_done.html",
            {"newsletter": newsletter, "all": scope == "all", "email": _masked(user.email)},
        )

    subscribed = (
        NewsletterSubscription.objects.active().filter(user=user, newsletter=newsletter).exists()
    )
    return render(
        request,
        "newsletters/unsubscribe.html",
        {"newsletter": newsletter, "subscribed": subscribed, "email": _masked(user.email)},
    )


@require_POST
@login_required
def preferences(request):
    form = NewsletterChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Those newsletter choices could not be saved. Nothing has changed.")
    else:
        chosen = form.cleaned_data["newsletters"]
        set_choices(user=request.user, chosen=chosen, source=Source.ACCOUNT)
        messages.success(request, "Your newsletter choices are saved.")
    return redirect(reverse("accounts:account") + "#newsletters-heading")
