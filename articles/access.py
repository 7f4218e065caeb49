"""The one place that decides how much of an article a reader may read."""

from dataclasses import dataclass
from enum import StrEnum

from subscriptions.entitlements import has_paid_access

from .models import Article


class Reason(StrEnum):
    PUBLIC = "public"
    REGISTERED = "registered"
    SUBSCRIBER = "subscriber"
    STAFF = "staff"
    # Denials name what the reader needs next; the call to action follows from it.
    SIGN_UP_REQUIRED = "sign_up_required"
    SUBSCRIPTION_REQUIRED = "subscription_required"
    UPGRADE_REQUIRED = "upgrade_required"


@dataclass(frozen=True)
class AccessDecision:
    full: bool
    reason: Reason

    def __bool__(self):
        return self.full


def access_for(user, article: Article) -> AccessDecision:
    if article.access == Article.Access.PUBLIC:
        return AccessDecision(True, Reason.PUBLIC)
    if not user.is_authenticated:
        if article.access == Article.Access.REGISTERED:
            return AccessDecision(False, Reason.SIGN_UP_REQUIRED)
        return AccessDecision(False, Reason.SUBSCRIPTION_REQUIRED)
    if user.is_staff:
        return AccessDecision(True, Reason.STAFF)
    if article.access == Article.Access.REGISTERED:
        return AccessDecision(True, Reason.REGISTERED)
    if has_paid_access(user):
        return AccessDecision(True, Reason.SUBSCRIBER)
    return AccessDecision(False, Reason.UPGRADE_REQUIRED)
