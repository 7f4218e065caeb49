"""Uploaded images: capped at 2,400 px when they arrive, resized copies made once with Pillow,
and readers (pages, og:image, JSON-LD) only ever given the copies, never the stored original."""

import json
import re
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles import images
from articles.models import Article, ArticleImage
from tests.editorial_helpers import article_post, change_url
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def jpeg_bytes(width, height, **options):
    buffer = BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(buffer, "JPEG", **options)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def _desk_editor_signed_in(client, desk_editor):
    """These tests drive the admin as the shared desk editor (tests/conftest.py)."""
    client.force_login(desk_editor)


def upload_hero(client, article, width=1200, height=800, **jpeg_options):
    photo = jpeg_bytes(width, height, **jpeg_options)
    data = article_post(article) | {
        "hero_image": SimpleUploadedFile("harbour.jpg", photo, "image/jpeg"),
        "hero_alt": "Boats in the harbour at dawn",
    }
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    return article


def copy_url(article, width):
    return article.hero_image.storage.url(article.hero_renditions["widths"][str(width)])


def test_uploading_a_hero_makes_webp_copies_up_to_its_own_width(client, media_root):
    article = upload_hero(client, make_article())
    original = media_root / article.hero_image.name
    widths = article.hero_renditions["widths"]
    assert sorted(widths, key=int) == ["480", "800", "1200"]  # never wider than the original
    for width, name in widths.items():
        path = media_root / name
        assert path.parent == original.parent
        with Image.open(path) as copy:
            assert copy.format == "WEBP"
            assert copy.width == int(width)
            assert copy.height == round(800 * int(width) / 1200)


def test_a_large_upload_is_stored_at_most_2400_pixels_on_its_long_side(client, media_root):
    exif = Image.Exif()
    exif[0x010F] = "Camera maker that should not reach readers"
    article = upload_hero(client, make_article(), width=4000, height=3000, exif=exif.tobytes())
    with Image.open(media_root / article.hero_image.name) as stored:
        assert stored.size == (2400, 1800)
        assert stored.format == "JPEG"
        assert not stored.getexif()  # re-encoded: the camera's data (and GPS) is gone
    assert (article.hero_width, article.hero_height) == (2400, 1800)
    assert sorted(article.hero_renditions["widths"], key=int) == ["480", "800", "1200", "1600"]


def test_a_tall_upload_is_capped_on_its_height(client, media_root):
    article = upload_hero(client, make_article(), width=1000, height=3000)
    with Image.open(media_root / article.hero_image.name) as stored:
        assert stored.size == (800, 2400)


def test_an_image_stored_without_a_form_is_capped_too(media_root):
    article = make_article(hero_alt="Saved from a shell")
    article.hero_image.save("huge.jpg", ContentFile(jpeg_bytes(3600, 1800)))
    article.refresh_from_db()
    with Image.open(media_root / article.hero_image.name) as stored:
        assert stored.size == (2400, 1200)
    assert (article.hero_width, article.hero_height) == (2400, 1200)
    assert len(list(media_root.rglob("huge*.jpg"))) == 1  # the uncapped file was removed


def test_a_body_image_is_capped_and_copied_when_saved(media_root):
    article = make_article()
    upload = SimpleUploadedFile("wide.jpg", jpeg_bytes(5000, 1000), "image/jpeg")
    image = ArticleImage.objects.create(article=article, image=upload, alt="A long pier")
    with Image.open(media_root / image.image.name) as stored:
        assert stored.size == (2400, 480)
    image.refresh_from_db()
    assert sorted(image.renditions["widths"], key=int) == ["480", "800", "1200", "1600"]


def test_a_small_image_gets_one_copy_at_its_own_width(media_root):
    article = make_article(
        hero_image=SimpleUploadedFile("icon.jpg", jpeg_bytes(300, 200), "image/jpeg"),
        hero_alt="A small picture",
    )
    assert list(article.hero_renditions["widths"]) == ["300"]
    assert (media_root / article.hero_renditions["widths"]["300"]).is_file()


