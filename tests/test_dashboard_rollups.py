"""The dashboard's daily figures are rolled up from the subscription history by a periodic
task; the first run rebuilds the days before the dashboard existed from the records we have."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from desk.models import DailyFigures
from desk.rollups import day_start, rebuild, roll_up_figures
from jobs.tasks import ensure_periodic_tasks
from subscriptions.models import SubscriptionChange
from tests.task_helpers import run_queued_tasks
from tests.users import verified_user

pytestmark = pytest.mark.django_db


def change(reference, before, after, *, day, hour=12, amount=1000, interval="month", **extra):
    return SubscriptionChange.objects.create(
        reference=reference,
        status_before=before,
        status_after=after,
        at=day_start(day) + timedelta(hours=hour),
        amount=amount,
        interval=interval,
        **extra,
    )


def figures(day):
    return DailyFigures.objects.get(day=day)


@pytest.fixture
def today():
    return timezone.localdate()


def test_each_day_counts_paying_members_mrr_sign_ups_and_cancellations(today):
    d3, d2, d1 = (today - timedelta(n) for n in (3, 2, 1))
    change("sub_a", "", "active", day=d3, amount=1000)
    change("sub_b", "", "active", day=d3, amount=12000, interval="year")
    change("sub_c", "", "trialing", day=d3)
    change("sub_c", "trialing", "active", day=d2)
    change("sub_a", "active", "past_due", day=d2)
    change("sub_a", "past_due", "canceled", day=d1)
    assert rebuild(first=d3, last=today) == 4

    first = figures(d3)
    # A yearly 120.00 counts as 10.00 a month.
    assert (first.paying, first.mrr, first.trialing, first.new_paid) == (2, 2000, 1, 2)
    assert first.trials_started == 1
    second = figures(d2)
    assert (second.paying, second.past_due, second.trialing) == (3, 1, 0)
    assert (second.new_paid, second.trial_conversions, second.cancellations) == (1, 1, 0)
    third = figures(d1)
    assert (third.paying, third.mrr, third.cancellations, third.new_paid) == (2, 2000, 1, 0)
    assert figures(today).paying == 2


def test_rebuilding_the_same_days_again_gives_the_same_rows(today):
    change("sub_a", "", "active", day=today - timedelta(2))
    rebuild(first=today - timedelta(2), last=today)
    before = list(DailyFigures.objects.values_list("day", "paying", "mrr", "new_paid"))
    rebuild(first=today - timedelta(2), last=today)
    rebuild(first=today - timedelta(1), last=today)
    assert list(DailyFigures.objects.values_list("day", "paying", "mrr", "new_paid")) == before
    assert DailyFigures.objects.count() == 3


def test_free_members_comps_and_newsletter_members_are_counted_each_day(today):
    from newsletters.models import Newsletter, NewsletterSubscription

    long_ago = timezone.now() - timedelta(days=10)
    readers = [verified_user(f"r{n}@example.com", date_joined=long_ago) for n in range(4)]
    change("sub_a", "", "active", day=today - timedelta(5), user=readers[0])
    change(
        "comp:1", "", "active", day=today - timedelta(5), kind="comp", amount=0,
        ends_at=day_start(today - timedelta(2)),
    )  # fmt: skip
    letter = Newsletter.objects.create(name="Morning")
    NewsletterSubscription.objects.create(
        user=readers[1], newsletter=letter, consented_at=long_ago, consent_source="signup"
    )
    rebuild(first=today - timedelta(4), last=today)
    early, late = figures(today - timedelta(4)), figures(today)
    assert (early.paying, early.complimentary, early.free, early.newsletter) == (1, 1, 2, 1)
    # The comp ran out: its reader counts as free again.
    assert (late.complimentary, late.free) == (0, 3)


def test_the_first_run_rebuilds_the_past_and_keeps_exactly_one_run_waiting(today):
    # Noon, newsroom time, forty days ago: a day that a clock change cannot move.
    joined = day_start(today - timedelta(40)) + timedelta(hours=12)
    verified_user("old@example.com", date_joined=joined)
    change("sub_old", "", "active", day=today - timedelta(35), backfilled=True)
    ensure_periodic_tasks()
    ensure_periodic_tasks()
    waiting = DBTaskResult.objects.filter(task_path=roll_up_figures.module_path, status="READY")
    assert waiting.count() == 1
    roll_up_figures.enqueue()
    DBTaskResult.objects.exclude(task_path=roll_up_figures.module_path).delete()
    waiting.update(run_after=timezone.now())
    assert run_queued_tasks() == 2
    days = DailyFigures.objects.count()
    assert days == 41
    assert figures(today - timedelta(36)).paying == 0
    assert figures(today - timedelta(35)).paying == 1
    assert figures(today - timedelta(35)).free == 0
    assert figures(today).free == 0 and figures(today).paying == 1
    assert waiting.count() == 1
    assert waiting.get().run_after > timezone.now() + timedelta(minutes=50)


def test_the_command_rebuilds_from_a_date_and_refuses_a_bad_one(today):
    from django.core.management.base import CommandError

    out = StringIO()
    call_command("rollup_figures", "--since", str(today - timedelta(6)), stdout=out)
    assert "Rebuilt the figures of 7 day(s)" in out.getvalue()
    with pytest.raises(CommandError, match="--since must be a date"):
        call_command("rollup_figures", "--since", "yesterday")
