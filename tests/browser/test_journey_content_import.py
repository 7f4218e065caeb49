"""An editor brings stories over from Ghost: uploads the export in the admin, reads the dry run,
confirms; readers then read the imported stories, and the paid one's paywall falls where
Ghost's members-only marker was."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import page_text, sign_in_as, visit
from tests.content_import_helpers import GHOST_PAID_PREVIEW, GHOST_PAID_SECRET, GHOST_SAMPLE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_imports_the_ghost_sample_and_readers_meet_the_paywall_at_the_old_marker(
    page, new_context, site, desk_editor, screenshot
):
    from tests.factories import make_section
    from tests.task_helpers import run_queued_tasks

    make_section(name="Harbour", slug="harbour")
    sign_in_as(page.context, site, desk_editor)
    visit(page, site + "/admin/")
    page.get_by_role("link", name="Content imports").click()
    page.get_by_role("link", name="Add content import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import stories")
    page.get_by_label("Exported from").select_option(value="ghost")
    page.get_by_label("Export file").set_input_files(str(GHOST_SAMPLE))
    page.get_by_label("Section").select_option(label="Harbour")
    screenshot(page, "content-import", "1-upload")
    page.get_by_role("button", name="See what would be imported").click()

    expect(page.get_by_role("heading", name="Dry run: what this export would do")).to_be_visible()
    expect(page.get_by_role("table").filter(has_text="Create (10)")).to_contain_text(
        "Inside the council vote"
    )
    expect(page.get_by_role("table").filter(has_text="Skip (3)")).to_contain_text(
        "a page, not a story"
    )
    screenshot(page, "content-import", "2-dry-run")
    from articles.models import Article

    assert not Article.objects.exists()
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("The import has started")).to_be_visible()
    assert run_queued_tasks() == 1  # the background worker's turn
    page.reload()
    expect(page.get_by_text("Posts imported: 6 of 6")).to_be_visible()
    screenshot(page, "content-import", "3-imported")

    reader = new_context().new_page()
    # The old Ghost address leads to the imported story.
    visit(reader, site + "/harbour-reopens/")
    assert reader.url == site + "/harbour/harbour-reopens/"
    expect(reader.get_by_role("heading", level=1)).to_have_text("The harbour reopens")
    expect(reader.get_by_text("Ferries return on Friday.")).to_be_visible()
    screenshot(reader, "content-import", "4-public-story")

    visit(reader, site + "/council-vote/")
    assert reader.url == site + "/harbour/council-vote/"
    expect(reader.locator(".article-body p")).to_have_text(
        [GHOST_PAID_PREVIEW, "The debate lasted three hours."]
    )
    expect(reader.get_by_role("link", name="Subscribe now")).to_be_visible()
    assert GHOST_PAID_SECRET not in page_text(reader)
    assert GHOST_PAID_SECRET not in reader.content()
    screenshot(reader, "content-import", "5-paid-story-paywall")
