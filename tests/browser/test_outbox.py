"""A newcomer to the demo signs up without a terminal: the code is in the outbox, a click away,
and the welcome email a worker sends afterwards shows there too, its links clickable."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "newcomer@example.com"


def test_a_newcomer_reads_the_code_and_the_welcome_in_the_outbox(
    context, site, screenshot, outbox_on, settings
):
    from tests.task_helpers import run_queued_tasks

    settings.SITE_URL = site  # emails link to the site they came from

    page = context.new_page()
    visit(page, site + "/accounts/signup/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill("a-long-pass-phrase-for-reading")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    outbox = context.new_page()
    visit(outbox, site + "/outbox/")
    expect(outbox.get_by_role("heading", name="Outbox")).to_be_visible()
    screenshot(outbox, "outbox", "1-list-with-the-code-email")
    outbox.get_by_role("link", name="confirmation code").click()
    code = outbox.locator(".outbox-code")
    expect(code).to_be_visible()
    screenshot(outbox, "outbox", "2-the-code-email")

    page.get_by_label("Code").fill(code.inner_text())
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("link", name="Account")).to_be_visible()

    assert run_queued_tasks() == 1  # the worker sends the welcome
    visit(outbox, site + "/outbox/")
    outbox.get_by_role("link", name="Welcome to").click()
    expect(outbox.get_by_role("heading", name="Welcome to The Newsroom")).to_be_visible()
    screenshot(outbox, "outbox", "3-the-welcome-email")
    outbox.locator(".outbox-body").get_by_role("link").first.click()
    expect(outbox).to_have_url(site + "/pricing/")

    # Its HTML part wears the newsletters' layout, and holds on a desktop and a phone.
    outbox.go_back()
    outbox.get_by_role("link", name="See the HTML version").click()
    expect(outbox.get_by_role("heading", level=1)).to_have_text("Welcome to The Newsroom")
    for width in (600, 320):
        outbox.set_viewport_size({"width": width, "height": 900})
        expect(outbox.get_by_role("link", name="See the plans")).to_be_visible()
        expect(outbox.get_by_text("1 Harbour Street")).to_be_visible()
        assert outbox.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(outbox, "outbox", f"4-the-welcome-email-html-{width}px")
    outbox.get_by_role("link", name="See the plans").click()
    expect(outbox).to_have_url(site + "/pricing/")
