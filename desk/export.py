"""Members as CSV in the columns Ghost's member export uses, streamed row by row.

The rows come from one server-side cursor (`iterator`) and leave as they are written, so an
export of 100,000 members never holds them all in memory, and costs the same few queries as
an export of three. Cells a spreadsheet would run as a formula are escaped.
"""

import csv
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from django.db.models import Exists, OuterRef, Subquery
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from desk.audit import record
from newsletters.models import NewsletterSubscription
from subscriptions.models import ComplimentaryAccess, Customer

from .models import MemberNote

# Ghost's member export, in its order (ghost.org/help/import-members; its export adds id,
# deleted_at and tiers to the import's columns).
COLUMNS = [
    "id",
    "email",
    "name",
    "note",
    "subscribed_to_emails",
    "complimentary_plan",
    "stripe_customer_id",
    "created_at",
    "deleted_at",
    "labels",
    "tiers",
]
# Spreadsheets run a cell starting with these as a formula (OWASP's CSV injection advice).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 2000


def escape(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading formula character gets a quote before it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _iso(moment: datetime | None) -> str:
    if moment is None:
        return ""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _bool(value) -> str:
    return "true" if value else "false"


def ghost_rows(queryset) -> Iterator[list[str]]:
    """One list of cells per member, in COLUMNS' order, from a single query."""
    note = MemberNote.objects.filter(user=OuterRef("pk"))
    rows = (
        queryset.prefetch_related(None)
        .annotate(
            export_subscribed=Exists(
                NewsletterSubscription.objects.active().filter(user=OuterRef("pk"))
            ),
            export_comp=Exists(ComplimentaryAccess.objects.current().filter(user=OuterRef("pk"))),
            export_customer=Subquery(
                Customer.objects.filter(user=OuterRef("pk")).values("stripe_id")[:1]
            ),
            export_note=Subquery(note.values("note")[:1]),
            export_labels=Subquery(note.values("labels")[:1]),
        )
        .values_list(
            "pk",
            "email",
            "name",
            "export_note",
            "export_subscribed",
            "export_comp",
            "export_customer",
            "date_joined",
            "export_labels",
            "plan_name",
        )
    )
    for (
        pk,
        email,
        name,
        note_text,
        subscribed,
        comp,
        customer,
        joined,
        labels,
        plan,
    ) in rows.iterator(chunk_size=CHUNK_ROWS):
        cells = [
            str(pk),
            email,
            name,
            note_text or "",
            _bool(subscribed),
            _bool(comp),
            customer or "",
            _iso(joined),
            "",  # deleted_at: a deleted account leaves no member row here
            labels or "",
            plan or "",
        ]
        yield [escape(cell) for cell in cells]


class _Line:
    """A file whose write() returns what it was given (Django's streaming CSV recipe)."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterable[list[str]], *, per_chunk: int = 500) -> Iterator[str]:
    """The header, then the rows, `per_chunk` lines at a time."""
    writer = csv.writer(_Line())
    yield writer.writerow(COLUMNS)
    lines: list[str] = []
    for row in rows:
        lines.append(writer.writerow(row))
        if len(lines) >= per_chunk:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def members_csv(*, request: HttpRequest, queryset, rows: int) -> StreamingHttpResponse:
    record(
        actor=request.user,
        action="export",
        target="members.csv",
        rows=rows,
        filters=request.GET.urlencode(),
    )
    response = StreamingHttpResponse(csv_chunks(ghost_rows(queryset)), content_type="text/csv")
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="members-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
