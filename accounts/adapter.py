"""allauth adapters: the site's own name in emails and in the passkey dialog."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Emails are rendered outside the site's pages, so they get its name and address here
        # rather than from django.contrib.sites, whose demo row still says example.com.
        context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
        super().send_mail(template_prefix, email, context)


class MFAAdapter(DefaultMFAAdapter):
    def _get_site_name(self) -> str:
        # Shown by the browser when a reader creates or uses a passkey.
        return settings.SITE_NAME
