"""Flows that span models: ending a reader's account."""

from collections.abc import Sequence

from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest

from subscriptions.services import (
    CancellationIncomplete,
    cancel_subscriptions_for_deleted_user,
    delete_stripe_customer,
)


class CancellationFailed(Exception):
    """The account was not deleted because billing could not be ended.

    `cancelled` and `not_cancelled` name the subscriptions on each side when some were
    cancelled and others not; both are empty when nothing was changed.
    """

    def __init__(self, *, cancelled: Sequence[str] = (), not_cancelled: Sequence[str] = ()):
        super().__init__(f"cancelled {list(cancelled)}, not cancelled {list(not_cancelled)}")
        self.cancelled = list(cancelled)
        self.not_cancelled = list(not_cancelled)


def delete_account(*, request: HttpRequest) -> None:
    """Cancel the signed-in reader's subscriptions, delete their Stripe customer and their
    data, and sign them out.

    All or nothing, as the reader sees it: the account is deleted only once every
    subscription is cancelled and the customer is gone from Stripe. Otherwise it raises
    CancellationFailed, saying what was cancelled and what was not: a reader must never be
    charged again for an account that no longer exists, nor be told nothing changed when
    something did.
    """
    user = request.user
    try:
        cancelled = cancel_subscriptions_for_deleted_user(user=user) or []
    except CancellationIncomplete as error:
        raise CancellationFailed(
            cancelled=error.cancelled, not_cancelled=error.not_cancelled
        ) from error
    except Exception as error:
        raise CancellationFailed from error
    try:
        delete_stripe_customer(user=user)
    except Exception as error:
        # Every subscription is cancelled, so nothing more will be charged; only the
        # customer's details are left at Stripe, and the next attempt removes them.
        raise CancellationFailed(cancelled=cancelled) from error
    with transaction.atomic():
        # The user row cascades to email addresses, passkeys, recovery codes and
        # sign-in sessions; bylines keep the author but drop the link.
        user.delete()
    logout(request)
