"""The site's one notion of "now": call `now()` (or `localdate()`) wherever time decides access
or when deferred work is due, never `timezone.now()` there.

In production it is the real time. With CLOCK_FILE set (tests, the demo), the file holds an
offset in seconds that the Stripe stand-in writes whenever its clock moves
(`/_standin/clock/advance`), so the stand-in, the site and every `db_worker` process agree on
the time: "the clock passes the delivery date" means one thing. Reading the file costs no query,
so pages keep their pinned query counts.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

ZERO = timedelta(0)


def offset() -> timedelta:
    """How far the shared clock is ahead of the real time (zero without a CLOCK_FILE)."""
    path = settings.CLOCK_FILE
    if not path:
        return ZERO
    try:
        with open(path, encoding="ascii") as fh:
            text = fh.read().strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return ZERO
    # Written atomically by the stand-in; anything else there is not an offset.
    return timedelta(seconds=int(text)) if text.lstrip("-").isdigit() else ZERO


def now() -> datetime:
    return timezone.now() + offset()


def localdate() -> date:
    """Today in TIME_ZONE, on the shared clock."""
    return timezone.localdate(now())
