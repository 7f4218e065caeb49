"""allauth adapters: the site's own name in emails and in the passkey dialog, fewer banners."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings

# Banners that repeat what the page already says: the code page names the address the code
# went to, and a reader who signs in sees it in the header and the article they return to.
QUIET_MESSAGES = {
    "account/messages/email_confirmation_sent.txt",
    "account/messages/logged_in.txt",
}


class AccountAdapter(DefaultAccountAdapter):
    def add_message(self, request, level, message_template=None, *args, **kwargs):
        if message_template in QUIET_MESSAGES:
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Emails are rendered outside the site's pages, so they get its name and address here
        # rather than from the request host that allauth would otherwise use as the name.
        context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
        super().send_mail(template_prefix, email, context)


class MFAAdapter(DefaultMFAAdapter):
    def _get_site_name(self) -> str:
        # Shown by the browser when a reader creates or uses a passkey.
        return settings.SITE_NAME
