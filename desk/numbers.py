"""The dashboard's figures, from our own tables: what is true now (subscriptions, comps,
readers, newsletter members), what happened in the last 30 days (the subscription history) and
the trends (the daily roll-ups). A fixed handful of queries however many members there are."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Q, Value, When
from django.utils import timezone

from newsletters.models import NewsletterSubscription
from subscriptions.history import PAYING, discount_applies, recurring_amount, twelfths
from subscriptions.models import (
    ComplimentaryAccess,
    Source,
    Status,
    Subscription,
    SubscriptionChange,
    publication_currency,
)

from .models import DailyFigures, SignUp

TREND_DAYS = (30, 90, 365)
WINDOW_DAYS = 30
TOP = 8


def gift_members(*, now: datetime) -> int:
    """Readers reading on a gift subscription now. Gift subscriptions (#11) are not stored
    yet: when they are, count the current ones here (and record them in the subscription
    history as kind "gift", which the roll-ups already count)."""
    return 0


def _mrr_and_counts(now: datetime) -> dict[str, int]:
    """Paying, trialing and past-due members and MRR, in two queries over subscriptions."""
    counts = Subscription.objects.aggregate(
        paying=Count("id", filter=Q(status__in=PAYING)),
        trialing=Count("id", filter=Q(status=Status.TRIALING)),
        past_due=Count("id", filter=Q(status=Status.PAST_DUE)),
    )
    discount_running = Case(
        When(Q(discount_ends_at__isnull=True) | Q(discount_ends_at__gt=now), then=Value(True)),
        default=Value(False),
    )
    groups = (
        Subscription.objects.filter(status__in=PAYING)
        .values(
            "interval",
            "plan__monthly_amount",
            "plan__yearly_amount",
            "offer__kind",
            "offer__percent_off",
            "offer__amount_off",
            "offer__duration",
            running=discount_running,
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    total = 0
    for g in groups:
        amount = g["plan__yearly_amount"] if g["interval"] == "year" else g["plan__monthly_amount"]
        each = recurring_amount(
            amount=amount,
            offer_kind=g["offer__kind"],
            percent_off=g["offer__percent_off"],
            amount_off=g["offer__amount_off"],
            discounted=discount_applies(
                duration=g["offer__duration"],
                discount_ends_at=None if g["running"] else now,
                now=now,
            ),
        )
        total += g["n"] * twelfths(each, g["interval"])
    return {**counts, "mrr": round(total / 12)}


def current(*, now: datetime) -> dict[str, int]:
    figures = _mrr_and_counts(now)
    figures["complimentary"] = (
        ComplimentaryAccess.objects.current(now=now).values("user").distinct().count()
    )
    figures["gift"] = gift_members(now=now)
    readers = get_user_model().objects.filter(is_staff=False, is_active=True).count()
    members = figures["paying"] + figures["trialing"] + figures["complimentary"] + figures["gift"]
    figures["free"] = max(readers - members, 0)
    figures["newsletter"] = (
        NewsletterSubscription.objects.active().values("user").distinct().count()
    )
    return figures


def last_days(*, now: datetime, days: int = WINDOW_DAYS) -> dict[str, int]:
    """What happened in the last `days` days, from the subscription history."""
    was_paying = Q(status_before__in=PAYING)
    paying = Q(status_after__in=PAYING)
    was_trial = Q(status_before=Status.TRIALING)
    return SubscriptionChange.objects.filter(
        kind=SubscriptionChange.Kind.SUBSCRIPTION, at__gte=now - timedelta(days)
    ).aggregate(
        new_paid=Count("id", filter=paying & ~was_paying),
        cancellations=Count("id", filter=was_paying & ~paying),
        trials_started=Count("id", filter=Q(status_after=Status.TRIALING) & ~was_trial),
        trial_conversions=Count("id", filter=was_trial & paying),
        trials_lost=Count("id", filter=was_trial & ~paying & ~Q(status_after=Status.TRIALING)),
    )


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Conversion:
    label: str
    kind: str
    count: int


def paid_conversions(*, now: datetime) -> list[Conversion]:
    """The articles, gift links and offers behind the most paid sign-ups of the last 30 days."""
    rows = (
        Subscription.objects.filter(created_at__gte=now - timedelta(WINDOW_DAYS))
        .exclude(status__in=[Status.INCOMPLETE, Status.INCOMPLETE_EXPIRED])
        .exclude(source="")
        .values("source", "source_article_id", "source_article__headline", "offer__code")
        .annotate(n=Count("id"))
        .order_by("-n", "source", "source_article__headline", "offer__code")[:TOP]
    )
    found = []
    for row in rows:
        headline = row["source_article__headline"] or "an article since removed"
        if row["source"] == Source.ARTICLE:
            found.append(Conversion(headline, "Article paywall", row["n"]))
        elif row["source"] == Source.GIFT_LINK:
            found.append(Conversion(headline, "Gift link", row["n"]))
        elif row["source"] == Source.OFFER:
            found.append(Conversion(row["offer__code"] or "an offer", "Offer", row["n"]))
        else:
            found.append(Conversion("The pricing page", "Pricing page", row["n"]))
    return found


def free_conversions(*, now: datetime) -> list[Conversion]:
    """The articles and gift links behind the most free sign-ups of the last 30 days."""
    rows = (
        SignUp.objects.filter(at__gte=now - timedelta(WINDOW_DAYS))
        .values("source", "source_article__headline")
        .annotate(n=Count("id"))
        .order_by("-n", "source", "source_article__headline")[:TOP]
    )
    kinds: dict[str, str] = {
        SignUp.Source.ARTICLE: "Article paywall",
        SignUp.Source.GIFT_LINK: "Gift link",
    }
    return [
        Conversion(
            row["source_article__headline"] or "Elsewhere on the site",
            kinds.get(row["source"], "Sign-up page"),
            row["n"],
        )
        for row in rows
    ]


def trends(*, today: date, paying_now: int, mrr_now: int) -> dict:
    """The last year of daily figures, today's point being the live one."""
    rows = list(
        DailyFigures.objects.filter(day__gt=today - timedelta(365), day__lt=today)
        .order_by("day")
        .values_list("day", "paying", "mrr")
    )
    rows.append((today, paying_now, mrr_now))
    by_day = {day: (paying, mrr) for day, paying, mrr in rows}
    changes = []
    for days in TREND_DAYS:
        then = by_day.get(today - timedelta(days))
        changes.append(
            {
                "days": days,
                "paying": paying_now - then[0] if then else None,
                "mrr": mrr_now - then[1] if then else None,
            }
        )
    return {"rows": rows, "changes": changes, "by_day": by_day}


def dashboard(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    figures = current(now=now)
    window = last_days(now=now)
    trend = trends(today=today, paying_now=figures["paying"], mrr_now=figures["mrr"])
    # Churn is over the members paying when the window opened: that day's figures, or else
    # worked back from today's and the window's changes.
    then = trend["by_day"].get(today - timedelta(WINDOW_DAYS))
    start = then[0] if then else figures["paying"] - window["new_paid"] + window["cancellations"]
    ended_trials = window["trial_conversions"] + window["trials_lost"]
    return {
        "now": figures,
        "window": window,
        "window_days": WINDOW_DAYS,
        "churn": percent(window["cancellations"], start),
        "trial_conversion": percent(window["trial_conversions"], ended_trials),
        "trends": trend,
        "paid_conversions": paid_conversions(now=now),
        "free_conversions": free_conversions(now=now),
        "currency": publication_currency(),
    }
