"""The one place that decides how much of an article a reader may read."""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from subscriptions.entitlements import Meter, has_paid_access, spend_metered_read

from .models import Article


class Reason(StrEnum):
    PUBLIC = "public"
    REGISTERED = "registered"
    SUBSCRIBER = "subscriber"
    STAFF = "staff"
    # One of the registered reader's free stories this month (the metered wall).
    METERED = "metered"
    # Opened through a subscriber's or the newsroom's gift link that is still good.
    GIFT = "gift"
    # Denials name what the reader needs next; the call to action follows from it.
    SIGN_UP_REQUIRED = "sign_up_required"
    SUBSCRIPTION_REQUIRED = "subscription_required"
    UPGRADE_REQUIRED = "upgrade_required"


@dataclass(frozen=True)
class AccessDecision:
    full: bool
    reason: Reason
    # Set when the metered wall was asked: how many free stories are left, or that none are.
    meter: Meter | None = None

    def __bool__(self):
        # "if access:" read like "may read it all" but also held for a denial's reason; callers
        # say what they mean with .full.
        raise TypeError("AccessDecision has no truth value: use .full")


def access_for(user, article: Article) -> AccessDecision:
    """How much of `article` this user may read, and why.

    For the article page: a reader on the metered wall spends a free story here.
    """
    return decide(
        article,
        signed_in=user.is_authenticated,
        staff=user.is_staff,
        paid=lambda: has_paid_access(user),
        metered=lambda: spend_metered_read(user, article),
    )


def decide(
    article: Article,
    *,
    signed_in: bool,
    staff: bool,
    paid: Callable[[], bool],
    metered: Callable[[], Meter | None] | None = None,
) -> AccessDecision:
    """The rule itself, for a reader described rather than loaded.

    `paid` is asked only when the answer depends on it, so most pages cost no billing query;
    `metered` only for a signed-in reader without paid access, since asking it spends a story.
    Staff "view as" previews describe a hypothetical reader through this same rule.
    """
    if article.access == Article.Access.PUBLIC:
        return AccessDecision(True, Reason.PUBLIC)
    if not signed_in:
        if article.access == Article.Access.REGISTERED:
            return AccessDecision(False, Reason.SIGN_UP_REQUIRED)
        return AccessDecision(False, Reason.SUBSCRIPTION_REQUIRED)
    if staff:
        return AccessDecision(True, Reason.STAFF)
    if article.access == Article.Access.REGISTERED:
        return AccessDecision(True, Reason.REGISTERED)
    if paid():
        return AccessDecision(True, Reason.SUBSCRIBER)
    meter = metered() if metered is not None else None
    if meter is not None and meter.granted:
        return AccessDecision(True, Reason.METERED, meter)
    return AccessDecision(False, Reason.UPGRADE_REQUIRED, meter)


def access_through_gift(user, article: Article, *, gift_open: bool) -> AccessDecision:
    """A gift link that still opens (articles.gifts decides that) lets anyone read it all;
    one that does not leaves the reader exactly where they would be without it."""
    if gift_open:
        return AccessDecision(True, Reason.GIFT)
    return access_for(user, article)
