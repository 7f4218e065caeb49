"""Staff who run the publication use the admin only after a second factor.

With STAFF_REQUIRE_MFA on (the default when DEBUG is off), staff in the Publisher or Editor
group must have enrolled an authenticator app (TOTP) or a passkey, and this session must have
been authenticated with it: allauth keeps the session's authentication records, and a second
factor leaves an "mfa" record (at sign-in, with a passkey sign-in, or on reauthentication).
Without an authenticator they are sent to add an authenticator app (or a passkey, from their
account page); with one but a session that has not used it (signed in before enrolling, or by
an emailed code), they are asked for it again.
"""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

GROUPS = ("Publisher", "Editor")
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
ENROL = (
    "The admin asks staff for a second factor. Add an authenticator app here (or a passkey "
    "from your account page), then open the admin again."
)


def must_use_second_factor(user) -> bool:
    return bool(
        settings.STAFF_REQUIRE_MFA
        and user.is_authenticated
        and user.is_staff
        and user.groups.filter(name__in=GROUPS).exists()
    )


def used_second_factor(request) -> bool:
    """Did this session's sign-in (or a reauthentication) use a second factor?"""
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
        if isinstance(record, dict)
    )


class StaffSecondFactorMiddleware:
    """In front of /admin/: after authentication and allauth's own middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(reverse("admin:index")) and must_use_second_factor(request.user):
            kinds = set(
                Authenticator.objects.filter(
                    user=request.user, type__in=SECOND_FACTORS
                ).values_list("type", flat=True)
            )
            if not kinds:
                messages.warning(request, ENROL)
                return redirect(reverse("mfa_activate_totp"))
            if not used_second_factor(request):
                again = (
                    "mfa_reauthenticate"
                    if Authenticator.Type.TOTP in kinds
                    else "mfa_reauthenticate_webauthn"
                )
                return redirect(f"{reverse(again)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
