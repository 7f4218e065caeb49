"""The admin's content import: upload, read the dry run, confirm, and the import runs as
background tasks, in batches, with its progress on the page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from articles.models import Article
from content_import import services
from content_import.models import ContentImport
from desk.models import AuditEntry
from tests.content_import_helpers import GHOST_SAMPLE, SUBSTACK_ZIP
from tests.factories import make_section
from tests.task_helpers import run_queued_tasks

pytestmark = pytest.mark.django_db

ADD = "/admin/content_import/contentimport/add/"


@pytest.fixture
def section():
    return make_section(name="Harbour", slug="harbour")


def upload(client, section, path=GHOST_SAMPLE, source="ghost", content=None):
    export = SimpleUploadedFile(path.name, content if content is not None else path.read_bytes())
    return client.post(ADD, {"source": source, "export": export, "section": section.pk})


def test_an_editor_uploads_sees_the_dry_run_confirms_and_the_stories_arrive(
    client, desk_editor, section
):
    client.force_login(desk_editor)
    assert "Import stories" in client.get(ADD).content.decode()
    response = upload(client, section)
    assert response.status_code == 302
    content_import = ContentImport.objects.get()
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Dry run: what this export would do" in html
    assert "Inside the council vote" in html
    assert "a page, not a story" in html
    assert "Confirm and import" in html
    assert not Article.objects.exists()

    confirmed = client.post(f"/admin/content_import/contentimport/{content_import.pk}/confirm/")
    assert confirmed.status_code == 302
    content_import.refresh_from_db()
    assert content_import.state == ContentImport.State.QUEUED
    assert not Article.objects.exists()  # a worker does it
    run_queued_tasks()
    content_import.refresh_from_db()
    assert content_import.state == ContentImport.State.DONE
    assert Article.objects.count() == 6
    html = client.get(response["Location"]).content.decode()
    assert "Posts imported: <strong>6 of 6</strong>" in html
    assert "post create: 6" in html
    assert "Confirm and import" not in html
    assert AuditEntry.objects.filter(action="content_import.confirmed", actor=desk_editor).exists()


def test_confirming_twice_starts_one_import(client, desk_editor, section):
    client.force_login(desk_editor)
    upload(client, section)
    content_import = ContentImport.objects.get()
    url = f"/admin/content_import/contentimport/{content_import.pk}/confirm/"
    client.post(url)
    second = client.post(url, follow=True)
    assert "This import is already confirmed" in second.content.decode()
    assert run_queued_tasks() == 1


def test_a_big_export_runs_in_batches_with_progress(client, desk_editor, section, monkeypatch):
    monkeypatch.setattr(services, "BATCH", 2)
    client.force_login(desk_editor)
    upload(client, section)
    content_import = ContentImport.objects.get()
    client.post(f"/admin/content_import/contentimport/{content_import.pk}/confirm/")
    assert run_queued_tasks() == 3
    content_import.refresh_from_db()
    assert (content_import.posts_done, content_import.state) == (6, "done")
    assert content_import.result["post create"] == 6
    assert content_import.result["author create"] == 2


def test_a_bad_upload_shows_the_reason_and_changes_nothing(client, desk_editor, section):
    client.force_login(desk_editor)
    response = upload(client, section, content=b'{"db": [')
    assert response.status_code == 400
    html = response.content.decode()
    assert "This export cannot be imported; nothing was changed." in html
    assert "is not valid JSON" in html
    assert not ContentImport.objects.exists()


def test_a_huge_upload_is_refused(client, desk_editor, section, settings):
    settings.CONTENT_IMPORT_MAX_BYTES = 5000
    client.force_login(desk_editor)
    response = upload(client, section)
    assert response.status_code == 400
    assert "an export may be at most" in response.content.decode()
    assert not ContentImport.objects.exists()


def test_the_substack_zip_uploads_too(client, desk_editor, section):
    client.force_login(desk_editor)
    response = upload(client, section, path=SUBSTACK_ZIP, source="substack")
    assert response.status_code == 302
    assert "The budget gap" in client.get(response["Location"]).content.decode()


def test_writers_and_readers_cannot_import(client, writer, reader, section):
    for user in (writer, reader):
        client.force_login(user)
        response = upload(client, section)
        assert response.status_code in {302, 403}
        assert not ContentImport.objects.exists()


# ---------------------------------------------------------------- the command


def test_the_command_shows_a_dry_run_by_default(section, capsys):
    call_command("import_content", "ghost", str(GHOST_SAMPLE), "--section", "harbour")
    out = capsys.readouterr().out
    assert "create  post   Inside the council vote" in out
    assert "Dry run: nothing was changed." in out
    assert not Article.objects.exists()


def test_the_command_applies_and_a_second_run_changes_nothing(section, capsys):
    call_command("import_content", "ghost", str(GHOST_SAMPLE), "--section", "harbour", "--apply")
    assert Article.objects.count() == 6
    call_command("import_content", "ghost", str(GHOST_SAMPLE), "--section", "harbour", "--apply")
    out = capsys.readouterr().out
    assert "Imported: 2 author unchanged, 6 post unchanged, 2 tag unchanged" in out
    assert Article.objects.count() == 6


def test_the_command_queues_a_background_import(section):
    call_command(
        "import_content", "substack", str(SUBSTACK_ZIP), "--section", "harbour", "--background"
    )
    assert not Article.objects.exists()
    run_queued_tasks()
    assert Article.objects.count() == 6


def test_the_command_refuses_a_bad_export_with_its_reason(section, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(CommandError, match="is not valid JSON"):
        call_command("import_content", "ghost", str(broken), "--section", "harbour")
    with pytest.raises(CommandError, match="There is no section"):
        call_command("import_content", "ghost", str(GHOST_SAMPLE), "--section", "nope")
    assert not ContentImport.objects.exists()
