"""Journey: a publisher uploads the Ghost (then the Substack) sample, reads the dry run before
anything changes, confirms, watches the import finish and finds the members in the list;
uploading the same file again says nothing will change, and nothing does."""

import pytest
from playwright.sync_api import expect

from desk.models import MemberImport
from tests.browser.conftest import sign_in_as, visit
from tests.desk_helpers import desk_staff
from tests.desk_import_helpers import DATA
from tests.task_helpers import run_queued_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLES = [
    ("ghost-members.csv", "Ghost (members CSV)", "ada@example.com", "Ghost import"),
    ("substack-subscribers.csv", "Substack (subscribers CSV)", "rita@example.com", "Substack"),
]


def upload(page, site, name, source_label):
    visit(page, f"{site}/admin/desk/memberimport/add/")
    page.get_by_label(source_label).check()
    page.get_by_label("CSV file").set_input_files(str(DATA / name))
    page.get_by_role("button", name="Check the file (dry run)").click()
    expect(page.locator(".import-state")).to_have_text("Dry run: waiting for confirmation")


def confirm_and_finish(page):
    page.get_by_role("button", name="Import 4 rows").click()
    expect(page.get_by_text("Importing 4 rows in the background.")).to_be_visible()
    run_queued_tasks()  # the worker's share, in this process
    page.reload()
    expect(page.locator(".import-state")).to_have_text("Done")
    expect(page.locator(".import-progress")).to_have_text("4 of 4 rows (100%)")


@pytest.mark.parametrize(("name", "label", "email", "origin"), SAMPLES, ids=["ghost", "substack"])
def test_a_publisher_imports_a_sample_sees_the_dry_run_first_and_a_second_import_changes_nothing(
    page, site, screenshot, name, label, email, origin
):
    journey = f"member-import-{name.split('-')[0]}"
    sign_in_as(page.context, site, desk_staff())

    upload(page, site, name, label)
    expect(page.locator(".plan-create")).to_have_text("4")
    expect(page.locator(".plan-unchanged")).to_have_text("0")
    assert not MemberImport.objects.exclude(state="checked").exists()
    screenshot(page, journey, "1-dry-run")
    confirm_and_finish(page)
    expect(page.locator(".done-create")).to_have_text("4")
    screenshot(page, journey, "2-done")

    visit(page, f"{site}/admin/desk/member/")
    row = page.get_by_role("row").filter(has_text=email)
    expect(row).to_contain_text(origin)
    expect(page.get_by_text("4 members")).to_be_visible()
    screenshot(page, journey, "3-members")

    upload(page, site, name, label)
    expect(page.locator(".plan-create")).to_have_text("0")
    expect(page.locator(".plan-update")).to_have_text("0")
    expect(page.locator(".plan-unchanged")).to_have_text("4")
    confirm_and_finish(page)
    expect(page.locator(".done-unchanged")).to_have_text("4")
    visit(page, f"{site}/admin/desk/member/")
    expect(page.get_by_text("4 members")).to_be_visible()
    screenshot(page, journey, "4-again-nothing-changed")
