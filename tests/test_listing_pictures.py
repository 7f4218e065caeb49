"""Pictures on the listing cards: home, section, author, tag and search show each story's hero
copies (srcset, sizes for where the card shows it, width and height, lazy below the fold), and
a story without a picture gets no image slot at all."""

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles import images
from tests.factories import make_article, make_author, make_section, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(name="photo.jpg"):
    buffer = BytesIO()
    Image.new("RGB", (1600, 900), (120, 60, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/jpeg")


def pictured(**kwargs):
    return make_article(hero_image=photo(), hero_alt=f"Picture for {kwargs['headline']}", **kwargs)


def card_images(html):
    return re.findall(r'<img class="card-image"[^>]*>', html)


def srcset_of(article):
    storage = article.hero_image.storage
    widths = sorted(article.hero_renditions["widths"].items(), key=lambda item: int(item[0]))
    return ", ".join(f"{storage.url(name)} {width}w" for width, name in widths)


def test_the_home_page_lead_loads_at_once_at_the_size_it_is_shown(client):
    section = make_section(name="Coast", slug="coast")
    lead = pictured(headline="Lead with a picture", section=section)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lead with a picture" in html
    lead_card = html[html.index('class="lead-story"') :]
    image = card_images(lead_card)[0]
    assert f'srcset="{srcset_of(lead)}"' in image
    assert f'sizes="{images.SIZES["lead"]}"' in image
    assert 'width="1600" height="900"' in image
    assert 'fetchpriority="high"' in image and "loading=" not in image
    assert lead.hero_image.url not in html


def test_every_pictured_story_on_the_home_page_shows_its_picture_and_others_no_slot(client):
    sections = [make_section(name=f"Desk {n}", slug=f"desk-{n}") for n in range(2)]
    with_pictures = [
        pictured(headline=f"Pictured story {n}", section=sections[n % 2]) for n in range(14)
    ]
    without = make_article(headline="A story told in words alone", section=sections[0])
    html = client.get("/").content.decode()
    shown = card_images(html)
    assert len(shown) == len(with_pictures)
    assert all('loading="lazy"' in image for image in shown[1:])  # below the lead
    assert any(f'sizes="{images.SIZES["grid"]}"' in image for image in shown)  # section blocks
    assert any(f'sizes="{images.SIZES["list"]}"' in image for image in shown)  # latest
    words_only = html[html.index("A story told in words alone") - 600 :]
    words_only = words_only[words_only.rindex("<article") : words_only.index("</article>")]
    assert "<img" not in words_only and "card-with-image" not in words_only
    assert without.headline in html


@pytest.mark.parametrize("page", ["section", "author", "tag", "search"])
def test_listing_cards_show_the_picture_the_first_at_once_the_rest_lazily(client, page):
    section = make_section(name="Harbour", slug="harbour")
    author = make_author(name="Ines Ward", slug="ines-ward")
    tag = make_tag(name="Ferries", slug="ferries")
    stories = [
        pictured(
            headline=f"Ferry timetable story {n}",
            access="public",
            section=section,
            authors=[author],
            tags=[tag],
        )
        for n in range(3)
    ]
    plain = make_article(
        headline="Ferry timetable story without picture",
        access="public",
        section=section,
        authors=[author],
        tags=[tag],
    )
    url = {
        "section": "/harbour/",
        "author": "/authors/ines-ward/",
        "tag": "/tags/ferries/",
        "search": "/search/?q=ferry+timetable",
    }[page]
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert plain.headline in html
    shown = card_images(html)
    assert len(shown) == 3
    for story in stories:
        assert f'srcset="{srcset_of(story)}"' in html
        assert story.hero_image.url not in html
    assert all(f'sizes="{images.SIZES["list"]}"' in image for image in shown)
    assert all('width="1600" height="900"' in image for image in shown)
    assert "loading=" not in shown[0]
    assert all('loading="lazy"' in image for image in shown[1:])
