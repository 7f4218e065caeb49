"""The subscriptions app's one answer to the rest of the site: may this user read paid work?

The access rule lives here and in `SubscriptionQuerySet.granting` (which it uses): active and
trialing subscriptions grant, past_due grants for SUBSCRIPTION_GRACE_DAYS, complimentary
access grants until it expires, everything else denies. Staff are decided by the caller.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from .models import ComplimentaryAccess, Subscription

_CACHE_ATTR = "_newsroom_billing_state"


@dataclass(frozen=True)
class BillingState:
    paid: bool = False
    # A subscription is past_due but still inside its grace period: ask for a new card.
    in_grace: bool = False


ANONYMOUS = BillingState()


def billing_state(user) -> BillingState:
    """Everything the paywall and the banner need, in one query, cached on the user."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    subscriptions = Subscription.objects.filter(user=OuterRef("pk"))
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            granted=Exists(subscriptions.granting()),
            grace=Exists(subscriptions.in_grace()),
            comp=Exists(ComplimentaryAccess.objects.current().filter(user=OuterRef("pk"))),
        )
        .values_list("granted", "grace", "comp")
        .first()
    )
    granted, grace, comp = row or (False, False, False)
    state = BillingState(paid=bool(granted or comp), in_grace=bool(grace))
    setattr(user, _CACHE_ATTR, state)
    return state


def forget(user) -> None:
    """Drop the cached answer, e.g. after this request changed the user's subscription."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def has_paid_access(user) -> bool:
    return billing_state(user).paid
