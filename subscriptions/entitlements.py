"""The subscriptions app's one answer to the rest of the site: may this user read paid work?

The access rule lives here and in `SubscriptionQuerySet.granting` (which it uses): active and
trialing subscriptions grant, past_due grants for SUBSCRIPTION_GRACE_DAYS, complimentary
access grants until it expires, a redeemed gift subscription grants for its months
(`giftsubs.models.GiftQuerySet.granting`), everything else denies. Staff are decided by the
caller. "Now" is the shared clock's (newsroom.clock).

The metered wall is a second, narrower answer (`spend_metered_read`): a story at a time, for
the article page only. A metered reader is not a subscriber anywhere else.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    Max,
    OuterRef,
    Q,
    Value,
    When,
)

from giftsubs.models import Gift
from newsroom import clock

from .models import (
    LIVE,
    ComplimentaryAccess,
    Customer,
    MeteredRead,
    Plan,
    Status,
    Subscription,
)

_CACHE_ATTR = "_newsroom_billing_state"


@dataclass(frozen=True)
class BillingState:
    paid: bool = False
    # A subscription is past_due but still inside its grace period: ask for a new card.
    in_grace: bool = False


ANONYMOUS = BillingState()


def billing_state(user) -> BillingState:
    """Everything the paywall and the banner need, in one query, cached on the user."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    subscriptions = Subscription.objects.filter(user=OuterRef("pk"))
    row = (
        with_paid_access(get_user_model().objects.filter(pk=user.pk))
        .annotate(grace=Exists(subscriptions.in_grace()))
        .values_list("paid_access", "grace")
        .first()
    )
    paid, grace = row or (False, False)
    state = BillingState(paid=bool(paid), in_grace=bool(grace))
    setattr(user, _CACHE_ATTR, state)
    return state


def paid_access_expression():
    """The rule as an SQL expression over a user row: a granting subscription, current comp
    or running gift."""
    subscriptions = Subscription.objects.filter(user=OuterRef("pk"))
    comps = ComplimentaryAccess.objects.current().filter(user=OuterRef("pk"))
    return Q(Exists(subscriptions.granting())) | Q(Exists(comps)) | gift_access_expression()


def gift_access_expression():
    """Whether a user row has gifted access running now (for a members list's status)."""
    return Q(Exists(Gift.objects.granting().filter(redeemed_by=OuterRef("pk"))))


def with_gift_access(users):
    """A user queryset with `gift_access` on each row (paid access that a gift grants)."""
    return users.annotate(
        gift_access=ExpressionWrapper(gift_access_expression(), output_field=BooleanField())
    )


def gift_access_ends(user):
    """When the reader's gifted access ends, counting gifts redeemed to follow the running one;
    None when no gift grants them anything now or later."""
    if user is None or not user.is_authenticated:
        return None
    return Gift.objects.filter(
        redeemed_by=user, state=Gift.State.REDEEMED, access_ends__gt=clock.now()
    ).aggregate(ends=Max("access_ends"))["ends"]


def with_paid_access(users):
    """A user queryset with `paid_access` on each row: the same rule for many members at once
    (a newsletter send asks it for thousands in one query)."""
    return users.annotate(
        paid_access=ExpressionWrapper(paid_access_expression(), output_field=BooleanField())
    )


class MemberStatus(models.TextChoices):
    """Where a member stands with us, as the publisher's member list shows it."""

    PAYING = "paying", "Paying"
    TRIAL = "trial", "Trial"
    PAST_DUE = "past_due", "Past due"
    COMPLIMENTARY = "complimentary", "Complimentary"
    GIFT = "gift", "Gift"
    CANCELLED = "cancelled", "Cancelled"
    FREE = "free", "Free"


def member_status_expression():
    """Each member's status as an SQL expression over a user row, first match wins.

    Built from the same pieces as the access rule: a Stripe subscription's status, current
    complimentary access, gifts. A past-due member is shown past due whether or not the
    grace period (`granting`) still lets them read: the publisher must see the risk.
    """
    subscriptions = Subscription.objects.filter(user=OuterRef("pk"))
    comps = ComplimentaryAccess.objects.current().filter(user=OuterRef("pk"))
    whens = [
        When(Exists(subscriptions.filter(status=Status.ACTIVE)), then=Value(MemberStatus.PAYING)),
        When(Exists(subscriptions.filter(status=Status.TRIALING)), then=Value(MemberStatus.TRIAL)),
        When(
            Exists(subscriptions.filter(status__in=(Status.PAST_DUE, Status.UNPAID))),
            then=Value(MemberStatus.PAST_DUE),
        ),
        When(Exists(comps), then=Value(MemberStatus.COMPLIMENTARY)),
    ]
    # A redeemed gift that still runs (giftsubs), through the same expression access uses.
    whens.append(When(gift_access_expression(), then=Value(MemberStatus.GIFT)))
    whens.append(
        When(
            Exists(subscriptions.filter(status=Status.CANCELED)),
            then=Value(MemberStatus.CANCELLED),
        )
    )
    return Case(*whens, default=Value(MemberStatus.FREE), output_field=models.CharField())


