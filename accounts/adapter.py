"""allauth adapters: the site's own name in emails and in the passkey dialog, fewer banners,
and refusals and emails that do not give away whether an address has an account."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import is_login_rate_limited
from allauth.account.internal.flows.password_reset import get_reset_password_url
from allauth.account.models import Login
from allauth.account.utils import get_next_redirect_url
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django import forms
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils.http import urlencode

from emails.sending import queue_message
from newsroom.emails import inline_css, layout_context
from newsroom.site import scheme_and_host

# Banners that repeat what the page already says: the code page names the address the code
# went to, and a reader who signs in sees it in the header and the article they return to.
QUIET_MESSAGES = {
    "account/messages/email_confirmation_sent.txt",
    "account/messages/logged_in.txt",
}

CODE_RECENTLY_SENT = (
    "Your email address is not confirmed yet. We sent a code to it moments ago: type it on "
    "the page that asked for it, or sign in again in a few seconds for a new one."
)


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth keys the failed-password limit on the request's host, so one account's count
        # split between two app nodes reached by their own addresses (or between two names of
        # the site). One public host instead: the count is the account's, on every node.
        login = credentials.get("email", credentials.get("username", "")).lower()
        return f"{scheme_and_host()[1]}:{login}"

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        if message_template in QUIET_MESSAGES:
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    # Notifications of a change already made (password changed, email changed, passkey added):
    # the reader does not wait for them, so they go through the queue and are retried. Codes
    # and anything else on the sign-up or sign-in path are sent at once.
    _queue_mail = False

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        self._queue_mail = True
        try:
            super().send_notification_mail(template_prefix, user, context, email)
        finally:
            self._queue_mail = False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Emails are rendered outside the site's pages, so they get its name and address here
        # rather than from the request host that allauth would otherwise use as the name.
        context = layout_context(
            {"account_url": f"{settings.SITE_URL}{reverse('accounts:account')}", **context}
        )
        if self._queue_mail:
            queue_message(self.render_mail(template_prefix, email, context))
            return
        super().send_mail(template_prefix, email, context)

    def render_mail(self, template_prefix, email, context, headers=None):
        # The HTML part extends the site's one email layout; its CSS is inlined here as
        # `newsroom.emails.render_email` does for every other email.
        message = super().render_mail(template_prefix, email, context, headers)
        if isinstance(message, EmailMultiAlternatives):
            alternatives, message.alternatives = message.alternatives, []
            for content, mimetype in alternatives:
                html = mimetype == "text/html"
                message.attach_alternative(inline_css(str(content)) if html else content, mimetype)
        return message

    def send_account_already_exists_mail(self, email: str) -> None:
        # Sent, during the sign-up request, instead of the code a new address gets. Its
        # sign-in link carries the sign-up's `next` (the chosen plan, then the article), so
        # the owner of the address carries on where they were.
        sign_in_url = f"{settings.SITE_URL}{reverse('account_login')}"
        next_url = get_next_redirect_url(allauth_context.request)
        if next_url and next_url.startswith("/") and not next_url.startswith("//"):
            sign_in_url += "?" + urlencode({"next": next_url})
        self.send_mail(
            "account/email/account_already_exists",
            email,
            {
                "sign_in_url": sign_in_url,
                "password_reset_url": get_reset_password_url(allauth_context.request),
            },
        )

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        # The password was right but the address is unconfirmed, and a code went to it less
        # than ACCOUNT_RATE_LIMITS["confirm_email"] ago, so no new one may be sent yet.
        # allauth would call that "Too many failed login attempts"; say what it is.
        if user is not None and is_login_rate_limited(
            request, Login(user=user, email=credentials.get("email"))
        ):
            raise forms.ValidationError(CODE_RECENTLY_SENT, code="code_recently_sent")
        return user


class MFAAdapter(DefaultMFAAdapter):
    def _get_site_name(self) -> str:
        # Shown by the browser when a reader creates or uses a passkey.
        return settings.SITE_NAME
