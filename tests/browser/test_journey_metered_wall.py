"""A new reader signs up from the metered call to action, reads two paid stories whole and
meets the wall on the third."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import latest_email_code, page_text, visit
from tests.factories import PREVIEW_SENTENCE, SECRET_SENTENCE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "metered.reader@example.com"


def test_a_registered_reader_reads_two_paid_stories_free_and_meets_the_wall_on_the_third(
    page, site, settings, screenshot
):
    from tests.factories import make_article

    settings.METERED_FREE_STORIES = 2
    first, second, third = (
        site + make_article(headline=f"Paid story {n}").get_absolute_url() for n in (1, 2, 3)
    )

    visit(page, first)
    assert SECRET_SENTENCE not in page_text(page)
    screenshot(page, "metered-wall", "1-anonymous-call-to-action")
    page.get_by_role("link", name="Sign up free to read 2 subscriber stories a month").click()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill("a-long-pass-phrase-for-reading")
    page.get_by_role("button", name="Create account").click()
    page.get_by_label("Code").fill(latest_email_code(EMAIL))
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(first)
    expect(page.get_by_text(SECRET_SENTENCE)).to_be_visible()
    expect(page.get_by_text("1 of 2 free stories left this month")).to_be_visible()
    screenshot(page, "metered-wall", "2-first-free-story")

    visit(page, second)
    expect(page.get_by_text(SECRET_SENTENCE)).to_be_visible()
    expect(page.get_by_text("0 of 2 free stories left this month")).to_be_visible()

    visit(page, third)
    expect(page.get_by_text(PREVIEW_SENTENCE)).to_be_visible()
    wall = page.get_by_role("complementary", name="You've read your 2 free stories this month")
    expect(wall).to_be_visible()
    expect(wall.get_by_role("link", name="Upgrade to read")).to_be_visible()
    assert SECRET_SENTENCE not in page_text(page)
    screenshot(page, "metered-wall", "3-the-wall")

    # The first story, read this month already, is still theirs to reread.
    visit(page, first)
    expect(page.get_by_text(SECRET_SENTENCE)).to_be_visible()
