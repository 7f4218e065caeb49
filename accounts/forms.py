"""allauth's forms as readers meet them: the sign-in wording, and hardened passkey forms.

allauth 65.21 turns a credential that is valid JSON but not WebAuthn-shaped (say `{"id": 5}`)
into a KeyError deep inside fido2, which would be a 500. Here it is a form error like any
other wrong answer. Wired in through the MFA_FORMS setting.
"""

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.webauthn.forms import (
    AddWebAuthnForm,
    AuthenticateWebAuthnForm,
    LoginWebAuthnForm,
    ReauthenticateWebAuthnForm,
)
from django import forms
from django.contrib.auth.hashers import make_password

from newsletters.forms import NewsletterField
from newsletters.models import Newsletter, Source
from newsletters.services import subscribe

MALFORMED = "That passkey answer could not be read. Please try again."
# What fido2 raises when a field is missing or of the wrong type.
_SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError)


class _GuardedCredential:
    def clean_credential(self):
        try:
            # Mixed into allauth's credential forms, which define it.
            return super().clean_credential()  # type: ignore[misc]
        except _SHAPE_ERRORS:
            raise forms.ValidationError(MALFORMED, code="malformed") from None


class PasskeyLoginForm(_GuardedCredential, LoginWebAuthnForm):
    pass


class PasskeyAuthenticateForm(_GuardedCredential, AuthenticateWebAuthnForm):
    pass


class PasskeyReauthenticateForm(_GuardedCredential, ReauthenticateWebAuthnForm):
    pass


class AddPasskeyForm(AddWebAuthnForm):
    def clean(self):
        try:
            return super().clean()
        except _SHAPE_ERRORS:
            raise forms.ValidationError(MALFORMED, code="malformed") from None


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:
            # Ticked unless the reader unticks it: news readers expect to stay signed in
            # (SESSION_COOKIE_AGE); unticked, the session ends when the browser closes.
            self.fields["remember"].label = "Keep me signed in on this device"
            self.fields["remember"].initial = True


class SignupForm(AllauthSignupForm):
    """Sign-up with a box per newsletter offered to new members, none ticked in advance."""

    newsletters = NewsletterField(
        queryset=Newsletter.objects.offered_at_signup(),
        required=False,
        label="Newsletters (optional)",
        help_text="Tick any you would like by email. You can change this at any time.",
    )

    def save(self, request):
        user = super().save(request)
        chosen = self.cleaned_data.get("newsletters") or []
        # Consent is recorded with where it was given: UK GDPR asks us to show it later.
        subscribe(user=user, newsletters=chosen, source=Source.SIGNUP)
        return user

    def try_save(self, request):
        # A new address costs a password hash (the new user's) and an email (the code). A
        # known one gets an email too ("you already have an account"), and here the same
        # hash, thrown away, so the time taken does not tell which kind of address it was.
        if self.account_already_exists and self.cleaned_data.get("password1"):
            make_password(self.cleaned_data["password1"])
        return super().try_save(request)
