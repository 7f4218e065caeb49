"""The admin's writing room: a picture dragged into the editor uploads in the background, gets
its alt text in place, and readers get its copies in a srcset; the page at 1280 px, in light and
dark, cut off nowhere, with no serious or critical axe-core finding."""

import base64
import re
from io import BytesIO

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_no_serious_accessibility_violations,
    sign_in_as,
    visit,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINE = "Low tide at the quay"
FIRST = "The harbour empties twice a day, and the boats settle on the mud."
ALT = "Boats resting on the mud at low tide"

# Drops a file on the editor as a person dragging it from their desktop would: the browser
# sends dragenter, dragover and drop, with the file in the DataTransfer.
DROP_FILE = """(target, [data, name]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0))
  const transfer = new DataTransfer()
  transfer.items.add(new File([bytes], name, { type: "image/jpeg" }))
  const box = target.getBoundingClientRect()
  const at = { clientX: box.left + 20, clientY: box.bottom - 5, bubbles: true, cancelable: true }
  for (const type of ["dragenter", "dragover", "drop"]) {
    target.dispatchEvent(new DragEvent(type, { ...at, dataTransfer: transfer }))
  }
}"""


@pytest.fixture
def editor_page(page, site, desk_editor, settings, tmp_path):
    """A page signed in as an editor, failing the test on any JavaScript error."""
    settings.MEDIA_ROOT = tmp_path
    sign_in_as(page.context, site, desk_editor)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, errors


def jpeg(width=2000, height=1300):
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (width, height), (40, 120, 90)).save(buffer, "JPEG")
    return base64.b64encode(buffer.getvalue()).decode()


def test_a_picture_dragged_into_a_new_article_reaches_readers_as_a_srcset(
    editor_page, site, new_context, screenshot
):
    from articles.models import Article
    from tests.factories import make_section

    page = editor_page
    make_section(name="Coast", slug="coast")
    visit(page, site + "/admin/articles/article/add/")
    page.get_by_label("Headline").fill(HEADLINE)
    page.get_by_label("Section").select_option(label="Coast")
    body = page.locator(".ProseMirror[contenteditable=true]")
    body.click()
    page.keyboard.type(FIRST)

    # Dragged in before the article was ever saved: no saving first.
    body.locator("p").first.evaluate(DROP_FILE, [jpeg(), "quay.jpg"])
    dialog = page.get_by_role("dialog", name="Picture for the body")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("status")).to_have_text("Uploaded. Describe it, then insert it.")
    dialog.get_by_label("Alt text: what the picture shows").fill(ALT)
    dialog.get_by_label("Caption (optional)").fill("The quay at low tide")
    screenshot(page, "writing-room", "1-picture-dialog")
    dialog.get_by_role("button", name="Insert picture").click()
    expect(dialog).to_be_hidden()
    expect(body.locator("figure img")).to_have_attribute("alt", ALT)
    expect(body.locator("figure figcaption")).to_have_text("The quay at low tide")
    expect(page.locator("#writing-room")).to_contain_text("18 words")

    page.get_by_label("Status").select_option(value="published")
    page.get_by_label("Access").select_option(value="public")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()

    article = Article.objects.get(slug="low-tide-at-the-quay")
    image = article.images.get()
    assert image.alt == ALT
    assert image.image.width == 2000  # under the cap, stored as it came (re-encoded)

    reader = new_context().new_page()
    visit(reader, site + article.get_absolute_url())
    picture = reader.locator(".article-body figure img")
    expect(picture).to_have_attribute("alt", ALT)
    srcset = picture.get_attribute("srcset")
    assert re.fullmatch(
        r"(\S+\.w480\.webp 480w), (\S+\.w800\.webp 800w), (\S+\.w1200\.webp 1200w), "
        r"(\S+\.w1600\.webp 1600w)",
        srcset,
    ), srcset
    assert picture.get_attribute("width") == "2000"
    assert image.image.url not in reader.content()
    # The browser really loaded a copy, not the original.
    assert reader.evaluate(
        "document.querySelector('.article-body figure img').currentSrc"
    ).endswith(".webp")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_writing_room_at_1280_px_cuts_nothing_off(
    site, desk_editor, new_context, screenshot, settings, tmp_path, scheme
):
    from tests.factories import make_article

    settings.MEDIA_ROOT = tmp_path
    paragraphs = "".join(
        f"<p>Paragraph {n} of the story, with a few more words.</p>" for n in range(8)
    )
    article = make_article(
        headline="Harbour redevelopment doubles in cost before a single pier is rebuilt",
        body=paragraphs,
        status="draft",
        authors=[desk_editor.author_profile],
    )
    context = new_context(color_scheme=scheme)
    sign_in_as(context, site, desk_editor)
    page = context.new_page()
    visit(page, site + f"/admin/articles/article/{article.pk}/change/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    headline = page.get_by_label("Headline").bounding_box()
    assert headline["width"] > 700  # was 274 px
    main = page.locator(".writing-main").bounding_box()
    side = page.locator(".writing-side").bounding_box()
    assert side["x"] >= main["x"] + main["width"]  # beside the text, not under it
    assert side["x"] + side["width"] <= 1280
    for name in ("Publishing", "Placement", "Hero image", "Search engines"):
        expect(page.locator(".writing-side").get_by_text(name, exact=True)).to_be_visible()
    expect(page.locator("#writing-room")).to_contain_text(
        "Readers without a subscription see 3 of 8 paragraphs."
    )
    screenshot(page, "writing-room", f"2-{scheme}", docs_name=f"writing-room-{scheme}")
    assert_no_serious_accessibility_violations(page, f"writing room ({scheme})")
