"""Importing Ghost's JSON export: posts with their visibility and members-only marker, authors,
topics, feature images, dates, slugs; a dry run first, and a second import changes nothing."""

import base64
import io
from datetime import UTC, datetime

import pytest
from PIL import Image

from articles.html import PAYWALL_BREAK, paywall_break_position
from articles.models import Article, ArticleRedirect, Author, Tag
from content_import.bundle import Bundle
from content_import.models import ImportedItem
from desk.models import AuditEntry
from tests.content_import_helpers import (
    GHOST_PAID_PREVIEW,
    GHOST_PAID_SECRET,
    GHOST_SAMPLE,
    bundle_of,
    dry_run,
    ghost_document,
    import_now,
    verbs,
)
from tests.factories import make_article, make_author, make_section, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    return make_section(name="Harbour", slug="harbour")


@pytest.fixture
def sample():
    return Bundle.from_path(GHOST_SAMPLE)


def test_the_dry_run_says_what_would_happen_and_changes_nothing(section, sample):
    content_import = dry_run(sample, section=section)
    assert verbs(content_import) == {
        "The harbour reopens": "create",
        "Inside the council vote": "create",
        "The members' tide letter": "create",
        "Every ferry this summer": "create",
        "Pier auction results": "create",
        "Notes for a story on the lighthouse": "create",
        "About us": "skip",
        "This week by email": "skip",
    }
    assert verbs(content_import, "tag") == {
        "Harbour": "create",
        "Council": "create",
        "#featured": "skip",
    }
    assert verbs(content_import, "author") == {"Ada Quill": "create", "Ben Marsh": "create"}
    reasons = {a["label"]: " ".join(a["reasons"]) for a in content_import.plan}
    assert "a page, not a story" in reasons["About us"]
    assert (
        "/council-vote/ will redirect to /harbour/council-vote/."
        in reasons["Inside the council vote"]
    )
    assert "is not in the export: not imported" in reasons["Inside the council vote"]
    assert "preview rule" in reasons["Every ferry this summer"]
    assert content_import.totals["post create"] == 6
    assert not Article.objects.exists()
    assert not Author.objects.exists()
    assert not Tag.objects.exists()
    assert AuditEntry.objects.get().action == "content_import.dry_run"


def test_posts_arrive_with_their_access_status_dates_and_slugs(section, sample):
    import_now(sample, section=section)
    articles = {a.slug: a for a in Article.objects.all()}
    assert set(articles) == {
        "harbour-reopens",
        "council-vote",
        "tide-letter",
        "ferry-timetable",
        "pier-auction",
        "lighthouse-notes",
    }
    assert articles["harbour-reopens"].access == Article.Access.PUBLIC
    assert articles["tide-letter"].access == Article.Access.REGISTERED
    assert articles["council-vote"].access == Article.Access.PAID
    assert articles["pier-auction"].access == Article.Access.PAID
    assert articles["council-vote"].published_at == datetime(2024, 3, 6, 10, 0, tzinfo=UTC)
    assert articles["council-vote"].is_published()
    assert articles["lighthouse-notes"].status == Article.Status.DRAFT
    assert articles["lighthouse-notes"].published_at is None
    assert all(a.section == section for a in articles.values())
    opening = articles["harbour-reopens"]
    assert opening.standfirst == "Boats are back after six weeks of repairs."
    assert opening.seo_title == "Harbour reopens after repairs"


def test_the_members_only_marker_becomes_the_paywall_break(section, sample):
    import_now(sample, section=section)
    vote = Article.objects.get(slug="council-vote")
    assert PAYWALL_BREAK in vote.body
    assert paywall_break_position(vote.body) == 2
    assert GHOST_PAID_PREVIEW in vote.text.preview
    assert GHOST_PAID_SECRET not in vote.text.preview
    assert GHOST_PAID_SECRET in vote.text.rest


def test_a_paid_post_without_the_marker_follows_the_preview_rule(section, sample, settings):
    settings.PAYWALL_PREVIEW_BLOCKS = 3
    import_now(sample, section=section)
    ferry = Article.objects.get(slug="ferry-timetable")
    assert PAYWALL_BREAK not in ferry.body
    assert "Paragraph 3" in ferry.text.preview
    assert "Paragraph 4" not in ferry.text.preview


def test_the_html_goes_through_the_allow_list(section, sample):
    import_now(sample, section=section)
    vote = Article.objects.get(slug="council-vote")
    assert "<script" not in vote.body
    assert "not ours" not in vote.body
    opening = Article.objects.get(slug="harbour-reopens")
    assert "__GHOST_URL__" not in opening.body
    assert 'href="/council-vote/"' in opening.body
    assert "<figure" not in opening.body  # the card whose picture stayed on the old site


def test_authors_and_topics_come_with_their_posts_in_order(section, sample):
    import_now(sample, section=section)
    vote = Article.objects.get(slug="council-vote")
    assert [a.name for a in vote.byline] == ["Ada Quill", "Ben Marsh"]
    assert sorted(t.name for t in vote.tags.all()) == ["Council", "Harbour"]
    ada = Author.objects.get(slug="ada")
    assert ada.bio == "Covers the harbour and the council."
    assert not Tag.objects.filter(name="#featured").exists()


def test_a_feature_image_in_a_data_url_becomes_the_hero(section, sample):
    import_now(sample, section=section)
    opening = Article.objects.get(slug="harbour-reopens")
    assert opening.hero_image
    assert (opening.hero_width, opening.hero_height) == (8, 6)
    assert opening.hero_alt == "Fishing boats passing the harbour gates"
    assert opening.hero_caption == "Photo: Ada Quill"
    assert not Article.objects.get(slug="council-vote").hero_image


