"""Signed unsubscribe links: they work without signing in, and only for the member they name.

The token carries the member's id, the newsletter's id and the time it was made, signed with
SECRET_KEY. Nobody can make one for somebody else, and an old email's link stops working after
NEWSLETTER_UNSUBSCRIBE_MAX_AGE days (the page then says how to unsubscribe instead).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "newsletters.unsubscribe"


class InvalidToken(Exception):
    """The link was altered or made by someone else."""


class ExpiredToken(Exception):
    """The link is genuine but older than NEWSLETTER_UNSUBSCRIBE_MAX_AGE days."""


@dataclass(frozen=True)
class UnsubscribeRequest:
    user_id: int
    newsletter_id: int


def make_token(*, user_id: int, newsletter_id: int) -> str:
    return signing.dumps([user_id, newsletter_id], salt=SALT, compress=False)


def read_token(token: str) -> UnsubscribeRequest:
    max_age = settings.NEWSLETTER_UNSUBSCRIBE_MAX_AGE_DAYS * 24 * 3600
    try:
        user_id, newsletter_id = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise ExpiredToken from None
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidToken from None
    if not isinstance(user_id, int) or not isinstance(newsletter_id, int):
        raise InvalidToken
    return UnsubscribeRequest(user_id=user_id, newsletter_id=newsletter_id)


def unsubscribe_url(*, user_id: int, newsletter_id: int) -> str:
    token = make_token(user_id=user_id, newsletter_id=newsletter_id)
    return settings.SITE_URL + reverse("newsletters:unsubscribe", args=[token])
