"""Reading on a phone, in the dark and on paper: the compact header, dark mode, print, sharing."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import STORY_HEADLINE, sign_in_as, visit
from tests.factories import PREVIEW_SENTENCE, SECRET_SENTENCE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def luminance(page, selector, prop):
    """The relative luminance (0 black … 1 white) of a computed colour."""
    return page.evaluate(
        """([selector, prop]) => {
            const value = getComputedStyle(document.querySelector(selector))[prop];
            const [r, g, b] = value.match(/\\d+/g).slice(0, 3).map(Number).map((c) => {
                c /= 255;
                return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
            });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        }""",
        [selector, prop],
    )


def test_on_a_phone_the_header_is_one_row_and_the_story_starts_above_the_fold(
    new_context, site, paid_story, screenshot
):
    page = new_context(viewport=PHONE).new_page()
    visit(page, site + paid_story.get_absolute_url())
    header = page.locator(".site-header").bounding_box()
    # One row: the name, Subscribe and Menu; the sections wait behind the menu.
    assert header["height"] <= 64, header
    expect(page.get_by_role("navigation", name="Sections")).to_be_hidden()
    headline = page.get_by_role("heading", level=1, name=STORY_HEADLINE).bounding_box()
    first_line = page.get_by_text(PREVIEW_SENTENCE).bounding_box()
    assert headline["y"] < 200, headline
    # The first line of the story is on the first screen, not below the fold.
    assert first_line["y"] + 30 < PHONE["height"], first_line
    screenshot(page, "reading", "phone-article", docs_name="mobile-article")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_phone_menu_opens_and_closes_with_or_without_javascript(
    new_context, site, paid_story, screenshot, javascript
):
    page = new_context(viewport=PHONE, java_script_enabled=javascript).new_page()
    visit(page, site + "/")
    sections = page.get_by_role("navigation", name="Sections")
    expect(sections).to_be_hidden()
    page.get_by_role("link", name="Menu").click()
    expect(sections.get_by_role("link", name="City")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in")
    ).to_be_visible()
    if javascript:
        screenshot(page, "reading", "phone-menu-open", docs_name="mobile-menu")
    page.get_by_role("link", name="Close").click()
    expect(sections).to_be_hidden()


def test_on_a_wide_screen_the_sections_show_without_a_menu_button(page, site, paid_story):
    visit(page, site + "/")
    expect(
        page.get_by_role("navigation", name="Sections").get_by_role("link", name="City")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Menu")).to_be_hidden()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_site_follows_the_devices_colour_scheme(
    new_context, site, paid_story, screenshot, scheme
):
    page = new_context(color_scheme=scheme).new_page()
    visit(page, site + paid_story.get_absolute_url())
    paper = luminance(page, "body", "backgroundColor")
    ink = luminance(page, "body", "color")
    if scheme == "dark":
        assert paper < 0.02 < 0.7 < ink
    else:
        assert ink < 0.02 < 0.9 < paper
    # Body text keeps at least the contrast of the light theme (about 15:1).
    lighter, darker = max(paper, ink), min(paper, ink)
    assert (lighter + 0.05) / (darker + 0.05) >= 14
    screenshot(page, "reading", f"article-{scheme}", docs_name=f"article-{scheme}")
    visit(page, site + "/")
    screenshot(page, "reading", f"home-{scheme}", docs_name=f"home-{scheme}")
    visit(page, site + "/city/")
    screenshot(page, "reading", f"section-{scheme}", docs_name=f"section-{scheme}")
    page.set_viewport_size(PHONE)
    visit(page, site + "/")
    screenshot(page, "reading", f"phone-header-{scheme}", docs_name=f"mobile-header-{scheme}")


def test_a_subscriber_reads_the_whole_story_in_the_dark(
    new_context, site, paid_story, subscriber, screenshot
):
    context = new_context(color_scheme="dark")
    sign_in_as(context, site, subscriber)
    page = context.new_page()
    visit(page, site + paid_story.get_absolute_url())
    expect(page.get_by_text(SECRET_SENTENCE)).to_be_visible()
    expect(page.get_by_role("button", name="Gift this article")).to_be_visible()
    screenshot(page, "reading", "subscriber-article-dark", docs_name="article-subscriber-dark")


def test_printing_gives_the_story_only(page, site, paid_story, subscriber):
    sign_in_as(page.context, site, subscriber)
    visit(page, site + paid_story.get_absolute_url())
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", level=1, name=STORY_HEADLINE)).to_be_visible()
    expect(page.get_by_text(SECRET_SENTENCE)).to_be_visible()
    for hidden in (".site-header", ".site-footer", ".article-end"):
        expect(page.locator(hidden)).to_be_hidden()
    page.emulate_media(media="screen")
    expect(page.locator(".site-header")).to_be_visible()


def test_share_copies_the_link_where_there_is_no_share_sheet(new_context, site, paid_story):
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    # This browser has no share sheet; a phone's would open instead.
    page.add_init_script("delete Navigator.prototype.share")
    visit(page, site + paid_story.get_absolute_url())
    page.get_by_role("link", name="Share this story").click()
    expect(page.get_by_role("status").filter(has_text="Link copied.")).to_be_visible()
    canonical = settings.SITE_URL + paid_story.get_absolute_url()
    assert page.evaluate("navigator.clipboard.readText()") == canonical
    # The page did not move: the link was copied, not followed.
    assert page.url == site + paid_story.get_absolute_url()


def test_share_opens_the_share_sheet_where_the_browser_has_one(new_context, site, paid_story):
    page = new_context().new_page()
    page.add_init_script(
        "navigator.share = (data) => { window.sharedWith = data; return Promise.resolve(); }"
    )
    visit(page, site + paid_story.get_absolute_url())
    page.get_by_role("link", name="Share this story").click()
    page.wait_for_function("window.sharedWith !== undefined")
    shared = page.evaluate("window.sharedWith")
    canonical = settings.SITE_URL + paid_story.get_absolute_url()
    assert shared == {"title": STORY_HEADLINE, "url": canonical}
