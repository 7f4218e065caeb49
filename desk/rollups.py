"""Daily figures for the dashboard's trends, rolled up from the subscription history.

`rebuild(first=, last=)` walks the history once, in order, keeping each subscription's, comp's
and gift's last state, and writes one `DailyFigures` row a day (an upsert: running it again
for the same days gives the same rows). The periodic task `roll_up_figures` redoes yesterday
and today every hour; the first time it finds no rows it rebuilds every day the records go
back to (`manage.py rollup_figures`), so the trends start before the dashboard existed.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate
from django.tasks import task
from django.utils import timezone

from jobs.tasks import schedule
from newsletters.models import NewsletterSubscription
from subscriptions.history import PAYING, twelfths
from subscriptions.models import Status, SubscriptionChange, publication_currency

from .models import DailyFigures

log = logging.getLogger(__name__)

ROLL_UP_EVERY_SECONDS = 60 * 60
# How far back a first rebuild goes: the dashboard's longest trend is a year.
BACKFILL_DAYS = 3 * 366
GRANTS = (SubscriptionChange.Kind.COMP, SubscriptionChange.Kind.GIFT)
GRANTED = "active"
FIELDS = [f.name for f in DailyFigures._meta.fields if f.name not in {"id", "day", "computed_at"}]


def day_start(day: date) -> datetime:
    """Midnight starting `day` in the site's TIME_ZONE."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def local_today() -> date:
    return timezone.localdate()


@dataclass
class _Walk:
    """Each thing's last state, and the running totals they make."""

    states: dict[str, tuple] = field(default_factory=dict)
    totals: Counter = field(default_factory=Counter)
    happened: Counter = field(default_factory=Counter)

    def _count(self, state: tuple, sign: int) -> None:
        kind, status, interval, amount, _ends = state
        if kind != SubscriptionChange.Kind.SUBSCRIPTION:
            return
        if status in PAYING:
            self.totals["paying"] += sign
            self.totals["mrr_twelfths"] += sign * twelfths(amount, interval)
        if status == Status.PAST_DUE:
            self.totals["past_due"] += sign
        if status == Status.TRIALING:
            self.totals["trialing"] += sign

    def apply(self, reference: str, state: tuple, *, during_day: bool) -> None:
        before = self.states.get(reference)
        if before is not None:
            self._count(before, -1)
        self.states[reference] = state
        self._count(state, +1)
        if not during_day or state[0] != SubscriptionChange.Kind.SUBSCRIPTION:
            return
        was = before[1] if before else ""
        now = state[1]
        if now in PAYING and was not in PAYING:
            self.happened["new_paid"] += 1
        if was in PAYING and now not in PAYING:
            self.happened["cancellations"] += 1
        if now == Status.TRIALING and was != Status.TRIALING:
            self.happened["trials_started"] += 1
        if was == Status.TRIALING and now in PAYING:
            self.happened["trial_conversions"] += 1

    def granted(self, kind: str, at: datetime) -> int:
        return sum(
            1
            for k, status, _i, _a, ends in self.states.values()
            if k == kind and status == GRANTED and (ends is None or ends > at)
        )


_COLUMNS = ("reference", "kind", "status_after", "interval", "amount", "ends_at")


def _states_before(moment: datetime, walk: _Walk) -> None:
    earlier = SubscriptionChange.objects.filter(at__lt=moment)
    if connection.vendor == "postgresql":
        # One row per thing, its latest: the (reference, at) index serves it.
        rows = (
            earlier.order_by("reference", "-at", "-id").distinct("reference").values_list(*_COLUMNS)
        )
    else:
        rows = earlier.order_by("at", "id").values_list(*_COLUMNS)
    for reference, *state in rows.iterator(chunk_size=5000):
        walk.apply(reference, tuple(state), during_day=False)


def _readers_by_day(first: date, last: date) -> tuple[int, dict[date, int]]:
    """Readers (not staff) who had joined before `first`, and how many joined each day."""
    readers = get_user_model().objects.filter(is_staff=False)
    before = readers.filter(date_joined__lt=day_start(first)).count()
    joined = (
        readers.filter(
            date_joined__gte=day_start(first), date_joined__lt=day_start(last + timedelta(1))
        )
        .annotate(day=TruncDate("date_joined", tzinfo=timezone.get_default_timezone()))
        .values("day")
        .annotate(n=Count("id"))
    )
    return before, {row["day"]: row["n"] for row in joined}


def _newsletter_members(at: datetime) -> int:
    return (
        NewsletterSubscription.objects.filter(consented_at__lt=at)
        .filter(Q(unsubscribed_at__isnull=True) | Q(unsubscribed_at__gte=at))
        .values("user")
        .distinct()
        .count()
    )


def rebuild(*, first: date, last: date) -> int:
    """Write the figures of every day from `first` to `last` (inclusive). Returns days written."""
    if last < first:
        return 0
    walk = _Walk()
    _states_before(day_start(first), walk)
    readers, joined = _readers_by_day(first, last)
    events = (
        SubscriptionChange.objects.filter(
            at__gte=day_start(first), at__lt=day_start(last + timedelta(1))
        )
        .order_by("at", "id")
        .values_list("at", *_COLUMNS)
        .iterator(chunk_size=5000)
    )
    pending = next(events, None)
    currency = publication_currency()
    rows = []
    day = first
    while day <= last:
        end = day_start(day + timedelta(1))
        walk.happened.clear()
        while pending is not None and pending[0] < end:
            walk.apply(pending[1], tuple(pending[2:]), during_day=True)
            pending = next(events, None)
        readers += joined.get(day, 0)
        comps = walk.granted(SubscriptionChange.Kind.COMP, end)
        gifts = walk.granted(SubscriptionChange.Kind.GIFT, end)
        paying, trialing = walk.totals["paying"], walk.totals["trialing"]
        rows.append(
            DailyFigures(
                day=day,
                paying=paying,
                mrr=round(walk.totals["mrr_twelfths"] / 12),
                currency=currency,
                trialing=trialing,
                past_due=walk.totals["past_due"],
                complimentary=comps,
                gift=gifts,
                free=max(readers - paying - trialing - comps - gifts, 0),
                newsletter=_newsletter_members(end),
                **{name: walk.happened[name] for name in _HAPPENED},
            )
        )
        day += timedelta(1)
    DailyFigures.objects.bulk_create(
        rows, batch_size=500, update_conflicts=True, unique_fields=["day"], update_fields=FIELDS
    )
    return len(rows)


_HAPPENED = ("new_paid", "cancellations", "trials_started", "trial_conversions")


def first_recorded_day() -> date:
    """The earliest day the records go back to (history, or readers joining), within reach."""
    dates = [
        SubscriptionChange.objects.aggregate(first=Min("at"))["first"],
        get_user_model().objects.aggregate(first=Min("date_joined"))["first"],
    ]
    known = [timezone.localdate(d) for d in dates if d is not None]
    today = local_today()
    return max(min(known, default=today), today - timedelta(BACKFILL_DAYS))


@task()
def roll_up_figures() -> int:
    """Periodic: yesterday's and today's figures (a first run rebuilds the past), hourly."""
    today = local_today()
    if not DailyFigures.objects.exists():
        call_command("rollup_figures")
        written = DailyFigures.objects.count()
    else:
        written = rebuild(first=today - timedelta(1), last=today)
    schedule(roll_up_figures, in_seconds=ROLL_UP_EVERY_SECONDS)
    return written
