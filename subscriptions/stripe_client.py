"""The one place a StripeClient is built, from settings.

The same code talks to Stripe or to the local stand-in: only STRIPE_API_BASE differs.
"""

from functools import cache

import stripe
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from stripe._requestor_options import BaseAddresses

from newsroom.stripe_defaults import API_VERSION

from .stripe_guard import FAILURES_TO_OPEN, CircuitBreaker, GuardedRequestsClient

MAX_NETWORK_RETRIES = 2

# The failures that are Stripe's or the network's, not the reader's: show "try again".
UNAVAILABLE = (
    stripe.APIConnectionError,
    stripe.RateLimitError,
    stripe.APIError,
    stripe.AuthenticationError,
    stripe.PermissionError,
)


@cache
def get_client() -> stripe.StripeClient:
    base: BaseAddresses | None = (
        {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    )
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        stripe_version=API_VERSION,
        base_addresses=base,
        max_network_retries=MAX_NETWORK_RETRIES,
        # A short connect timeout, a deadline per call and a circuit breaker (stripe_guard.py):
        # an unreachable Stripe fails fast instead of holding a worker.
        http_client=GuardedRequestsClient(
            read_timeout=settings.STRIPE_TIMEOUT,
            deadline=settings.STRIPE_DEADLINE,
            breaker=CircuitBreaker(
                failures_to_open=FAILURES_TO_OPEN, open_seconds=settings.STRIPE_BREAKER_SECONDS
            ),
        ),
    )


@receiver(setting_changed)
def _rebuild_on_settings_change(*, setting, **kwargs):
    if setting.startswith("STRIPE_"):
        get_client.cache_clear()


def as_dict(obj) -> dict:
    """Stripe objects stopped being dicts in stripe-python 15; we work with plain data."""
    if isinstance(obj, dict):
        return obj
    return obj.to_dict(for_json=True)
