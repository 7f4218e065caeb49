"""The publisher's view of members: one queryset with everything the list, its filters and the
export need, computed in SQL so a page of 100 members and an export of 100,000 cost the same
number of queries. The status rule itself lives in subscriptions.entitlements."""

from django.db.models import CharField, Exists, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from newsletters.models import NewsletterSubscription
from subscriptions.entitlements import MemberStatus, with_member_status
from subscriptions.models import LIVE, Source, Subscription

from .models import Member, MemberNote

# Where a member came from: an import, else where their first checkout started, else the
# sign-up form (free sign-ups record no source).
SIGNUP = "signup"
ORIGINS = [
    *MemberNote.Origin.choices,
    *Source.choices,
    (SIGNUP, "Sign-up form"),
]
ORIGIN_LABELS = dict(ORIGINS)
STATUS_LABELS = dict(MemberStatus.choices)


def _live_subscription():
    return Subscription.objects.filter(user=OuterRef("pk"), status__in=LIVE).order_by("-created_at")


def origin_expression():
    imported = MemberNote.objects.filter(user=OuterRef("pk")).values("imported_from")[:1]
    first_checkout = (
        Subscription.objects.filter(user=OuterRef("pk")).order_by("created_at").values("source")[:1]
    )
    return Coalesce(
        NullIf(Subquery(imported), Value("")),
        NullIf(Subquery(first_checkout), Value("")),
        Value(SIGNUP),
        output_field=CharField(),
    )


def members():
    """Readers (not staff), each with `member_status`, `plan_name` and `origin`."""
    readers = Member.objects.filter(is_staff=False)
    return with_member_status(readers).annotate(
        plan_name=Subquery(_live_subscription().values("plan__name")[:1]),
        origin=origin_expression(),
    )


def with_newsletters(queryset):
    """Prefetch each member's current newsletters into `current_newsletters` (one query)."""
    active = NewsletterSubscription.objects.active().select_related("newsletter")
    return queryset.prefetch_related(
        Prefetch("newsletter_subscriptions", queryset=active, to_attr="current_newsletters")
    )


def receiving(newsletter_id) -> Q:
    """Members who receive this newsletter now."""
    return Q(
        Exists(
            NewsletterSubscription.objects.active().filter(
                user=OuterRef("pk"), newsletter_id=newsletter_id
            )
        )
    )


def on_plan(plan_id) -> Q:
    return Q(Exists(_live_subscription().filter(plan_id=plan_id)))
