"""accounts/views.py leans on one allauth internal (allauth.mfa.webauthn.internal.flows) to sign
in with a passkey and keep `next`. Internal modules move without notice: this fails loudly,
naming what moved, when an allauth upgrade breaks it (then re-read PasskeyLoginView)."""

import inspect

from allauth.mfa.webauthn.internal import flows
from allauth.mfa.webauthn.views import LoginWebAuthnView

from accounts.views import PasskeyLoginView


def test_the_passwordless_login_flow_accounts_views_calls_still_takes_request_authenticator_login():
    parameters = list(inspect.signature(flows.perform_passwordless_login).parameters)
    assert parameters == ["request", "authenticator", "login"]


def test_the_passkey_view_still_overrides_allauths_own_form_handling():
    assert issubclass(PasskeyLoginView, LoginWebAuthnView)
    assert PasskeyLoginView.form_valid is not LoginWebAuthnView.form_valid
    # allauth's form still hands the view the credential's authenticator.
    source = inspect.getsource(LoginWebAuthnView.form_valid)
    assert 'form.cleaned_data["credential"]' in source
