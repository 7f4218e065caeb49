from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from articles.html import PAYWALL_BREAK, cut, split_blocks
from articles.models import Article, ArticleAuthor, Author, Section, Tag

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_a_mixed_newsroom_and_the_demo_accounts(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--articles", "12", stdout=StringIO())
    articles = Article.objects.published()
    assert articles.count() == 12
    assert {a.access for a in articles} == {"public", "registered", "paid"}
    assert any("paywall-break" in a.body for a in articles)
    assert all(a.bylines.exists() for a in articles)
    with_images = [a for a in articles if a.hero_image]
    assert with_images
    # Dimensions are stored, so a page never opens an image file to measure it.
    assert all(a.hero_width == 1600 and a.hero_height == 900 for a in with_images)
    assert all(a.hero_renditions for a in with_images)
    for email in ["editor@example.com", "subscriber@example.com", "reader@example.com"]:
        assert authenticate(username=email, password="newsroom-demo") is not None
    editor = authenticate(username="editor@example.com", password="newsroom-demo")
    assert editor.is_staff


def test_seed_demo_can_run_twice_without_duplicating(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--articles", "6", stdout=StringIO())
    call_command("seed_demo", "--articles", "6", stdout=StringIO())
    assert Article.objects.count() == 6


def _seed_everything(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())
    return list(Article.objects.published().prefetch_related("bylines", "tags"))


def test_seed_demo_articles_are_distinct_and_read_like_reporting(settings, tmp_path):
    articles = _seed_everything(settings, tmp_path)
    assert len(articles) == 30
    assert {a.section.slug for a in articles} == {
        "news",
        "politics",
        "climate",
        "business",
        "culture",
    }
    # Every article has its own headline, standfirst and body: no template sentences.
    assert len({a.headline for a in articles}) == len(articles)
    assert len({a.standfirst for a in articles}) == len(articles)
    paragraphs = [
        b.html for a in articles for b in split_blocks(a.body) if b.html.startswith("<p>")
    ]
    assert len(set(paragraphs)) == len(paragraphs)
    for article in articles:
        blocks = [b for b in split_blocks(article.body) if not b.is_paywall_break]
        assert 6 <= len(blocks) <= 10, article.slug
        assert any(b.html.startswith("<h2>") for b in blocks), article.slug
        assert "Reporting note" not in article.body
        assert "northern cape" not in article.body  # a place name, always capitalised
    assert any("<blockquote>" in a.body for a in articles)
    assert any("<ul>" in a.body or "<ol>" in a.body for a in articles)
    # Some bylines are shared, and the dates run back over about ten days, newest first.
    assert any(a.bylines.count() == 2 for a in articles)
    dates = [a.published_at for a in sorted(articles, key=lambda a: a.slug)]
    assert dates == sorted(dates, reverse=True)
    assert timedelta(days=8) < dates[0] - dates[-1] < timedelta(days=11)
    # About half have an illustration (no text drawn in it), and its alt text says what it shows.
    with_images = [a for a in articles if a.hero_image]
    assert 12 <= len(with_images) <= 18
    for article in with_images:
        assert article.hero_alt.startswith("Illustration: ")
        assert article.hero_caption
        assert article.hero_width == 1600 and article.hero_height == 900


def test_seed_demo_mixes_access_levels_and_explicit_breaks(settings, tmp_path):
    articles = _seed_everything(settings, tmp_path)
    by_access = Counter(a.access for a in articles)
    assert 12 <= by_access["paid"] <= 18
    assert 5 <= by_access["public"] <= 10
    assert 5 <= by_access["registered"] <= 10
    gated = [a for a in articles if a.access != "public"]
    with_break = [a for a in gated if PAYWALL_BREAK in a.body]
    assert len(gated) // 4 <= len(with_break) <= len(gated) // 2
    assert not any(PAYWALL_BREAK in a.body for a in articles if a.access == "public")
    for article in with_break:
        # The break comes after the second or third paragraph, so the preview is a real start.
        preview = cut(article.body, preview_blocks=99).preview
        assert preview.count("<p>") in (2, 3), article.slug


def test_seed_demo_takes_the_first_n_articles_and_reruns_create_nothing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--articles", "4", stdout=StringIO())
    assert sorted(Article.objects.values_list("slug", flat=True)) == [
        "demo-01-the-harbour-redevelopment",
        "demo-02-east-ward-by-election",
        "demo-03-kestrel-point-wind-farm",
        "demo-04-tidewater-bakery-union",
    ]
    call_command("seed_demo", stdout=StringIO())
    counts = (
        Article.objects.count(),
        ArticleAuthor.objects.count(),
        Author.objects.count(),
        Section.objects.count(),
        Tag.objects.count(),
        get_user_model().objects.count(),
    )
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "(0 new articles)" in out.getvalue()
    assert counts[0] == 30
    assert counts == (
        Article.objects.count(),
        ArticleAuthor.objects.count(),
        Author.objects.count(),
        Section.objects.count(),
        Tag.objects.count(),
        get_user_model().objects.count(),
    )


def test_seed_demo_creates_the_two_newsletters_and_the_demo_readers_choices(settings, tmp_path):
    from newsletters.models import Newsletter, NewsletterSubscription

    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--articles", "1", stdout=StringIO())
    call_command("seed_demo", "--articles", "1", stdout=StringIO())
    assert list(Newsletter.objects.values_list("name", flat=True)) == [
        "Every story",
        "The morning briefing",
    ]
    rows = NewsletterSubscription.objects.active().order_by("user__email", "newsletter__order")
    assert [(r.user.email, r.newsletter.name, r.consent_source) for r in rows] == [
        ("reader@example.com", "Every story", "import"),
        ("subscriber@example.com", "Every story", "import"),
        ("subscriber@example.com", "The morning briefing", "import"),
    ]