def test_the_article_page_names_the_copies_and_never_the_original(client, settings):
    article = upload_hero(client, make_article(access="public"), width=2000, height=1000)
    client.logout()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert article.headline in page
    srcset = ", ".join(f"{copy_url(article, w)} {w}w" for w in (480, 800, 1200, 1600))
    hero = re.search(r'<figure class="hero">\s*(<img [^>]*>)', page).group(1)
    assert f'src="{copy_url(article, 800)}"' in hero
    assert f'srcset="{srcset}"' in hero
    assert 'sizes="(min-width: 60rem) 48rem, 100vw"' in hero
    assert 'width="2000" height="1000"' in hero
    assert 'alt="Boats in the harbour at dawn"' in hero
    assert 'decoding="async"' in hero
    assert article.hero_image.url not in page

    shared = settings.SITE_URL + copy_url(article, 1200)
    assert f'<meta property="og:image" content="{shared}">' in page
    assert '<meta property="og:image:width" content="1200">' in page
    assert '<meta property="og:image:height" content="600">' in page
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["image"] == {"@type": "ImageObject", "url": shared, "width": 1200, "height": 600}


def test_a_hero_without_copies_is_not_shown_rather_than_served_whole(client):
    article = make_article(
        hero_image=SimpleUploadedFile("plain.jpg", jpeg_bytes(800, 600), "image/jpeg"),
        hero_alt="A plain picture",
    )
    # As for an article whose copies were lost, or an unreadable file.
    Article.objects.filter(pk=article.pk).update(hero_renditions={})
    client.logout()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert article.headline in page
    assert '<figure class="hero">' not in page
    assert "og:image" not in page
    assert article.hero_image.url not in page


def test_a_readers_request_never_resizes_images(client, monkeypatch):
    article = upload_hero(client, make_article())
    client.logout()

    def refuse(*args, **kwargs):
        raise AssertionError("resized on a reader's request")

    monkeypatch.setattr(images, "make_renditions", refuse)
    monkeypatch.setattr(Image, "open", refuse)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get("/").status_code == 200


def test_replacing_the_hero_makes_new_copies_and_deletes_the_old_ones(client, media_root):
    article = upload_hero(client, make_article(), width=1000, height=500)
    first = dict(article.hero_renditions["widths"])
    assert sorted(first, key=int) == ["480", "800", "1000"]
    article = upload_hero(client, article, width=2000, height=1000)
    assert sorted(article.hero_renditions["widths"], key=int) == ["480", "800", "1200", "1600"]
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


def test_an_unreadable_upload_is_refused_by_the_form(client):
    article = make_article()
    data = article_post(article) | {
        "hero_image": SimpleUploadedFile("fake.jpg", b"not an image", "image/jpeg"),
        "hero_alt": "Alt",
    }
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()


def test_a_body_image_in_the_text_points_at_its_copies_after_saving(client):
    article = make_article(status="draft", access="public")
    upload = SimpleUploadedFile("inline.jpg", jpeg_bytes(1000, 700), "image/jpeg")
    uploaded = ArticleImage.objects.create(article=article, image=upload, alt="The quay")
    original = uploaded.image.url

    # The editor puts the image into the body as a figure with the original's address.
    figure = f'<figure><img src="{original}" alt="The quay"><figcaption>Cap</figcaption></figure>'
    body = f"<p>Intro.</p>{figure}"
    refreshed = Article.objects.get(pk=article.pk)
    data = article_post(refreshed, body=body, status="published")
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    copies = {w: uploaded.image.storage.url(n) for w, n in uploaded.renditions["widths"].items()}
    srcset = f"{copies['480']} 480w, {copies['800']} 800w, {copies['1000']} 1000w"
    assert f'src="{copies["800"]}"' in article.body
    assert f'srcset="{srcset}"' in article.body
    assert 'width="1000" height="700"' in article.body
    assert 'loading="lazy"' in article.body and 'decoding="async"' in article.body
    assert original not in article.body

    # Saved again (the editor now holds the copy's address): the same markup, once.
    data = article_post(Article.objects.get(pk=article.pk))
    assert client.post(change_url(article), data).status_code == 302
    again = Article.objects.get(pk=article.pk).body
    assert again == article.body
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'srcset="{srcset}"' in page
    assert original not in page


def test_renditions_are_written_under_the_media_root(client, media_root):
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
