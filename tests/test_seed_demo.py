from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from articles.models import Article

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
