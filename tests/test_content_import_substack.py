"""Importing Substack's export (posts.csv and posts/<post_id>.html), as a zip or a folder."""

import pytest

from articles.html import PAYWALL_BREAK
from articles.models import Article, ArticleRedirect
from content_import.bundle import Bundle
from tests.content_import_helpers import (
    SUBSTACK_FOLDER,
    SUBSTACK_PAID_SECRET,
    SUBSTACK_ZIP,
    dry_run,
    import_now,
    verbs,
)
from tests.factories import make_author, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    return make_section(name="Letters", slug="letters")


@pytest.mark.parametrize("sample", [SUBSTACK_ZIP, SUBSTACK_FOLDER], ids=["zip", "folder"])
def test_the_dry_run_lists_every_post_and_changes_nothing(section, sample):
    content_import = dry_run(Bundle.from_path(sample), section=section, source="substack")
    assert verbs(content_import) == {
        "Welcome to the Harbour Letter": "create",
        "The budget gap": "create",
        "Subscriber chat": "skip",
        "Draft on the lighthouse": "create",
        "A note for founders": "create",
        "Harbour sounds": "create",
        "Members' tide tables": "create",
    }
    reasons = {a["label"]: " ".join(a["reasons"]) for a in content_import.plan}
    assert "a thread, not a story" in reasons["Subscriber chat"]
    assert (
        "/p/the-budget-gap/ will redirect to /letters/the-budget-gap/." in reasons["The budget gap"]
    )
    assert "every subscriber" in reasons["A note for founders"]
    assert "audio stays on Substack" in reasons["Harbour sounds"]
    assert not Article.objects.exists()


def test_posts_arrive_with_audience_dates_subtitle_and_byline(section):
    author = make_author(name="Harbour Letter", slug="harbour-letter")
    import_now(Bundle.from_path(SUBSTACK_ZIP), section=section, source="substack", author=author)
    articles = {a.slug: a for a in Article.objects.all()}
    assert articles["welcome-to-the-harbour-letter"].access == Article.Access.PUBLIC
    assert articles["the-budget-gap"].access == Article.Access.PAID
    assert articles["a-note-for-founders"].access == Article.Access.PAID
    assert articles["members-tide-tables"].access == Article.Access.REGISTERED
    assert articles["draft-on-the-lighthouse"].status == Article.Status.DRAFT
    welcome = articles["welcome-to-the-harbour-letter"]
    assert welcome.standfirst == "What we cover, and why"
    assert welcome.published_at.isoformat() == "2024-02-01T08:00:00+00:00"
    assert welcome.byline == [author]
    assert "<form" not in welcome.body and "<input" not in welcome.body
    assert "subscriber-chat" not in articles


def test_the_paywall_jump_becomes_the_break(section):
    import_now(Bundle.from_path(SUBSTACK_FOLDER), section=section, source="substack")
    gap = Article.objects.get(slug="the-budget-gap")
    assert PAYWALL_BREAK in gap.body
    assert SUBSTACK_PAID_SECRET not in gap.text.preview
    assert SUBSTACK_PAID_SECRET in gap.text.rest


def test_old_p_addresses_redirect_permanently(client, section):
    import_now(Bundle.from_path(SUBSTACK_FOLDER), section=section, source="substack")
    assert ArticleRedirect.objects.filter(section_slug="p").count() == 6
    response = client.get("/p/welcome-to-the-harbour-letter/")
    assert response.status_code == 301
    assert response["Location"] == "/letters/welcome-to-the-harbour-letter/"
    # Substack's own links have no trailing slash.
    response = client.get("/p/welcome-to-the-harbour-letter", follow=True)
    assert response.redirect_chain[0][1] == 301
    assert response.status_code == 200
    assert "Welcome to the Harbour Letter" in response.content.decode()


def test_a_drafts_old_address_leads_nowhere(client, section):
    import_now(Bundle.from_path(SUBSTACK_FOLDER), section=section, source="substack")
    assert client.get("/p/draft-on-the-lighthouse/").status_code == 404


def test_the_zip_and_the_folder_are_the_same_export(section):
    import_now(Bundle.from_path(SUBSTACK_ZIP), section=section, source="substack")
    again = import_now(Bundle.from_path(SUBSTACK_FOLDER), section=section, source="substack")
    assert set(verbs(again).values()) == {"unchanged", "skip"}
    assert again.result == {"post unchanged": 6}
    assert Article.objects.count() == 6
