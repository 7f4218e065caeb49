"""Journey 6: an editor writes and publishes in the admin; readers see the break where it is."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import page_text, sign_in_as, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINE = "Night ferries to be cut from January"
STANDFIRST = "The operator blames fuel costs; islanders say they were not asked."
FIRST = "The ferry timetable changes on Monday."
SECOND = "Commuters were told at a packed meeting in the harbour office."
THIRD = "The operator privately expects to cut the night service entirely."
FOURTH = "A spokesperson would not confirm the figures."


def test_an_editor_publishes_with_a_paywall_break_and_readers_see_exactly_their_share(
    page, new_context, site, desk_editor, password, subscriber, screenshot
):
    from tests.factories import make_section

    make_section(name="Islands", slug="islands")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    visit(page, site + "/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Email").fill(desk_editor.email)
    page.get_by_label("Password", exact=False).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.locator("#articles-article").get_by_role("link", name="Articles").click()
    page.get_by_role("link", name="Add article").click()

    page.get_by_label("Headline").fill(HEADLINE)
    page.get_by_label("Standfirst").fill(STANDFIRST)
    page.get_by_label("Section").select_option(label="Islands")
    body = page.locator(".ProseMirror[contenteditable=true]")
    body.click()
    for text in (FIRST, SECOND, THIRD, FOURTH):
        page.keyboard.type(text)
        page.keyboard.press("Enter")
    page.keyboard.press("Backspace")
    page.get_by_text(SECOND).click()
    page.get_by_role("button", name="Paywall break").click()
    expect(body.get_by_role("separator", name="Paywall — preview ends here")).to_have_count(1)
    page.get_by_label("Status").select_option(label="Published")
    page.get_by_label("Access").select_option(value="paid")
    screenshot(page, "editor", "1-writing")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    screenshot(page, "editor", "2-saved")
    assert not errors, errors

    from articles.models import Article

    article_url = site + Article.objects.get(headline=HEADLINE).get_absolute_url()

    anonymous = new_context().new_page()
    visit(anonymous, article_url)
    expect(anonymous.locator(".article-body p")).to_have_text([FIRST, SECOND])
    expect(anonymous.get_by_role("link", name="Subscribe now")).to_be_visible()
    assert THIRD not in page_text(anonymous)
    screenshot(anonymous, "editor", "3-reader-preview")

    reading = new_context().new_page()
    sign_in_as(reading.context, site, subscriber)
    visit(reading, article_url)
    expect(reading.locator(".article-body p")).to_have_text([FIRST, SECOND, THIRD, FOURTH])
    screenshot(reading, "editor", "4-subscriber-full")
