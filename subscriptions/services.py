"""Flows that span models or call Stripe. Keyword-only, typed."""


def cancel_subscriptions_for_deleted_user(*, user) -> None:
    """End every subscription of `user` at Stripe before their account is deleted."""
    # Nothing to cancel until subscriptions are stored.
