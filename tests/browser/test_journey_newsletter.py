"""Journey: an editor emails a paid story to everyone; a real worker process sends it; in the
demo's outbox the free member has the preview and a Subscribe button and the subscriber the
whole story; the free member leaves from the email's link with JavaScript off."""

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from tests.browser.conftest import STORY_HEADLINE, page_text, sign_in_as, visit
from tests.factories import PREVIEW_SENTENCE, SECRET_SENTENCE
from tests.worker_process import run_worker_batch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def members(reader, subscriber):
    from tests.newsletter_helpers import make_newsletter, subscribed

    newsletter = make_newsletter(name="Every story")
    subscribed(reader, newsletter)
    subscribed(subscriber, newsletter)
    return newsletter


def open_email_to(page, site, address):
    """From the outbox, the HTML version of the email sent to `address`."""
    visit(page, site + "/outbox/")
    page.locator("li", has_text=address).get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(STORY_HEADLINE)
    page.get_by_role("link", name="See the HTML version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(STORY_HEADLINE)


def test_an_editor_sends_a_paid_story_and_a_worker_delivers_each_member_their_share(
    page,
    new_context,
    site,
    desk_editor,
    members,
    reader,
    subscriber,
    paid_story,
    screenshot,
    outbox_on,
):
    desk_editor.groups.first().permissions.add(Permission.objects.get(codename="send_newsletter"))
    sign_in_as(page.context, site, desk_editor)
    visit(page, f"{site}/admin/articles/article/{paid_story.pk}/change/")
    page.get_by_role("link", name="Email this story to a newsletter").click()
    page.get_by_label("Newsletter").select_option(label="Every story")
    page.get_by_label("Everyone").check()
    page.get_by_role("button", name="See who gets what").click()
    plan = page.get_by_role("region", name="Who gets what")
    expect(plan).to_contain_text("1 member with access gets the whole story.")
    expect(plan).to_contain_text("1 member without access gets the preview and a Subscribe button.")
    screenshot(page, "newsletter", "1-send-screen")
    page.get_by_role("button", name="Send to 2 members now").click()
    expect(page.get_by_text("Sending to 2 members.")).to_be_visible()
    expect(page.locator(".count-sent")).to_have_text("0")  # queued: a worker sends it

    # A real `manage.py db_worker` process, with the links in its emails pointing here.
    output = run_worker_batch(EMAIL_OUTBOX="1", SITE_URL=site)
    page.reload()
    assert "newsletters.delivery.deliver_send" in output
    expect(page.locator(".count-sent")).to_have_text("2")
    screenshot(page, "newsletter", "2-progress")

    inbox = new_context(java_script_enabled=False).new_page()
    open_email_to(inbox, site, subscriber.email)
    for width in (600, 320):
        inbox.set_viewport_size({"width": width, "height": 900})
        assert SECRET_SENTENCE in page_text(inbox)
        screenshot(inbox, "newsletter", f"3-subscriber-email-{width}px")

    open_email_to(inbox, site, reader.email)
    for width in (600, 320):
        inbox.set_viewport_size({"width": width, "height": 900})
        expect(inbox.get_by_text(PREVIEW_SENTENCE, exact=False)).to_be_visible()
        expect(inbox.get_by_role("link", name="Subscribe", exact=True)).to_be_visible()
        assert SECRET_SENTENCE not in page_text(inbox)
        # Nothing wider than the screen: the layout holds on a phone.
        assert inbox.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(inbox, "newsletter", f"4-free-member-email-{width}px")

    # The free member leaves from the email's own link, in a browser with JavaScript off.
    inbox.set_viewport_size({"width": 1280, "height": 900})
    inbox.get_by_role("link", name="Unsubscribe", exact=True).click()
    expect(inbox.get_by_role("heading", level=1)).to_have_text("Unsubscribe")
    expect(inbox.get_by_text("Stop sending Every story")).to_be_visible()
    screenshot(inbox, "newsletter", "5-unsubscribe")
    inbox.get_by_role("button", name="Unsubscribe from Every story").click()
    expect(inbox.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    screenshot(inbox, "newsletter", "6-unsubscribed")
    assert not reader.newsletter_subscriptions.active().exists()
    assert subscriber.newsletter_subscriptions.active().exists()
