"""A bad export gets a clear message and changes nothing: broken JSON, the wrong file or zip,
a missing HTML file, a huge upload, records the importer cannot read."""

import io
import zipfile
from pathlib import Path

import pytest

from articles.models import Article, Author, Tag
from content_import.bundle import Bundle
from content_import.models import ContentImport
from content_import.records import BadExport
from desk.models import AuditEntry
from tests.content_import_helpers import SUBSTACK_FOLDER, bundle_of, dry_run, ghost_document
from tests.factories import make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    return make_section(slug="imports")


def refused(bundle, section, source="ghost") -> str:
    with pytest.raises(BadExport) as error:
        dry_run(bundle, section=section, source=source)
    assert not ContentImport.objects.exists()
    assert not Article.objects.exists()
    assert not Author.objects.exists()
    assert not Tag.objects.exists()
    assert not AuditEntry.objects.exists()
    return str(error.value)


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_broken_json_names_where_it_breaks(section):
    message = refused(Bundle({"export.json": b'{"db": [{"data": {"posts": [}'}), section)
    assert "export.json is not valid JSON" in message
    assert "line 1, column" in message


def test_json_that_is_not_a_ghost_export_is_refused(section):
    message = refused(Bundle({"export.json": b'{"members": []}'}), section)
    assert "not a Ghost export" in message


def test_a_file_that_is_neither_json_nor_a_zip_is_refused(section):
    message = refused(Bundle.from_bytes(b"\x89PNG not an export", "photo.png"), section)
    assert "No Ghost export found" in message


def test_a_zip_without_the_expected_files_is_refused(section):
    bundle = Bundle.from_bytes(zipped({"notes.txt": b"hello"}), "wrong.zip")
    assert "No Ghost export found" in refused(bundle, section)
    assert "No posts.csv found" in refused(bundle, section, source="substack")


def test_a_corrupt_zip_is_refused():
    with pytest.raises(BadExport, match="is not a zip file we can open"):
        Bundle.from_bytes(b"PK\x03\x04 and then nothing a zip holds", "broken.zip")


def test_a_huge_upload_is_refused_before_it_is_read(settings):
    settings.CONTENT_IMPORT_MAX_BYTES = 1000
    with pytest.raises(BadExport, match="at most 0 MB"):
        Bundle.from_bytes(b"x" * 1001, "big.json")


def test_a_zip_that_unpacks_to_too_much_is_refused(settings):
    settings.CONTENT_IMPORT_MAX_BYTES = 2000
    bomb = zipped({"export.json": b" " * 9000})
    assert len(bomb) < 2000
    with pytest.raises(BadExport, match="unpacks to"):
        Bundle.from_bytes(bomb, "bomb.zip")


def test_bad_posts_are_all_named_and_none_is_imported(section):
    document = ghost_document()
    posts = document["db"][0]["data"]["posts"]
    posts[0]["visibility"] = "vip"
    posts[1]["title"] = ""
    posts[2]["published_at"] = "the day after tomorrow"
    message = refused(bundle_of(document), section)
    assert "nothing was changed" in message
    assert "posts[0] (“The harbour reopens”) has an unknown visibility “vip”." in message
    assert "posts[1] has no title." in message
    assert "“the day after tomorrow” is not a date" in message


def test_a_post_with_only_lexical_is_refused(section):
    document = ghost_document()
    del document["db"][0]["data"]["posts"][3]["html"]
    assert "has no html (only lexical or mobiledoc)" in refused(bundle_of(document), section)


def _substack(changes: dict[str, bytes | None]) -> Bundle:
    """The sample folder, with files replaced (or removed, for None)."""
    files = {
        path.relative_to(SUBSTACK_FOLDER).as_posix(): path.read_bytes()
        for path in SUBSTACK_FOLDER.rglob("*")
        if path.is_file()
    }
    for name, content in changes.items():
        if content is None:
            files.pop(name)
        else:
            files[name] = content
    return Bundle(files)


def test_a_missing_html_file_is_named_with_its_line(section):
    bundle = _substack({"posts/101234568.the-budget-gap.html": None})
    message = refused(bundle, section, source="substack")
    assert "Line 3 (“The budget gap”): posts/101234568.the-budget-gap.html is missing" in message


def test_a_csv_without_substacks_columns_is_refused(section):
    bundle = _substack({"posts.csv": b"email,name\na@example.com,A\n"})
    message = refused(bundle, section, source="substack")
    assert "lacks the column(s)" in message
    assert "audience" in message


def test_an_unknown_audience_is_named_with_its_line(section):
    csv = (
        (SUBSTACK_FOLDER / "posts.csv")
        .read_text()
        .replace("only_paid,The budget", "vips,The budget")
    )
    bundle = _substack({"posts.csv": csv.encode()})
    message = refused(bundle, section, source="substack")
    assert "Line 3 (“The budget gap”) has an unknown audience “vips”." in message


def test_a_csv_in_another_encoding_is_refused(section):
    csv = (SUBSTACK_FOLDER / "posts.csv").read_text().replace("Welcome", "Wélcome")
    bundle = _substack({"posts.csv": csv.encode("latin-1")})
    assert "posts.csv is not UTF-8 text" in refused(bundle, section, source="substack")


def test_a_path_that_is_not_there_is_refused(tmp_path: Path):
    with pytest.raises(BadExport, match="There is no file or folder"):
        Bundle.from_path(tmp_path / "missing.json")
