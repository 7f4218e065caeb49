"""Flows that span models: ending a reader's account."""

from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest

from subscriptions.services import cancel_subscriptions_for_deleted_user


def delete_account(*, request: HttpRequest) -> None:
    """Cancel the signed-in reader's subscriptions, sign them out and delete their data.

    Raises whatever the cancellation raises, with nothing deleted: a reader must never be
    charged again for an account that no longer exists.
    """
    user = request.user
    cancel_subscriptions_for_deleted_user(user=user)
    with transaction.atomic():
        # The user row cascades to email addresses, passkeys, recovery codes and
        # sign-in sessions; bylines keep the author but drop the link.
        user.delete()
    logout(request)
