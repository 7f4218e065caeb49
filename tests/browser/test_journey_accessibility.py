"""Journey 8: axe-core finds no serious or critical accessibility violations on the key pages."""

import pytest

from tests.browser.conftest import (
    assert_no_accessibility_violations,
    assert_no_serious_accessibility_violations,
    sign_in_as,
    visit,
)
from tests.factories import SECRET_SENTENCE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_home_page_has_no_serious_accessibility_violations(page, site, paid_story):
    visit(page, site + "/")
    assert_no_serious_accessibility_violations(page, "home page")


def test_the_article_preview_has_no_serious_accessibility_violations(page, site, paid_story):
    visit(page, site + paid_story.get_absolute_url())
    assert_no_serious_accessibility_violations(page, "article preview")


def test_the_full_article_has_no_serious_accessibility_violations(
    page, site, paid_story, subscriber
):
    sign_in_as(page.context, site, subscriber)
    visit(page, site + paid_story.get_absolute_url())
    page.get_by_text(SECRET_SENTENCE).wait_for()
    assert_no_serious_accessibility_violations(page, "full article")


def test_the_pricing_page_has_no_serious_accessibility_violations(page, site, paid_story, plan):
    visit(page, site + "/pricing/?next=" + paid_story.get_absolute_url())
    page.get_by_role("button", name="Subscribe to Digital").wait_for()
    assert_no_serious_accessibility_violations(page, "pricing")


def test_the_sign_in_and_sign_up_pages_have_no_serious_accessibility_violations(page, site, reader):
    visit(page, site + "/accounts/login/")
    assert_no_serious_accessibility_violations(page, "sign in")
    page.get_by_role("link", name="Email me a sign-in code").click()
    assert_no_serious_accessibility_violations(page, "request a sign-in code")
    page.get_by_label("Email").fill(reader.email)
    page.get_by_role("button", name="Email me a code").click()
    page.get_by_label("Code").wait_for()
    assert_no_serious_accessibility_violations(page, "enter the sign-in code")
    visit(page, site + "/accounts/signup/")
    assert_no_serious_accessibility_violations(page, "sign up")


def test_the_account_page_has_no_serious_accessibility_violations(page, site, subscriber):
    sign_in_as(page.context, site, subscriber)
    visit(page, site + "/account/")
    page.get_by_role("button", name="Manage billing").wait_for()
    assert_no_serious_accessibility_violations(page, "account")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_reader_pages_have_no_accessibility_violations_of_any_impact(
    new_context, site, paid_story, subscriber, scheme, width
):
    anonymous = new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = anonymous.new_page()
    for name, path in [
        ("home", "/"),
        ("section", paid_story.section.get_absolute_url()),
        ("article preview", paid_story.get_absolute_url()),
        ("sign in", "/accounts/login/"),
        ("sign up", "/accounts/signup/"),
        ("sign in with a code", "/accounts/login/code/"),
        ("reset the password", "/accounts/password/reset/"),
    ]:
        visit(page, site + path)
        assert_no_accessibility_violations(page, f"{name} ({scheme}, {width} px)")
    if width == 390:
        page.get_by_role("link", name="Menu").click()
        assert_no_accessibility_violations(page, f"open menu ({scheme})")
    subscribed = new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    sign_in_as(subscribed, site, subscriber)
    page = subscribed.new_page()
    visit(page, site + paid_story.get_absolute_url())
    page.get_by_text(SECRET_SENTENCE).wait_for()
    assert_no_accessibility_violations(page, f"full article ({scheme}, {width} px)")
