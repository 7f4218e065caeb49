"""Exporting members as CSV in Ghost's columns: what the list's filters select, streamed from
one query, formula cells escaped, written to the audit log."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from desk import export
from desk.models import AuditEntry, MemberNote
from newsletters.models import Newsletter, Source
from newsletters.services import subscribe
from subscriptions.models import Plan
from tests.desk_helpers import desk_staff, member_in

pytestmark = pytest.mark.django_db

URL = "/admin/desk/member/export/"
GHOST_COLUMNS = (
    "id,email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,"
    "created_at,deleted_at,labels,tiers"
)


@pytest.fixture
def staff(client):
    user = desk_staff()
    client.force_login(user)
    return user


def read(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0] == GHOST_COLUMNS
    return list(csv.DictReader(io.StringIO(body)))


def test_the_export_has_ghosts_columns_and_each_members_values(client, staff):
    plan = Plan.objects.create(name="Digital", monthly_price_id="price_m")
    paying = member_in("paying", "paying@example.com", plan=plan)
    paying.name = "Pat Paying"
    paying.save()
    weekly = Newsletter.objects.create(name="Weekly", sender_name="N")
    subscribe(user=paying, newsletters=[weekly], source=Source.SIGNUP)
    MemberNote.objects.create(user=paying, note="Met at the fair", labels="vip, press")
    member_in("complimentary", "comped@example.com")

    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="members-')
    by_email = {row["email"]: row for row in read(response)}
    row = by_email["paying@example.com"]
    assert row["id"] == str(paying.pk)
    assert row["name"] == "Pat Paying"
    assert row["note"] == "Met at the fair"
    assert row["subscribed_to_emails"] == "true"
    assert row["complimentary_plan"] == "false"
    assert row["stripe_customer_id"] == paying.stripe_customer.stripe_id
    assert row["created_at"] == paying.date_joined.strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{paying.date_joined.microsecond // 1000:03d}Z"
    )
    assert row["deleted_at"] == ""
    assert row["labels"] == "vip, press"
    assert row["tiers"] == "Digital"
    comped = by_email["comped@example.com"]
    assert (comped["complimentary_plan"], comped["subscribed_to_emails"]) == ("true", "false")
    assert comped["stripe_customer_id"] == ""


def test_the_export_honours_the_lists_filters_and_search(client, staff):
    member_in("paying", "paying@example.com")
    member_in("free", "free@example.com")
    member_in("free", "other@example.com")

    paying = read(client.get(URL, {"status": "paying"}))
    searched = read(client.get(URL, {"status": "free", "q": "other"}))

    assert [row["email"] for row in paying] == ["paying@example.com"]
    assert [row["email"] for row in searched] == ["other@example.com"]


def test_the_list_links_to_the_export_of_what_it_shows(client, staff):
    member_in("paying", "paying@example.com")

    page = client.get("/admin/desk/member/", {"status": "paying"}).content.decode()

    assert f'href="{URL}?status=paying"' in page
    assert "Export these 1 as CSV" in page


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_escaped(client, staff, start):
    member = member_in("free", "formula@example.com")
    member.name = f'{start}HYPERLINK("https://evil.example","click")'
    member.save()

    (row,) = read(client.get(URL))

    assert row["name"] == "'" + member.name
    assert export.escape("Plain name") == "Plain name"


def test_the_export_streams_and_reads_members_only_as_it_writes_them(client, staff):
    member_in("free", "first@example.com")

    response = client.get(URL)
    chunks = iter(response.streaming_content)
    assert response.streaming
    with CaptureQueriesContext(connection) as before_rows:
        header = next(chunks)
    with CaptureQueriesContext(connection) as rest:
        body = b"".join(chunks)

    assert header.decode().strip() == GHOST_COLUMNS
    assert len(before_rows) == 0  # nothing read until the rows are asked for
    assert len(rest) == 1  # then one cursor for every row
    assert b"first@example.com" in body


def test_rows_leave_in_chunks_from_one_query_however_many_members(client, staff, monkeypatch):
    def exported(n) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL)
            chunks = list(response.streaming_content)
        lines = b"".join(chunks).decode().splitlines()
        assert len(lines) == n + 1
        return len(queries), len(chunks)

    monkeypatch.setattr(export, "csv_chunks", _small_chunks(export.csv_chunks))
    for i in range(3):
        member_in("free", f"few{i}@example.com")
    few_queries, few_chunks = exported(3)
    for i in range(40):
        member_in("free", f"many{i}@example.com")
    many_queries, many_chunks = exported(43)

    # session, user, permissions (own and groups'); plans, newsletters (the list's filters);
    # two counts; the audit entry; the rows.
    assert few_queries == many_queries == 10
    assert many_chunks > few_chunks > 1


def _small_chunks(original):
    def chunks(rows, *, per_chunk=5):
        return original(rows, per_chunk=per_chunk)

    return chunks


def test_an_export_is_written_to_the_audit_log(client, staff):
    member_in("paying", "paying@example.com")
    member_in("free", "free@example.com")

    read(client.get(URL, {"status": "paying"}))

    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == staff
    assert entry.details == {"rows": 1, "filters": "status=paying"}


def test_staff_without_the_export_permission_get_nothing_and_nothing_is_logged(client):
    client.force_login(desk_staff("viewer@example.com", codenames=["view_member"]))
    member_in("paying", "paying@example.com")

    assert client.get(URL).status_code == 403
    assert "Export these" not in client.get("/admin/desk/member/").content.decode()
    assert not AuditEntry.objects.filter(action="export").exists()
