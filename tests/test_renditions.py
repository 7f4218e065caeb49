"""Resized copies of uploaded images: made on upload with Pillow, served through srcset."""

from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles import images
from articles.models import Article
from tests.editorial_helpers import article_post, change_url
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def jpeg_bytes(width, height):
    buffer = BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def _desk_editor_signed_in(client, desk_editor):
    """These tests drive the admin as the shared desk editor (tests/conftest.py)."""
    client.force_login(desk_editor)


def upload_hero(client, article, width=1200, height=800):
    data = article_post(article) | {
        "hero_image": SimpleUploadedFile("harbour.jpg", jpeg_bytes(width, height), "image/jpeg"),
        "hero_alt": "Boats in the harbour at dawn",
    }
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    return article


def test_uploading_a_hero_makes_smaller_webp_copies_next_to_it(client, desk_editor, media_root):
    article = upload_hero(client, make_article())
    original = media_root / article.hero_image.name
    widths = article.hero_renditions["widths"]
    assert sorted(widths, key=int) == ["480", "960"]  # never wider than the 1200px original
    for width, name in widths.items():
        path = media_root / name
        assert path.parent == original.parent
        with Image.open(path) as copy:
            assert copy.format == "WEBP"
            assert copy.width == int(width)
            assert copy.height == round(800 * int(width) / 1200)


def test_the_article_and_its_card_offer_the_copies_in_a_srcset(client, desk_editor):
    article = upload_hero(client, make_article())
    client.logout()
    base = article.hero_image.url.rsplit(".", 1)[0]
    page = client.get(article.get_absolute_url()).content.decode()
    assert (
        f'srcset="{base}.w480.webp 480w, {base}.w960.webp 960w, {article.hero_image.url} 1200w"'
        in page
    )
    assert 'sizes="(min-width: 60rem) 48rem, 100vw"' in page
    home = client.get("/").content.decode()
    assert f"{base}.w480.webp 480w" in home


def test_saving_an_article_anywhere_makes_its_hero_copies(media_root):
    article = make_article(
        hero_image=SimpleUploadedFile("plain.jpg", jpeg_bytes(800, 600), "image/jpeg"),
        hero_alt="A plain picture",
    )
    article.refresh_from_db()
    assert list(article.hero_renditions["widths"]) == ["480"]
    assert (media_root / article.hero_renditions["widths"]["480"]).is_file()


def test_a_hero_without_copies_falls_back_to_the_original(client):
    article = make_article(
        hero_image=SimpleUploadedFile("plain.jpg", jpeg_bytes(800, 600), "image/jpeg"),
        hero_alt="A plain picture",
    )
    # As for an article stored before copies existed, or whose copies were lost.
    Article.objects.filter(pk=article.pk).update(hero_renditions={})
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'<img src="{article.hero_image.url}" alt="A plain picture"' in page
    assert "srcset" not in page


def test_a_readers_request_never_resizes_images(client, desk_editor, monkeypatch):
    article = upload_hero(client, make_article())
    make_article(
        hero_image=SimpleUploadedFile("plain.jpg", jpeg_bytes(800, 600), "image/jpeg"),
        hero_alt="No copies yet",
    )
    client.logout()

    def refuse(*args, **kwargs):
        raise AssertionError("resized on a reader's request")

    monkeypatch.setattr(images, "make_renditions", refuse)
    monkeypatch.setattr(Image, "open", refuse)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get("/").status_code == 200


def test_replacing_the_hero_makes_new_copies_and_deletes_the_old_ones(
    client, desk_editor, media_root
):
    article = upload_hero(client, make_article(), width=1000, height=500)
    first = dict(article.hero_renditions["widths"])
    article = upload_hero(client, article, width=2000, height=1000)
    assert sorted(article.hero_renditions["widths"], key=int) == ["480", "960", "1600"]
    assert article.hero_renditions["widths"] != first
    assert not any((media_root / name).exists() for name in first.values())
    assert all((media_root / name).exists() for name in article.hero_renditions["widths"].values())


def test_removing_the_hero_deletes_its_copies(media_root):
    article = make_article(
        hero_image=SimpleUploadedFile("plain.jpg", jpeg_bytes(1200, 600), "image/jpeg"),
        hero_alt="A plain picture",
    )
    copies = list(article.hero_renditions["widths"].values())
    assert copies and all((media_root / name).exists() for name in copies)
    article.hero_image = ""
    article.hero_alt = ""
    article.save()
    assert not any((media_root / name).exists() for name in copies)
    article.refresh_from_db()
    assert article.hero_renditions == {}


def test_an_unreadable_upload_is_refused_by_the_form(client, desk_editor):
    article = make_article()
    data = article_post(article) | {
        "hero_image": SimpleUploadedFile("fake.jpg", b"not an image", "image/jpeg"),
        "hero_alt": "Alt",
    }
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()


def test_a_body_image_uploaded_in_the_admin_gets_copies_and_a_srcset(client, desk_editor):
    article = make_article(status="draft")
    data = article_post(article) | {
        "images-TOTAL_FORMS": "1",
        "images-0-image": SimpleUploadedFile("inline.jpg", jpeg_bytes(1000, 700), "image/jpeg"),
        "images-0-alt": "The quay",
        "images-0-caption": "The quay at low tide",
    }
    assert client.post(change_url(article), data).status_code == 302
    uploaded = article.images.get()
    assert sorted(uploaded.renditions["widths"], key=int) == ["480", "960"]

    html = client.get(change_url(article)).content.decode()
    assert f'data-src="{uploaded.image.url}"' in html  # the "Insert into body" button

    # The editor puts the image into the body as a figure; saving adds the srcset.
    image = f'<img src="{uploaded.image.url}" alt="The quay">'
    figure = f"<figure>{image}<figcaption>Cap</figcaption></figure>"
    body = f"<p>Intro.</p>{figure}"
    refreshed = Article.objects.get(pk=article.pk)
    data = article_post(refreshed, body=body) | {
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "1",
        "images-0-id": str(uploaded.pk),
        "images-0-article": str(article.pk),
        "images-0-alt": "The quay",
        "images-0-caption": "The quay at low tide",
    }
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    base = uploaded.image.url.rsplit(".", 1)[0]
    assert (
        f"{base}.w480.webp 480w, {base}.w960.webp 960w, {uploaded.image.url} 1000w" in article.body
    )
    assert 'sizes="(min-width: 60rem) 40rem, 100vw"' in article.body


def test_renditions_are_written_under_the_media_root(client, desk_editor, media_root):
    article = upload_hero(client, make_article())
    for name in article.hero_renditions["widths"].values():
        assert Path(media_root / name).is_file()


def test_body_images_get_unguessable_names():
    from articles.models import body_image_path

    first = body_image_path(None, "Harbour Secret Plan.JPG")
    second = body_image_path(None, "Harbour Secret Plan.JPG")
    assert first != second
    assert "Harbour" not in first
    assert first.startswith("articles/") and first.endswith(".jpg")
