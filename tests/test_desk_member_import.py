"""Importing members from Ghost's and Substack's CSV: a dry run first, then a task; accounts
without passwords, newsletter consent recorded as an import, comps, and a second import of
the same file that changes nothing."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from desk.models import AuditEntry, MemberImport, MemberNote
from newsletters.models import ConsentEvent, Newsletter, NewsletterSubscription
from subscriptions.entitlements import has_paid_access
from subscriptions.models import ComplimentaryAccess
from tests.bad_input_helpers import database_state
from tests.desk_helpers import desk_staff
from tests.desk_import_helpers import confirm_and_run, dry_run, run_one_task, sample, upload

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def staff(client):
    user = desk_staff()
    client.force_login(user)
    return user


@pytest.fixture
def weekly():
    return Newsletter.objects.create(
        name="The Weekly", sender_name="The Newsroom", default_for_new_members=True
    )


def test_the_ghost_sample_is_checked_first_and_changes_nothing_until_confirmed(
    client, staff, weekly
):
    job = dry_run(client, sample("ghost-members.csv"), "ghost", name="ghost-members.csv")

    page = client.get(f"/admin/desk/memberimport/{job.pk}/change/")
    assert page.status_code == 200
    assert job.state == MemberImport.State.CHECKED
    assert job.report["counts"] == {
        "create": 4,
        "update": 0,
        "unchanged": 0,
        "skip": 0,
        "bad": 0,
    }
    assert "Import 4 rows" in page.content.decode()
    assert not User.objects.filter(is_staff=False).exists()
    assert not AuditEntry.objects.filter(action="import").exists()


def test_a_confirmed_ghost_import_makes_members_as_the_export_describes(client, staff, weekly):
    job = confirm_and_run(client, dry_run(client, sample("ghost-members.csv"), "ghost"))

    assert job.state == MemberImport.State.DONE
    assert job.counts["create"] == 4 and job.done == 4
    ada = User.objects.get(email="ada@example.com")
    assert ada.name == "Ada Lovelace"
    assert not ada.has_usable_password()  # they sign in by emailed code
    assert EmailAddress.objects.get(user=ada).verified
    assert ada.date_joined.isoformat() == "2021-03-04T10:00:00+00:00"
    note = MemberNote.objects.get(user=ada)
    assert (note.note, note.labels, note.imported_from) == (
        "Founding reader",
        "vip, early readers",
        "ghost",
    )
    consent = NewsletterSubscription.objects.get(user=ada)
    assert (consent.newsletter, consent.consent_source) == (weekly, "import")
    assert ConsentEvent.objects.get(user=ada).source == "import"
    grace = User.objects.get(email="grace@example.com")
    assert has_paid_access(grace)
    assert ComplimentaryAccess.objects.get(user=grace).expires_at is None
    quiet = User.objects.get(email="quiet@example.com")
    assert not NewsletterSubscription.objects.filter(user=quiet).exists()
    entry = AuditEntry.objects.get(action="import")
    assert (entry.actor, entry.details["rows"], entry.details["source"]) == (staff, 4, "ghost")


@pytest.mark.parametrize(
    ("name", "source"),
    [("ghost-members.csv", "ghost"), ("substack-subscribers.csv", "substack")],
)
def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    client, staff, weekly, name, source
):
    confirm_and_run(client, dry_run(client, sample(name), source))
    after_first = database_state()

    again = dry_run(client, sample(name), source)
    rows = again.total
    assert again.report["counts"]["unchanged"] == rows
    assert again.report["counts"]["create"] == again.report["counts"]["update"] == 0
    confirm_and_run(client, again)

    after_second = database_state()
    for volatile in ("desk.MemberImport", "desk.AuditEntry", "django_tasks_database.DBTaskResult"):
        after_first.pop(volatile), after_second.pop(volatile)
    assert after_second == after_first
    assert User.objects.filter(is_staff=False).count() == rows


def test_the_substack_sample_maps_its_columns_by_name(client, staff, weekly):
    confirm_and_run(client, dry_run(client, sample("substack-subscribers.csv"), "substack"))

    rita = User.objects.get(email="rita@example.com")
    assert rita.name == "Rita Reader"
    assert NewsletterSubscription.objects.get(user=rita).consent_source == "import"
    colin = ComplimentaryAccess.objects.get(user__email="colin@example.com")
    assert colin.reason == "Complimentary on Substack"
    assert colin.expires_at.year == 2031
    gift = User.objects.get(email="gift@example.com")
    assert has_paid_access(gift)
    assert not NewsletterSubscription.objects.filter(user=gift).exists()  # email_disabled
    assert MemberNote.objects.get(user=gift).imported_from == "substack"


def test_an_existing_member_is_updated_and_never_put_back_on_a_newsletter_they_left(
    client, staff, weekly
):
    confirm_and_run(client, dry_run(client, sample("ghost-members.csv"), "ghost"))
    ada = User.objects.get(email="ada@example.com")
    from newsletters.services import unsubscribe

    unsubscribe(user=ada, newsletters=None, source="account")
    changed = sample("ghost-members.csv").replace(b"Ada Lovelace", b"Ada King")

    job = dry_run(client, changed, "ghost")

    assert job.report["counts"]["update"] == 1
    assert job.report["updates"][0]["changes"] == ["name"]
    confirm_and_run(client, job)
    ada.refresh_from_db()
    assert ada.name == "Ada King"
    assert not NewsletterSubscription.objects.active().filter(user=ada).exists()


def test_bad_rows_are_reported_by_line_and_the_good_ones_imported(client, staff):
    data = (
        b"email,name,subscribed_to_emails,complimentary_plan,favourite_colour\n"
        b"good@example.com,Good,true,false,blue\n"
        b"not-an-email,Bad,true,false,red\n"
        b",Nobody,true,false,\n"
        b"maybe@example.com,Maybe,perhaps,false,\n"
        b"GOOD@example.com,Again,true,false,\n"
    )

    job = dry_run(client, data, "ghost")

    page = client.get(f"/admin/desk/memberimport/{job.pk}/change/").content.decode()
    assert "favourite_colour" in page  # the unknown column, reported
    assert [(p["line"], p["reason"]) for p in job.report["problems"]] == [
        (3, "not a valid email address"),
        (4, "no email"),
        (5, "subscribed_to_emails is “perhaps”, not true or false"),
        (6, "repeats line 2: skipped"),
    ]
    confirm_and_run(client, job)
    assert list(User.objects.filter(is_staff=False).values_list("email", flat=True)) == [
        "good@example.com"
    ]


@pytest.mark.parametrize(
    "data",
    [
        "\ufeffemail,name\nbom@example.com,Zoë Bom\n".encode(),  # UTF-8 with a BOM
        "email;name;note\nbom@example.com;Zoë Bom;a; in a cell\n".encode(),  # semicolons
        "email,name\nbom@example.com,Zoë Bom\n".encode("cp1252"),  # a Windows spreadsheet
    ],
    ids=["bom", "semicolons", "windows-1252"],
)
def test_a_bom_semicolons_and_windows_1252_are_read(client, staff, data):
    confirm_and_run(client, dry_run(client, data, "ghost"))

    assert User.objects.get(email="bom@example.com").name == "Zoë Bom"


def test_a_file_in_another_encoding_gets_a_clear_error_and_changes_nothing(client, staff):
    before = database_state()

    response = upload(client, "email,name\nx@example.com,Zoë\n".encode("utf-16"), "ghost")

    assert response.status_code == 400
    assert "neither UTF-8 nor Windows-1252" in response.content.decode()
    assert database_state() == before


def test_a_file_without_an_email_column_is_refused(client, staff):
    response = upload(client, b"name,note\nAda,hello\n", "ghost")

    assert response.status_code == 400
    assert "There is no “email” column" in response.content.decode()
    assert not MemberImport.objects.exists()


def test_a_staff_account_is_never_changed_by_an_import(client, staff):
    job = dry_run(client, f"email,name\n{staff.email},Someone Else\n".encode(), "ghost")

    confirm_and_run(client, job)

    staff.refresh_from_db()
    assert staff.name == "" and staff.has_usable_password()
    assert job.report["problems"][0]["reason"] == "a staff account: imports never change staff"


def test_a_row_that_fails_half_way_leaves_nothing_behind(client, staff, weekly, monkeypatch):
    from desk import import_members

    real = import_members.subscribe

    def failing(*, user, newsletters, source):
        if user.email == "grace@example.com":
            raise RuntimeError("the disk is full")
        return real(user=user, newsletters=newsletters, source=source)

    monkeypatch.setattr(import_members, "subscribe", failing)

    job = confirm_and_run(client, dry_run(client, sample("ghost-members.csv"), "ghost"))

    assert not User.objects.filter(email="grace@example.com").exists()
    assert not ComplimentaryAccess.objects.exists()  # Grace's comp went with her row
    assert User.objects.filter(email="ada@example.com").exists()
    assert job.counts["skip"] == 1
    assert job.problems == [
        {
            "line": 3,
            "email": "grace@example.com",
            "reason": "could not be imported (RuntimeError)",
        }
    ]


def test_a_long_file_runs_in_chunks_and_shows_its_progress(client, staff, monkeypatch):
    from desk import import_run
    from tests.task_helpers import run_queued_tasks

    monkeypatch.setattr(import_run, "RUN_CHUNK", 2)
    data = "email\n" + "".join(f"m{i}@example.com\n" for i in range(5))
    job = dry_run(client, data.encode(), "ghost")
    client.post(f"/admin/desk/memberimport/{job.pk}/confirm/")

    run_one_task()  # the first chunk only
    job.refresh_from_db()
    page = client.get(f"/admin/desk/memberimport/{job.pk}/change/").content.decode()

    assert (job.state, job.done, job.total) == ("running", 2, 5)
    assert "2 of 5 rows (40%)" in page
    assert "refresh to see how far it has got" in page
    run_queued_tasks()
    job.refresh_from_db()
    assert (job.state, job.done, job.counts["create"]) == ("done", 5, 5)


def test_confirming_twice_runs_the_import_once(client, staff):
    job = dry_run(client, b"email\none@example.com\n", "ghost")

    confirm_and_run(client, job)
    again = client.post(f"/admin/desk/memberimport/{job.pk}/confirm/", follow=True)

    assert "confirmed already" in again.content.decode()
    assert AuditEntry.objects.filter(action="import").count() == 1


def test_staff_without_the_import_permission_cannot_upload_or_confirm(client, writer):
    client.force_login(desk_staff("viewer@example.com", codenames=["view_member"]))

    assert upload(client, b"email\nx@example.com\n", "ghost").status_code == 403
    client.force_login(writer)
    assert client.get("/admin/desk/memberimport/add/").status_code == 403
    assert not MemberImport.objects.exists()


def test_an_expired_substack_gift_gives_no_access(client, staff):
    past = (timezone.now() - timedelta(days=3)).strftime("%Y-%m-%d")
    data = f"email,plan,expiry\nold@example.com,gift,{past}\n".encode()

    confirm_and_run(client, dry_run(client, data, "substack"))

    assert not has_paid_access(User.objects.get(email="old@example.com"))
