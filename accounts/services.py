"""Flows that span models: ending a reader's account."""

from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest

from subscriptions.services import cancel_subscriptions_for_deleted_user


class CancellationFailed(Exception):
    """The reader's subscriptions could not be cancelled, so nothing was deleted."""


def delete_account(*, request: HttpRequest) -> None:
    """Cancel the signed-in reader's subscriptions, delete their data and sign them out.

    Raises CancellationFailed, with nothing deleted, when the cancellation fails: a reader
    must never be charged again for an account that no longer exists.
    """
    user = request.user
    try:
        cancel_subscriptions_for_deleted_user(user=user)
    except Exception as error:
        raise CancellationFailed from error
    with transaction.atomic():
        # The user row cascades to email addresses, passkeys, recovery codes and
        # sign-in sessions; bylines keep the author but drop the link.
        user.delete()
    logout(request)
