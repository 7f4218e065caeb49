import logging

from allauth.account.decorators import reauthentication_required
from allauth.account.internal.stagekit import clear_login
from allauth.account.models import EmailAddress, Login
from allauth.account.utils import get_next_redirect_url, passthrough_next_redirect_url
from allauth.account.views import LoginView as AllauthLoginView
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.internal import flows as webauthn_flows
from allauth.mfa.webauthn.views import LoginWebAuthnView
from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from newsletters.models import Newsletter
from readers.models import PrivateFeed
from subscriptions.entitlements import billing_summary

from .services import CancellationFailed
from .services import delete_account as delete_account_service
from .user_agents import describe_user_agent

logger = logging.getLogger(__name__)

SIGN_IN_HISTORY_LENGTH = 10
# ?billing=updated: the Stripe portal's return_url (subscriptions.views.billing).
BILLING_UPDATED = "updated"


@require_safe
@login_required
def account(request):
    user = request.user
    authenticators = list(Authenticator.objects.filter(user=user).order_by("created_at"))
    sign_ins = list(
        UserSession.objects.filter(user=user).order_by("-created_at")[:SIGN_IN_HISTORY_LENGTH]
    )
    for session in sign_ins:
        session.browser = describe_user_agent(session.user_agent)
    context = {
        "email_addresses": list(
            EmailAddress.objects.filter(user=user).order_by("-primary", "email")
        ),
        "passkeys": [a for a in authenticators if a.type == Authenticator.Type.WEBAUTHN],
        "has_recovery_codes": any(
            a.type == Authenticator.Type.RECOVERY_CODES for a in authenticators
        ),
        "has_password": user.has_usable_password(),
        "sign_ins": sign_ins,
        "newsletters": list(Newsletter.objects.with_subscribed(user)),
        "current_session_key": request.session.session_key,
        # Where the Stripe portal sends the reader back: a plain flag, not a stored message.
        "billing_updated": request.GET.get("billing") == BILLING_UPDATED,
        "billing_summary": billing_summary(user),
        "private_feed": PrivateFeed.objects.filter(user=user).first(),
    }
    return render(request, "accounts/account.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@reauthentication_required(allow_get=True)
def delete_account(request):
    if request.method != "POST":
        return render(request, "accounts/delete_account.html")
    try:
        delete_account_service(request=request)
    except CancellationFailed as error:
        # Most likely Stripe did not answer: the account stays and the reader can try
        # again; the traceback is for us.
        logger.exception("Could not cancel subscriptions of account %s", request.user.pk)
        if error.cancelled or error.not_cancelled:
            # Some of it happened: say exactly what, never "nothing has changed".
            context = {"cancelled": error.cancelled, "not_cancelled": error.not_cancelled}
            return render(request, "accounts/delete_account.html", context, status=503)
        messages.error(
            request,
            "We could not cancel your subscription, so your account has not been deleted. "
            "Nothing has changed. Please try again in a few minutes.",
        )
        return redirect("accounts:delete")
    messages.success(
        request,
        "Your account has been deleted, along with your email address, passkeys and "
        "sign-in history. Thank you for reading.",
    )
    return redirect("articles:home")


class PasskeyLoginView(LoginWebAuthnView):
    """allauth's passkey sign-in, but returning the reader to a safe `next`.

    allauth 65.21 signs in with no redirect URL here, which would drop the reader who
    clicked "Sign in" under a paywall on the home page instead of back on the article.
    """

    def form_valid(self, form):
        authenticator = form.cleaned_data["credential"]
        login = Login(user=authenticator.user, redirect_url=get_next_redirect_url(self.request))
        return webauthn_flows.perform_passwordless_login(self.request, authenticator, login)

    def form_invalid(self, form):
        for message in form.errors.get("credential", []):
            messages.error(self.request, message)
        return redirect(
            passthrough_next_redirect_url(self.request, reverse("account_login"), "next")
        )


passkey_login = PasskeyLoginView.as_view()


class LoginView(AllauthLoginView):
    """allauth's sign-in page, where a half-finished sign-in never takes over.

    allauth sends anyone with a pending stage (say, a code asked for a mistyped address)
    from the sign-in page to that stage's page, even when they post a correct password. Here
    the page is always shown, and a password sign-in drops the pending one and signs in
    with what was typed, as allauth's own sign-up page does.
    """

    def _redirect_to_pending_stage(self, request, stage) -> None:
        # Returning no redirect makes allauth show this page.
        if request.method == "POST":
            clear_login(request)


login = LoginView.as_view()
