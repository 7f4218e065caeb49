"""The audit log: written by the flows that refund, comp, export, import or send; never edited."""

import pytest
from django.contrib.auth import get_user_model

from desk.audit import record
from desk.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_recorded_action_names_who_did_what_to_whom(desk_editor):
    entry = record(actor=desk_editor, action="refund", target="reader@example.com", amount=500)

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.actor, stored.actor_label, stored.action) == (
        desk_editor,
        desk_editor.email,
        "refund",
    )
    assert stored.target_label == "reader@example.com"
    assert stored.details == {"amount": 500}


def test_an_entry_cannot_be_changed_or_deleted(desk_editor):
    entry = record(actor=desk_editor, action="comp", target="reader@example.com")

    entry.action = "nothing happened"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "comp"


def test_an_entry_outlives_the_account_of_its_actor():
    actor = get_user_model().objects.create_user(email="gone@example.com", password="x")
    entry = record(actor=actor, action="export", target="members.csv")

    actor.delete()

    entry.refresh_from_db()
    assert entry.actor is None
    assert entry.actor_label == "gone@example.com"


def test_the_admin_lists_entries_and_offers_no_way_to_add_edit_or_delete(client):
    admin = get_user_model().objects.create_superuser(email="owner@example.com", password="pw")
    entry = record(actor=admin, action="import", target="ghost-members.csv", rows=3)
    client.force_login(admin)

    listing = client.get("/admin/desk/auditentry/")
    assert listing.status_code == 200
    assert "ghost-members.csv" in listing.content.decode()
    assert "/admin/desk/auditentry/add/" not in listing.content.decode()

    assert client.get("/admin/desk/auditentry/add/").status_code == 403
    page = client.get(f"/admin/desk/auditentry/{entry.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert (
        client.post(f"/admin/desk/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
