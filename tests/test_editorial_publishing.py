"""Publishing from the admin: now, scheduled for later (no cron), unpublishing, publish times."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.editorial_helpers import LIST_URL, article_post, change_url
from tests.factories import SECRET_SENTENCE, make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _desk_editor_signed_in(client, desk_editor):
    """These tests drive the admin as the shared desk editor (tests/conftest.py)."""
    client.force_login(desk_editor)


def split(moment):
    moment = timezone.localtime(moment)
    return {
        "published_at_0": moment.strftime("%Y-%m-%d"),
        "published_at_1": moment.strftime("%H:%M:%S"),
    }


def test_publishing_now_sets_the_publish_time(client, desk_editor):
    article = make_article(status="draft")
    before = timezone.now()
    response = client.post(change_url(article), article_post(article, status="published"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_published()
    assert before - timedelta(seconds=1) <= article.published_at <= timezone.now()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_editing_a_published_article_keeps_its_publish_time(client, desk_editor):
    original = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
    article = make_article(published_at=original)
    client.post(change_url(article), article_post(article, headline="Corrected headline"))
    article.refresh_from_db()
    assert article.headline == "Corrected headline"
    assert article.published_at == original


def test_a_scheduled_article_appears_at_its_time_without_a_cron_job(
    client, desk_editor, monkeypatch
):
    article = make_article(status="draft", headline="Embargoed until noon")
    when = timezone.now() + timedelta(hours=3)
    data = article_post(article, status="published") | split(when)
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.is_scheduled()
    assert "Scheduled" in client.get(LIST_URL).content.decode()

    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Embargoed until noon" not in client.get("/").content.decode()

    later = when + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert SECRET_SENTENCE not in response.content.decode()
    assert "Embargoed until noon" in client.get("/").content.decode()


def test_publish_now_brings_a_scheduled_article_forward(client, desk_editor):
    article = make_article(published_at=timezone.now() + timedelta(days=1))
    client.post(LIST_URL, {"action": "publish_now", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.is_published()


def test_publish_now_keeps_an_already_published_articles_time(client, desk_editor):
    original = timezone.now() - timedelta(days=3)
    article = make_article(published_at=original)
    client.post(LIST_URL, {"action": "publish_now", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.published_at == original


def test_unpublishing_takes_the_article_off_the_site(client, desk_editor):
    article = make_article()
    client.post(change_url(article), article_post(article, status="draft"))
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_hero_image_needs_alt_text(client, desk_editor, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.test_renditions import jpeg_bytes

    settings.MEDIA_ROOT = tmp_path
    article = make_article(status="draft")
    data = article_post(article) | {
        "hero_image": SimpleUploadedFile("hero.jpg", jpeg_bytes(600, 400), "image/jpeg")
    }
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "Describe the image for readers who cannot see it." in response.content.decode()
    article.refresh_from_db()
    assert not article.hero_image


def test_the_slug_is_filled_from_the_headline_and_seo_fields_have_length_hints(client, desk_editor):
    html = client.get("/admin/articles/article/add/").content.decode()
    assert (
        "&quot;id&quot;: &quot;#id_slug&quot;, &quot;name&quot;: &quot;slug&quot;, "
        "&quot;dependency_ids&quot;: [&quot;#id_headline&quot;]"
    ) in html
    assert '<input type="text" name="slug"' in html  # still the editor's to change
    assert 'maxlength="70"' in html and "search results show about 60" in html
    assert 'maxlength="160"' in html and "search results show about 155" in html
