"""The welcome email, once per member, when they first confirm their address.

Not on the sign-up path (the reader does not wait for it): it goes through the queue.
"""

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.conf import settings
from django.dispatch import receiver

from emails.sending import send_once


@receiver(email_confirmed, dispatch_uid="accounts.welcome")
def welcome_new_member(sender, request, email_address, **kwargs) -> None:
    user = email_address.user
    # An address confirmed while another is already verified is an email change, not a sign-up.
    if EmailAddress.objects.filter(user=user, verified=True).exclude(pk=email_address.pk).exists():
        return
    send_once(
        f"welcome:{user.pk}",
        to=email_address.email,
        template_prefix="accounts/email/welcome",
        context={
            "user": user,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            "pricing_url": f"{settings.SITE_URL}/pricing/",
            "account_url": f"{settings.SITE_URL}/account/",
        },
    )
