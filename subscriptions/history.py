"""The subscription history: one row appended for every change of a member's paid state.

`record_subscription` is called where a subscription is stored (`services.sync`), so webhooks,
the return from checkout and reconciliation all write it; `record_comp` where complimentary
access is granted, changed or removed (a signal on the model: the admin and any flow alike).
A row is appended only when the state differs from the last one recorded, so a sync that
changes nothing (a redelivered webhook, a nightly reconciliation) adds nothing.

The amounts here are also the dashboard's MRR rule: what each interval costs the member after
their offer's discount, a yearly price counted as a twelfth a month.
"""

from datetime import datetime
from typing import Any

from django.utils import timezone

from .models import ComplimentaryAccess, Offer, Status, Subscription, SubscriptionChange

# Members who pay (or whose payment Stripe is still retrying): counted in MRR and churn.
PAYING = (Status.ACTIVE, Status.PAST_DUE)
# Statuses a comp or gift row carries: access while it lasts, then ended.
GRANTED = "active"
ENDED = "canceled"


def discount_applies(
    *, duration: str | None, discount_ends_at: datetime | None, now: datetime
) -> bool:
    """Does the offer's discount still lower the recurring price? A first-payment discount
    ("once") never does; a repeating one until Stripe's discount end; a forever one always."""
    if not duration or duration == Offer.Duration.ONCE:
        return False
    return discount_ends_at is None or discount_ends_at > now


def recurring_amount(
    *,
    amount: int | None,
    offer_kind: str | None = None,
    percent_off: int | None = None,
    amount_off: int | None = None,
    discounted: bool = False,
) -> int:
    """What each interval costs, in minor units, with the offer's discount when it applies."""
    if not amount:
        return 0
    if not discounted:
        return amount
    if offer_kind == Offer.Kind.PERCENT:
        return amount - round(amount * (percent_off or 0) / 100)
    return max(amount - (amount_off or 0), 0)


def twelfths(amount: int, interval: str) -> int:
    """A recurring amount in twelfths of a minor unit a month, so sums stay exact:
    MRR is round(sum(twelfths) / 12)."""
    return amount if interval == "year" else amount * 12


def amount_of(subscription: Subscription, *, now: datetime | None = None) -> int:
    plan = subscription.plan
    if plan is None:
        return 0
    offer = subscription.offer
    return recurring_amount(
        amount=plan.amount(subscription.interval),
        offer_kind=offer.kind if offer else None,
        percent_off=offer.percent_off if offer else None,
        amount_off=offer.amount_off if offer else None,
        discounted=bool(offer)
        and discount_applies(
            duration=offer.duration if offer else None,
            discount_ends_at=subscription.discount_ends_at,
            now=now or timezone.now(),
        ),
    )


def _last_state(reference: str) -> dict[str, Any] | None:
    row = (
        SubscriptionChange.objects.filter(reference=reference)
        .order_by("-at", "-id")
        .values("status_after", "plan_id", "interval", "amount", "ends_at")
        .first()
    )
    return dict(row) if row is not None else None


def _append(*, reference: str, state: dict, **fields) -> SubscriptionChange | None:
    last = _last_state(reference)
    if last is not None and last == state:
        return None
    return SubscriptionChange.objects.create(
        reference=reference,
        status_before=last["status_after"] if last else "",
        **state,
        **fields,
    )


def record_subscription(subscription: Subscription) -> SubscriptionChange | None:
    """Append the subscription's state if it differs from the last one recorded."""
    state = {
        "status_after": subscription.status,
        "plan_id": subscription.plan_id,
        "interval": subscription.interval,
        "amount": amount_of(subscription),
        "ends_at": None,
    }
    return _append(
        reference=subscription.stripe_id,
        state=state,
        user_id=subscription.user_id,
        kind=SubscriptionChange.Kind.SUBSCRIPTION,
        currency=subscription.plan.currency if subscription.plan else "",
    )


def record_subscription_gone(subscription: Subscription) -> SubscriptionChange | None:
    """The row itself is being deleted (its account went): if it was still live, it ends now."""
    last = _last_state(subscription.stripe_id)
    if last is None or last["status_after"] in (Status.CANCELED, Status.INCOMPLETE_EXPIRED):
        return None
    return _append(
        reference=subscription.stripe_id,
        state={**last, "status_after": Status.CANCELED},
        user_id=None,
        kind=SubscriptionChange.Kind.SUBSCRIPTION,
    )


def record_comp(
    comp: ComplimentaryAccess, *, removed: bool = False, account_going: bool = False
) -> SubscriptionChange | None:
    """Complimentary access granted or changed (its end date), or taken away."""
    state = {
        "status_after": ENDED if removed else GRANTED,
        "plan_id": None,
        "interval": "",
        "amount": 0,
        "ends_at": comp.expires_at,
    }
    return _append(
        reference=f"comp:{comp.pk}",
        state=state,
        user_id=None if account_going else comp.user_id,
        kind=SubscriptionChange.Kind.COMP,
    )


def _account_going(origin) -> bool:
    """Is this deletion the account's own? Then the row is kept without the link to it (the
    account is deleted after its comps and subscriptions, in the same transaction)."""
    from django.contrib.auth import get_user_model

    model = getattr(origin, "model", type(origin))
    return model is get_user_model()


def connect_signals() -> None:
    """Comps are made in the admin and by desk flows alike; subscriptions leave with their
    account. Called from the app's ready()."""
    from django.db.models.signals import post_delete, post_save

    def comp_saved(instance, **kwargs):
        record_comp(instance)

    def comp_deleted(instance, origin=None, **kwargs):
        record_comp(instance, removed=True, account_going=_account_going(origin))

    def subscription_deleted(instance, **kwargs):
        record_subscription_gone(instance)

    post_save.connect(comp_saved, sender=ComplimentaryAccess, weak=False, dispatch_uid="h-comp")
    post_delete.connect(
        comp_deleted, sender=ComplimentaryAccess, weak=False, dispatch_uid="h-comp-gone"
    )
    post_delete.connect(
        subscription_deleted, sender=Subscription, weak=False, dispatch_uid="h-sub-gone"
    )
