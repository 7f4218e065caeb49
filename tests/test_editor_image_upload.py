"""Pictures uploaded from the editor in the background (articles/image_upload.py): stored as the
article's image, capped and copied at once, described in place; refused clearly when too big,
not a picture, or sent by someone who may not change the article, or without a CSRF token."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleImage
from articles.tasks import delete_abandoned_uploads
from tests.editorial_helpers import ADD_URL, article_post
from tests.factories import make_article, make_section
from tests.users import staff_in_group

pytestmark = pytest.mark.django_db

DRAFT_URL = "/admin/articles/article/images/upload/"


def upload_url(article):
    return f"/admin/articles/article/{article.pk}/images/upload/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(width=1600, height=1000, name="quay.jpg", kind="JPEG", content_type="image/jpeg"):
    buffer = BytesIO()
    Image.new("RGB", (width, height), (20, 80, 140)).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type)


def test_an_editor_uploads_a_picture_and_gets_its_copies_at_once(client, desk_editor, media_root):
    article = make_article(status="draft")
    client.force_login(desk_editor)
    response = client.post(upload_url(article), {"image": photo(3200, 2000)})
    assert response.status_code == 201
    answer = response.json()
    image = ArticleImage.objects.get(pk=answer["id"])
    assert image.article == article
    assert image.uploaded_by == desk_editor
    with Image.open(media_root / image.image.name) as stored:
        assert stored.size == (2400, 1500)  # the 2,400 px cap
    storage = image.image.storage
    copies = {w: storage.url(n) for w, n in image.renditions["widths"].items()}
    assert answer["src"] == copies["800"]
    assert answer["srcset"] == ", ".join(
        f"{copies[w]} {w}w" for w in ("480", "800", "1200", "1600")
    )
    assert (answer["width"], answer["height"]) == (2400, 1500)
    assert image.image.url not in str(answer)  # the original is never handed out

    described = client.post(
        answer["describe_url"], {"alt": "Boats on the mud", "caption": "Low tide"}
    )
    assert described.status_code == 200
    image.refresh_from_db()
    assert (image.alt, image.caption) == ("Boats on the mud", "Low tide")
    assert described.json()["alt"] == "Boats on the mud"


def test_a_picture_too_big_is_refused_with_its_size_and_nothing_is_stored(
    client, desk_editor, settings, media_root
):
    settings.ARTICLE_IMAGE_MAX_BYTES = 5_000
    article = make_article()
    client.force_login(desk_editor)
    big = photo(1200, 900, name="huge.png", kind="PNG", content_type="image/png")
    response = client.post(upload_url(article), {"image": big})
    assert response.status_code == 413
    error = response.json()["error"]
    assert error.startswith("“huge.png” is ") and "an image can be at most 0.0 MB" in error
    assert not ArticleImage.objects.exists()
    assert not list(media_root.rglob("*.*"))


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("notes.jpg", b"these are words, not pixels", "image/jpeg"),
            "“notes.jpg” is not an image this site can use (JPEG, PNG, WebP or GIF).",
        ),
        (
            SimpleUploadedFile("page.pdf", b"%PDF-1.4 not a picture", "application/pdf"),
            "“page.pdf” is not an image this site can use (JPEG, PNG, WebP or GIF).",
        ),
        (None, "Choose an image file to upload."),
    ],
    ids=["words-named-jpg", "pdf", "no-file"],
)
def test_what_is_not_a_picture_is_refused_clearly(client, desk_editor, upload, message):
    article = make_article()
    client.force_login(desk_editor)
    response = client.post(upload_url(article), {"image": upload} if upload else {})
    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert not ArticleImage.objects.exists()


def test_a_picture_in_a_format_readers_cannot_see_is_refused(client, desk_editor):
    article = make_article()
    client.force_login(desk_editor)
    tiff = photo(200, 200, name="scan.tiff", kind="TIFF", content_type="image/tiff")
    response = client.post(upload_url(article), {"image": tiff})
    assert response.status_code == 400
    assert "“scan.tiff” is not an image this site can use" in response.json()["error"]


def test_a_writer_may_not_upload_to_someone_elses_article(client, writer):
    theirs = make_article(status="draft")  # no byline of the writer's
    client.force_login(writer)
    response = client.post(upload_url(theirs), {"image": photo()})
    assert response.status_code in (403, 404)
    assert "error" in response.json()
    assert not ArticleImage.objects.exists()


def test_a_writer_uploads_to_their_own_draft(client, writer):
    mine = make_article(status="draft", authors=[writer.author_profile])
    client.force_login(writer)
    response = client.post(upload_url(mine), {"image": photo()})
    assert response.status_code == 201
    assert ArticleImage.objects.get().article == mine


def test_a_reader_is_not_let_in_at_all(client, reader):
    article = make_article()
    client.force_login(reader)
    response = client.post(upload_url(article), {"image": photo()})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not ArticleImage.objects.exists()


def test_an_upload_without_a_csrf_token_is_refused(desk_editor):
    article = make_article()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(desk_editor)
    response = strict.post(upload_url(article), {"image": photo()})
    assert response.status_code == 403
    assert not ArticleImage.objects.exists()


def test_only_the_article_s_editors_describe_its_pictures(client, desk_editor, writer):
    article = make_article(status="draft")
    image = ArticleImage.objects.create(article=article, image=photo(), alt="Before")
    client.force_login(writer)
    url = f"/admin/articles/article/images/{image.pk}/describe/"
    response = client.post(url, {"alt": "Changed by a stranger"})
    assert response.status_code in (403, 404)
    client.force_login(desk_editor)
    assert client.post(url, {"alt": "   "}).json() == {
        "error": "Describe the picture for readers who cannot see it."
    }
    image.refresh_from_db()
    assert image.alt == "Before"


def test_pictures_dropped_into_a_new_article_attach_on_its_first_save(client, desk_editor):
    section = make_section()
    client.force_login(desk_editor)
    page = client.get(ADD_URL).content.decode()
    token = re.search(r'name="image_draft_token" value="([^"]+)"', page).group(1)

    answer = client.post(DRAFT_URL, {"image": photo(), "draft": token}).json()
    client.post(answer["describe_url"], {"alt": "The new pier"})
    image = ArticleImage.objects.get()
    assert image.article is None and image.draft_token == token

    body = f'<p>First.</p><figure><img src="{answer["src"]}" alt="The new pier"></figure>'
    data = article_post(body=body) | {"section": str(section.pk), "image_draft_token": token}
    assert client.post(ADD_URL, data).status_code == 302
    article = Article.objects.get(slug="a-new-story")
    image.refresh_from_db()
    assert image.article == article and image.draft_token == ""
    assert f'srcset="{answer["srcset"]}"' in article.body


def test_someone_elses_draft_token_attaches_nothing(client, desk_editor):
    other = staff_in_group("other-desk@example.com", "Editor")
    client.force_login(other)
    token = "t" * 32
    client.post(DRAFT_URL, {"image": photo(), "draft": token})
    client.force_login(desk_editor)
    data = article_post() | {"section": str(make_section().pk), "image_draft_token": token}
    assert client.post(ADD_URL, data).status_code == 302
    assert ArticleImage.objects.get().article is None


def test_a_draft_upload_needs_the_page_s_token(client, desk_editor):
    client.force_login(desk_editor)
    response = client.post(DRAFT_URL, {"image": photo(), "draft": "short"})
    assert response.status_code == 400
    assert response.json() == {"error": "This page is out of date; reload it and try again."}


def test_pictures_for_articles_never_saved_are_deleted_a_day_later(desk_editor, media_root):
    kept_article = make_article()
    kept = ArticleImage.objects.create(article=kept_article, image=photo(), alt="Kept")
    abandoned = ArticleImage.objects.create(
        image=photo(), alt="Abandoned", draft_token="x" * 32, uploaded_by=desk_editor
    )
    files = [media_root / abandoned.image.name] + [
        media_root / name for name in abandoned.renditions["widths"].values()
    ]
    assert all(path.is_file() for path in files)
    assert delete_abandoned_uploads(now=timezone.now() + timedelta(hours=2)) == 0
    assert delete_abandoned_uploads(now=timezone.now() + timedelta(days=2)) == 1
    assert not any(path.exists() for path in files)
    assert list(ArticleImage.objects.all()) == [kept]