def test_a_feature_image_beside_the_export_in_the_zip_is_imported(section):
    picture = io.BytesIO()
    Image.new("RGB", (12, 9), "red").save(picture, "JPEG")
    bundle = bundle_of(
        ghost_document(), **{"content/images/2024/03/council.jpg": picture.getvalue()}
    )
    content_import = import_now(bundle, section=section)
    reasons = " ".join(r for a in content_import.plan for r in a["reasons"])
    assert "council.jpg is not in the export" not in reasons
    vote = Article.objects.get(slug="council-vote")
    assert (vote.hero_width, vote.hero_height) == (12, 9)
    assert vote.hero_alt == "The council chamber"


def test_importing_twice_changes_nothing_and_duplicates_nothing(section, sample):
    import_now(sample, section=section)
    before = {a.pk: (a.updated_at, a.body, a.hero_image.name) for a in Article.objects.all()}
    again = import_now(sample, section=section)
    assert set(verbs(again).values()) == {"unchanged", "skip"}
    assert set(verbs(again, "author").values()) == {"unchanged"}
    assert again.result == {
        "author unchanged": 2,
        "tag unchanged": 2,
        "post unchanged": 6,
    }
    after = {a.pk: (a.updated_at, a.body, a.hero_image.name) for a in Article.objects.all()}
    assert after == before
    assert Author.objects.count() == 2
    assert Tag.objects.count() == 2
    assert ImportedItem.objects.filter(kind="post").count() == 6


def test_a_changed_post_is_updated_in_place(section, sample):
    import_now(sample, section=section)
    vote = Article.objects.get(slug="council-vote")
    document = ghost_document()
    document["db"][0]["data"]["posts"][1]["title"] = "Inside the council vote, revised"
    content_import = import_now(bundle_of(document), section=section)
    assert verbs(content_import)["Inside the council vote, revised"] == "update"
    assert content_import.result["post update"] == 1
    vote.refresh_from_db()
    assert vote.headline == "Inside the council vote, revised"
    assert Article.objects.count() == 6


def test_a_slug_another_story_has_gets_a_new_one_and_the_old_address_redirects(section, sample):
    make_article(slug="council-vote", headline="Our own council story")
    content_import = import_now(sample, section=section)
    reasons = " ".join(
        r
        for a in content_import.plan
        if a["label"] == "Inside the council vote"
        for r in a["reasons"]
    )
    assert "gets “council-vote-2”" in reasons
    imported = Article.objects.get(headline="Inside the council vote")
    assert imported.slug == "council-vote-2"
    assert ArticleRedirect.objects.get(section_slug="", slug="council-vote").article == imported


def test_existing_authors_and_topics_are_reused(section, sample):
    ada = make_author(name="Ada Q.", slug="ada")
    council = make_tag(name="Council", slug="council-news")
    content_import = import_now(sample, section=section)
    assert "exists already" in " ".join(
        r for a in content_import.plan if a["label"] == "Council" for r in a["reasons"]
    )
    vote = Article.objects.get(slug="council-vote")
    assert ada in vote.byline
    assert council in vote.tags.all()
    assert Author.objects.filter(slug="ada").count() == 1


def test_the_import_is_audit_logged(section, sample):
    import_now(sample, section=section)
    actions = list(AuditEntry.objects.order_by("at", "id").values_list("action", flat=True))
    assert actions == ["content_import.dry_run", "content_import.confirmed", "content_import.done"]
    done = AuditEntry.objects.get(action="content_import.done")
    assert done.details["result"]["post create"] == 6


def test_a_data_url_that_is_not_a_picture_is_left_out_with_a_note(section):
    document = ghost_document()
    document["db"][0]["data"]["posts"][0]["feature_image"] = (
        "data:image/png;base64," + base64.b64encode(b"not a picture").decode()
    )
    content_import = import_now(bundle_of(document), section=section)
    reasons = " ".join(r for a in content_import.plan for r in a["reasons"])
    assert "is not a picture we can read" in reasons
    assert not Article.objects.get(slug="harbour-reopens").hero_image


def test_ghosts_old_addresses_redirect_permanently_to_the_new_ones(client, section, sample):
    import_now(sample, section=section)
    response = client.get("/harbour-reopens/")
    assert response.status_code == 301
    assert response["Location"] == "/harbour/harbour-reopens/"
    page = client.get("/harbour-reopens", follow=True)
    assert page.status_code == 200
    assert "The harbour reopens" in page.content.decode()
    # A draft's old address leads nowhere, and a section keeps its own address.
    assert client.get("/lighthouse-notes/").status_code == 404
    assert client.get("/harbour/").status_code == 200
    assert client.get("/no-such-thing/").status_code == 404


def _with_posts(count: int) -> dict:
    document = ghost_document()
    data = document["db"][0]["data"]
    template = data["posts"][3]  # the paid ferry story, with no picture
    data["posts"] = [
        {**template, "id": f"post{n}", "slug": f"story-{n}", "title": f"Story {n}"}
        for n in range(count)
    ]
    data["posts_authors"] = [
        {"id": f"a{n}", "post_id": f"post{n}", "author_id": "1", "sort_order": 0}
        for n in range(count)
    ]
    return document


def test_the_dry_run_costs_the_same_queries_for_few_and_many_posts(section):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from content_import import ghost
    from content_import.plan import Importer

    make_article(slug="story-1", headline="Ours already")  # one taken slug, in both
    counts = []
    for posts in (3, 40):
        export = ghost.read(bundle_of(_with_posts(posts)))
        with CaptureQueriesContext(connection) as queries:
            actions = Importer(export, section=section).dry_run()
        counts.append(len(queries))
        assert sum(a.verb == "create" for a in actions if a.kind == "post") == posts
    assert counts[0] == counts[1]
