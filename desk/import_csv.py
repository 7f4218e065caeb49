"""Reading a members CSV exported by Ghost or Substack into rows we can plan and apply.

Python's csv module does the CSV plumbing (it streams, where tablib would hold the whole file
as a dataset); this module decides the encoding, the separator and what each column means,
and reports every row it cannot use by its line number. Ghost documents its columns
(ghost.org/help/import-members); Substack does not, so its columns are mapped by header name
and the ones assumed are listed in tests/data/README.md.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

GHOST, SUBSTACK = "ghost", "substack"

# Header name (lower case, spaces as underscores) -> our field. Columns known but not used
# map to "" (not reported as unknown).
COLUMNS = {
    GHOST: {
        "email": "email",
        "name": "name",
        "note": "note",
        "subscribed_to_emails": "subscribed",
        "complimentary_plan": "comp",
        "stripe_customer_id": "customer",
        "created_at": "created_at",
        "labels": "labels",
        "id": "",
        "deleted_at": "",
        "tiers": "",
        "import_tier": "",
    },
    SUBSTACK: {
        "email": "email",
        "name": "name",
        "created_at": "created_at",
        "subscription_date": "created_at",
        "email_disabled": "unsubscribed",
        "plan": "plan",
        "subscription_type": "plan",
        "type": "plan",
        "expiry": "expiry",
        "stripe_customer_id": "customer",
        "stripe_connected_customer_id": "customer",
        "active_subscription": "",
        "first_payment_at": "",
    },
}
# Substack's plans that are access given rather than paid for here: a comp until the expiry.
SUBSTACK_GIVEN = {"comp": "Complimentary on Substack", "gift": "A gift on Substack"}
TRUE, FALSE = {"true", "yes", "1", "y", "t"}, {"false", "no", "0", "n", "f", ""}
MAX_ROWS = 200_000


class Unreadable(Exception):
    """The file cannot be read at all; the message says why, for the publisher."""


@dataclass
class Row:
    line: int
    email: str
    name: str = ""
    note: str = ""
    labels: str = ""
    subscribed: bool = False
    comp: bool = False
    comp_reason: str = ""
    comp_until: datetime | None = None
    customer: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True)
class Problem:
    line: int
    email: str
    reason: str


@dataclass
class Parsed:
    text: str
    delimiter: str
    encoding: str
    unknown_columns: list[str]


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was read with: UTF-8 (a BOM or none), else
    Windows-1252, what spreadsheets on Windows save; anything else is refused."""
    for encoding, label in (("utf-8-sig", "UTF-8"), ("cp1252", "Windows-1252")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # UTF-16 and binary files decode as Windows-1252 too, full of NUL characters.
        if "\x00" not in text:
            return text, label
    raise Unreadable(
        "This file is neither UTF-8 nor Windows-1252 text. Save it as “CSV UTF-8” and "
        "upload it again."
    )


def _key(header: str) -> str:
    return header.strip().lower().replace(" ", "_")


def inspect(data: bytes, source: str) -> Parsed:
    """Decode the upload and read its header: the separator, and the columns we ignore."""
    if source not in COLUMNS:
        raise Unreadable("Choose Ghost or Substack.")
    text, encoding = decode(data)
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise Unreadable("The file is empty: there is no header row.")
    # A semicolon-separated header (European spreadsheets) has more ; than , in it.
    delimiter = max([",", ";", "\t"], key=first.count)
    headers = next(csv.reader([first], delimiter=delimiter))
    keys = [_key(h) for h in headers]
    if "email" not in keys:
        raise Unreadable(
            f"There is no “email” column in the header row ({', '.join(headers)[:200]})."
        )
    known = COLUMNS[source]
    unknown = [h for h, k in zip(headers, keys, strict=True) if k not in known]
    return Parsed(text=text, delimiter=delimiter, encoding=encoding, unknown_columns=unknown)


def _bool(value: str, column: str) -> bool:
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ValueError(f"{column} is “{value}”, not true or false")


def _moment(value: str, column: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    moment = parse_datetime(value.replace(" ", "T", 1) if "T" not in value else value)
    if moment is None and (day := parse_date(value)) is not None:
        moment = datetime(day.year, day.month, day.day)
    if moment is None:
        raise ValueError(f"{column} is “{value}”, not a date")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, UTC)


def rows(parsed: Parsed, source: str) -> Iterator[Row | Problem]:
    """Each data row as a Row, or a Problem saying why it cannot be used (by line number)."""
    reader = csv.reader(io.StringIO(parsed.text, newline=""), delimiter=parsed.delimiter)
    fields = [COLUMNS[source].get(_key(h), "") for h in next(reader)]
    for number, cells in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            yield Problem(number, "", f"more than {MAX_ROWS:,} rows: the rest were not read")
            return
        if not any(cell.strip() for cell in cells):
            continue
        values = {f: c for f, c in zip(fields, cells, strict=False) if f}
        email = values.get("email", "").strip()
        try:
            validate_email(email)
        except ValidationError:
            yield Problem(number, email, "not a valid email address" if email else "no email")
            continue
        try:
            yield _row(number, email.lower(), values, source)
        except ValueError as error:
            yield Problem(number, email, str(error))


def _row(line: int, email: str, values: dict[str, str], source: str) -> Row:
    row = Row(line=line, email=email, name=values.get("name", "").strip()[:150])
    row.created_at = _moment(values.get("created_at", ""), "created_at")
    customer = values.get("customer", "").strip()
    if customer and not customer.startswith("cus_"):
        raise ValueError(f"stripe_customer_id is “{customer}”, not a Stripe customer id (cus_…)")
    row.customer = customer
    if source == GHOST:
        row.note = values.get("note", "").strip()
        row.labels = values.get("labels", "").strip()[:1000]
        row.subscribed = _bool(values.get("subscribed", ""), "subscribed_to_emails")
        row.comp = _bool(values.get("comp", ""), "complimentary_plan")
        row.comp_reason = "Complimentary on Ghost"
    else:
        row.subscribed = not _bool(values.get("unsubscribed", ""), "email_disabled")
        plan = values.get("plan", "").strip().lower()
        if plan in SUBSTACK_GIVEN:
            row.comp, row.comp_reason = True, SUBSTACK_GIVEN[plan]
            row.comp_until = _moment(values.get("expiry", ""), "expiry")
    return row
