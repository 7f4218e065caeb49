"""Gift links: the rules for making one and for whether one still opens.

A subscriber may make GIFT_LINKS_PER_MONTH links a calendar month; the newsroom makes links
without a quota in the admin. A link opens for GIFT_LINK_DAYS days and for GIFT_LINK_READERS
different readers; its giver may revoke it at any time. Whether the article is then shown
whole is decided by articles.access.access_through_gift.
"""

import re
import secrets
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from newsroom import clock
from subscriptions.entitlements import has_paid_access

from .models import Article, GiftLink, GiftLinkReader

GIVER_NAME_MAX = 100
# The browser of a reader without an account, so the reader cap counts people, not visits.
READER_COOKIE = "newsroom_gift_reader"
READER_COOKIE_VALUE = re.compile(r"[A-Za-z0-9_-]{16,64}")


class GiftRefused(Exception):
    """Why no link was made, in words for the subscriber."""

    def __init__(self, message: str, *, status: int = 403):
        super().__init__(message)
        self.message = message
        self.status = status


class GiftState(StrEnum):
    OPEN = "open"
    REVOKED = "revoked"
    EXPIRED = "expired"
    FULL = "full"


def links_left(user) -> int:
    made = GiftLink.objects.made_by_this_month(user).count()
    return max(settings.GIFT_LINKS_PER_MONTH - made, 0)


def clean_giver_name(raw) -> str:
    name = " ".join(str(raw or "").split())
    if not name or not name.isprintable() or len(name) > GIVER_NAME_MAX:
        raise GiftRefused(
            f"Tell the reader who the gift is from: a name of up to {GIVER_NAME_MAX} characters.",
            status=400,
        )
    return name


def make_gift_link(*, giver, article: Article, giver_name: str) -> GiftLink:
    """A subscriber's gift link, counted against their monthly quota."""
    if not article.is_published():
        raise GiftRefused("This story is not published, so it cannot be gifted.", status=404)
    if article.access == Article.Access.PUBLIC:
        raise GiftRefused("This story is free for everyone: share its address instead.", status=400)
    if not has_paid_access(giver):
        raise GiftRefused("Gift links are for subscribers. Subscribe to gift stories.")
    name = clean_giver_name(giver_name)
    with transaction.atomic():
        # Two quick clicks must not both take the last link of the month.
        get_user_model().objects.select_for_update().filter(pk=giver.pk).exists()
        if links_left(giver) <= 0:
            raise GiftRefused(
                f"You've used your {settings.GIFT_LINKS_PER_MONTH} gift links this month. "
                "You get new ones on the first of next month."
            )
        return GiftLink.objects.create(
            article=article,
            giver=giver,
            giver_name=name,
            max_readers=settings.GIFT_LINK_READERS,
            expires_at=timezone.now() + timedelta(days=settings.GIFT_LINK_DAYS),
        )


def state_of(link: GiftLink, *, now=None) -> GiftState | None:
    """REVOKED or EXPIRED when the link is closed to everyone; None when it may open."""
    if link.revoked_at is not None:
        return GiftState.REVOKED
    if link.expires_at <= (now or clock.now()):
        return GiftState.EXPIRED
    return None


def open_gift_link(link: GiftLink, *, reader_key: str | None) -> GiftState:
    """Whether the link opens for this reader, counting them if they are new to it.

    `reader_key` is None for the giver, who is never counted against their own link.
    """
    closed = state_of(link)
    if closed is not None:
        return closed
    if reader_key is None:
        return GiftState.OPEN
    readers = GiftLinkReader.objects.filter(link=link)
    if readers.filter(reader_key=reader_key).exists():
        return GiftState.OPEN
    with transaction.atomic():
        # The cap holds when many people open a shared link at once: count under the lock.
        GiftLink.objects.select_for_update().filter(pk=link.pk).exists()
        if readers.count() >= link.max_readers:
            return GiftState.FULL
        GiftLinkReader.objects.create(link=link, reader_key=reader_key)
    return GiftState.OPEN


def reader_key_for(request, link: GiftLink) -> tuple[str | None, str | None]:
    """(who this reader is for the cap, a new cookie value to set or None)."""
    user = request.user
    if user.is_authenticated:
        if link.giver_id == user.pk:
            return None, None
        return f"user:{user.pk}", None
    cookie = request.COOKIES.get(READER_COOKIE, "")
    if READER_COOKIE_VALUE.fullmatch(cookie):
        return f"browser:{cookie}", None
    fresh = secrets.token_urlsafe(24)
    return f"browser:{fresh}", fresh