def with_member_status(users):
    """A user queryset with `member_status` (a MemberStatus value) on each row, in one query."""
    return users.annotate(member_status=member_status_expression())


def forget(user) -> None:
    """Drop the cached answer, e.g. after this request changed the user's subscription."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def has_paid_access(user) -> bool:
    return billing_state(user).paid


@dataclass(frozen=True)
class Meter:
    """Where a reader stands on the metered wall this month."""

    allowance: int
    used: int
    # Whether this story may be read whole: already read this month, or a free one was left.
    granted: bool

    @property
    def left(self) -> int:
        return max(self.allowance - self.used, 0)


def _this_month():
    return clock.localdate().replace(day=1)


def spend_metered_read(user, article) -> Meter | None:
    """Let a signed-in reader without paid access read `article` on the metered wall.

    Counted on the server, per reader and calendar month: the first read of a story spends one
    of METERED_FREE_STORIES, rereading it that month costs nothing, and once they are spent
    the answer is a meter that does not grant. None when the wall is off.
    """
    allowance = settings.METERED_FREE_STORIES
    if allowance <= 0 or user is None or not user.is_authenticated:
        return None
    month = _this_month()
    this_month = MeteredRead.objects.filter(user=user, month=month)
    read = set(this_month.values_list("article_id", flat=True))
    if article.pk in read:
        return Meter(allowance, len(read), granted=True)
    if len(read) >= allowance:
        return Meter(allowance, len(read), granted=False)
    with transaction.atomic():
        # Two tabs opened at once must not both spend the last free story: the reader's row
        # is the lock, and the count is taken again under it.
        get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
        used = this_month.count()
        if used >= allowance:
            return Meter(allowance, used, granted=False)
        MeteredRead.objects.create(user=user, article=article, month=month)
    return Meter(allowance, used + 1, granted=True)


def may_start_trial(user) -> bool:
    """One free trial per reader: anyone who has had a subscription (a trial is one) gets none.

    Anonymous readers are offered the trial; it is asked again for the account at checkout.
    """
    if user is None or not user.is_authenticated:
        return True
    return not Subscription.objects.filter(user=user).exists()


def trial_offer_days(user) -> int:
    """The free trial a call to action may promise this reader: the longest on sale, if any
    and if they may still have one; else 0."""
    days = Plan.objects.on_sale().longest_trial()
    return days if days and may_start_trial(user) else 0


def gift_days_left(user) -> int:
    """Whole days (rounded up) of gifted access the reader has left: a checkout makes them a
    free trial so their first charge comes when the gift ends, never during it."""
    ends = gift_access_ends(user)
    if ends is None:
        return 0
    left = ends - clock.now()
    return min(left.days + (1 if left.seconds or left.microseconds else 0), 730)


@dataclass(frozen=True)
class BillingSummary:
    """What the account page says about a reader's billing."""

    subscription: Subscription | None  # the live one, if any
    comp: ComplimentaryAccess | None  # current complimentary access, if any
    has_customer: bool  # known to Stripe: the billing portal has something to show
    has_ended: bool  # once subscribed, now nothing live (an unpaid checkout alone does not count)
    gift_until: datetime | None = None  # a redeemed gift subscription's access ends then


def billing_summary(user) -> BillingSummary:
    live = (
        Subscription.objects.filter(user=user, status__in=LIVE)
        .select_related("plan", "offer", "discount_offer")
        .first()
    )
    comp = ComplimentaryAccess.objects.current().filter(user=user).first()
    has_customer = Customer.objects.filter(user=user).exists()
    # Only a reader who once paid has "ended": a checkout left unpaid also makes a customer.
    has_ended = (
        live is None
        and comp is None
        and has_customer
        and Subscription.objects.filter(user=user).exists()
    )
    return BillingSummary(
        subscription=live,
        comp=comp,
        has_customer=has_customer,
        has_ended=has_ended,
        gift_until=gift_access_ends(user),
    )
