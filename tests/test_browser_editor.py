"""An editor writes an article in the admin's rich-text editor, places the paywall break and
publishes; an anonymous reader then sees the preview end exactly there. Headless Chromium."""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from articles.html import PAYWALL_BREAK
from articles.models import Article
from tests.factories import make_section

# serialized_rollback: each test starts with the data migrations' groups, even after a flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"

FIRST = "The ferry timetable changes on Monday."
SECOND = "Commuters were told at a packed meeting."
THIRD = "The operator privately expects to cut the night service entirely."
FOURTH = "A spokesperson would not confirm the figures."


@pytest.fixture
def chromium(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; its calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def signed_in_editor(django_user_model, live_server):
    editor = django_user_model.objects.create_user(
        email="desk@example.com", password="unused-password-123", is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Editor"))
    client = Client()
    client.force_login(editor)
    return {
        "name": "sessionid",
        "value": client.cookies["sessionid"].value,
        "url": live_server.url,
    }


def test_an_editor_places_the_paywall_break_and_a_reader_sees_the_preview_end_there(
    chromium, live_server, signed_in_editor
):
    section = make_section(name="Harbour", slug="harbour")
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(15_000)
    context.add_cookies([signed_in_editor])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_headline", "Night ferries to be cut")
    page.select_option("#id_section", str(section.pk))

    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.wait_for()
    editor.click()
    for text in (FIRST, SECOND, THIRD, FOURTH):
        page.keyboard.type(text)
        page.keyboard.press("Enter")
    page.keyboard.press("Backspace")  # no empty paragraph at the end

    # Put the cursor in the second paragraph, then use the toolbar button.
    page.get_by_text(SECOND).click()
    page.get_by_role("button", name="Place the paywall break after this paragraph").click()
    marker = editor.locator("[data-paywall-break]")
    assert marker.count() == 1
    assert marker.inner_text() == "Paywall — preview ends here"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "editor-paywall-break.png"), full_page=True)

    page.select_option("#id_status", "published")
    page.select_option("#id_access", "paid")
    page.locator("input[name=_save]").click()
    page.wait_for_url(f"{live_server.url}/admin/articles/article/")
    assert "was added successfully" in page.content()

    article = Article.objects.get(slug="night-ferries-to-be-cut")
    assert article.is_published()
    assert article.body == (
        f"<p>{FIRST}</p><p>{SECOND}</p>{PAYWALL_BREAK}<p>{THIRD}</p><p>{FOURTH}</p>"
    )

    # The break survives a round trip through the editor unchanged.
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    assert page.locator(".ProseMirror[contenteditable=true] [data-paywall-break]").count() == 1
    page.locator("input[name=_save]").click()
    page.wait_for_url(f"{live_server.url}/admin/articles/article/")
    article.refresh_from_db()
    assert article.body.count(PAYWALL_BREAK) == 1
    assert article.body.index(SECOND) < article.body.index(PAYWALL_BREAK)
    assert article.body.index(PAYWALL_BREAK) < article.body.index(THIRD)
    assert not errors
    context.close()

    reader = chromium.new_context()
    anonymous = reader.new_page()
    anonymous.goto(f"{live_server.url}{article.get_absolute_url()}")
    paragraphs = anonymous.locator(".article-body p").all_inner_texts()
    assert paragraphs == [FIRST, SECOND]
    assert THIRD not in anonymous.content()
    anonymous.screenshot(path=str(SCREENSHOTS / "editor-reader-preview.png"), full_page=True)
    reader.close()


def test_an_editor_inserts_an_uploaded_image_into_the_body(
    chromium, live_server, signed_in_editor, settings, tmp_path
):
    from io import BytesIO

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    photo = tmp_path / "quay.jpg"
    buffer = BytesIO()
    Image.new("RGB", (1200, 800), (40, 120, 90)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    section = make_section(name="Coast", slug="coast")
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(15_000)
    context.add_cookies([signed_in_editor])
    page = context.new_page()

    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_headline", "Low tide at the quay")
    page.select_option("#id_section", str(section.pk))
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    page.keyboard.type(FIRST)
    page.set_input_files("#id_images-0-image", str(photo))
    page.fill("#id_images-0-alt", "Boats resting on the mud")
    page.fill("#id_images-0-caption", "The quay at low tide")
    page.locator("input[name=_continue]").click()
    page.wait_for_url("**/change/")

    page.locator(".ProseMirror[contenteditable=true] p").first.click()
    page.keyboard.press("End")
    page.get_by_role("button", name="Insert into body").click()
    assert page.locator(".ProseMirror[contenteditable=true] figure img").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "editor-inline-image.png"), full_page=True)
    page.locator("input[name=_save]").click()
    page.wait_for_url(f"{live_server.url}/admin/articles/article/")

    article = Article.objects.get(slug="low-tide-at-the-quay")
    uploaded = article.images.get()
    assert f'src="{uploaded.image.url}"' in article.body
    assert 'alt="Boats resting on the mud"' in article.body
    assert "The quay at low tide</figcaption>" in article.body
    assert ".w480.webp 480w" in article.body
    context.close()
