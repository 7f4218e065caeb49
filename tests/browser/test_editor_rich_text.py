"""The admin's rich-text editor: what it stores, and what survives reopening an article.

Journey 6 (test_journey_editor.py) follows an editor from signing in to readers seeing the
break; these tests look at the stored body instead: the break exactly where it was placed,
unchanged by a second save, and an uploaded image inserted into the text with its renditions.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in_as, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = "The ferry timetable changes on Monday."
SECOND = "Commuters were told at a packed meeting."
THIRD = "The operator privately expects to cut the night service entirely."
FOURTH = "A spokesperson would not confirm the figures."


@pytest.fixture
def editor_page(page, site, desk_editor):
    """A page signed in as an editor, failing the test on any JavaScript error."""
    sign_in_as(page.context, site, desk_editor)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, errors


def test_the_paywall_break_is_stored_where_it_was_placed_and_survives_reopening(
    editor_page, site, screenshot
):
    from articles.html import PAYWALL_BREAK
    from articles.models import Article
    from tests.factories import make_section

    page = editor_page
    make_section(name="Harbour", slug="harbour")
    visit(page, site + "/admin/articles/article/add/")
    page.get_by_label("Headline").fill("Night ferries to be cut")
    page.get_by_label("Section").select_option(label="Harbour")
    body = page.locator(".ProseMirror[contenteditable=true]")
    body.click()
    for text in (FIRST, SECOND, THIRD, FOURTH):
        page.keyboard.type(text)
        page.keyboard.press("Enter")
    page.keyboard.press("Backspace")  # no empty paragraph at the end
    page.get_by_text(SECOND).click()
    page.get_by_role("button", name="Paywall break").click()
    marker = body.locator("[data-paywall-break]")
    expect(marker).to_have_count(1)
    expect(marker).to_have_text("Paywall — preview ends here")
    screenshot(page, "editor-rich-text", "1-paywall-break")
    page.get_by_label("Status").select_option(value="published")
    page.get_by_label("Access").select_option(value="paid")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()

    article = Article.objects.get(slug="night-ferries-to-be-cut")
    assert article.is_published()
    stored = f"<p>{FIRST}</p><p>{SECOND}</p>{PAYWALL_BREAK}<p>{THIRD}</p><p>{FOURTH}</p>"
    assert article.body == stored

    # Opened again and saved untouched, the editor gives back exactly what it was given.
    visit(page, site + f"/admin/articles/article/{article.pk}/change/")
    expect(body.locator("[data-paywall-break]")).to_have_count(1)
    expect(body.locator("p")).to_have_text([FIRST, SECOND, THIRD, FOURTH])
    screenshot(page, "editor-rich-text", "2-reopened")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    article.refresh_from_db()
    assert article.body == stored


def test_an_editor_inserts_an_uploaded_image_into_the_body(
    editor_page, site, settings, tmp_path, screenshot
):
    from io import BytesIO

    from PIL import Image

    from articles.models import Article
    from tests.factories import make_section

    page = editor_page
    settings.MEDIA_ROOT = tmp_path
    photo = tmp_path / "quay.jpg"
    buffer = BytesIO()
    Image.new("RGB", (1200, 800), (40, 120, 90)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    make_section(name="Coast", slug="coast")

    visit(page, site + "/admin/articles/article/add/")
    page.get_by_label("Headline").fill("Low tide at the quay")
    page.get_by_label("Section").select_option(label="Coast")
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.type(FIRST)
    # The way in without the editor's upload: the inline form, folded away under the editor.
    page.get_by_text("Images for the body").click()
    page.locator("#id_images-0-image").set_input_files(photo)
    page.locator("#id_images-0-alt").fill("Boats resting on the mud")
    page.locator("#id_images-0-caption").fill("The quay at low tide")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page).to_have_url(re.compile(r"/admin/articles/article/\d+/change/$"))

    body = page.locator(".ProseMirror[contenteditable=true]")
    body.locator("p").first.click()
    page.keyboard.press("End")
    page.get_by_text("Images for the body").click()
    page.get_by_role("button", name="Insert into body").click()
    expect(body.locator("figure img")).to_have_count(1)
    screenshot(page, "editor-rich-text", "3-inline-image")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    article = Article.objects.get(slug="low-tide-at-the-quay")
    uploaded = article.images.get()
    copy = uploaded.image.storage.url(uploaded.renditions["widths"]["800"])
    assert f'src="{copy}"' in article.body  # a copy, never the stored original
    assert uploaded.image.url not in article.body
    assert 'alt="Boats resting on the mud"' in article.body
    assert "The quay at low tide</figcaption>" in article.body
    assert ".w480.webp 480w" in article.body
