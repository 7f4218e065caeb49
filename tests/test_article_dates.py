"""Dates as readers and editors see them: the newsroom's time zone, the time of day, one style,
and "Updated …" only when the words changed after publication."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db

# 12:05 in UTC is 13:05 in London in summer (BST) and 12:05 in winter (GMT).
SUMMER = datetime(2026, 7, 1, 12, 5, tzinfo=UTC)
WINTER = datetime(2026, 1, 15, 12, 5, tzinfo=UTC)


def page_of(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert article.headline in html
    return html


def test_the_article_gives_the_day_and_time_in_the_newsrooms_time_zone(client):
    summer = make_article(published_at=SUMMER, access=Article.Access.PUBLIC)
    winter = make_article(published_at=WINTER, access=Article.Access.PUBLIC)
    assert '<time datetime="2026-07-01T13:05:00+01:00">1 July 2026, 13:05 BST</time>' in page_of(
        client, summer
    )
    assert '<time datetime="2026-01-15T12:05:00+00:00">15 January 2026, 12:05 GMT</time>' in (
        page_of(client, winter)
    )


def test_another_time_zone_setting_moves_the_times_shown(client, settings):
    settings.TIME_ZONE = "America/New_York"
    article = make_article(published_at=SUMMER, access=Article.Access.PUBLIC)
    assert "1 July 2026, 08:05 EDT" in page_of(client, article)


def test_listings_give_the_date_in_the_same_style(client):
    article = make_article(published_at=SUMMER, access=Article.Access.PUBLIC)
    response = client.get(article.section.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert article.headline in html
    assert ">1 July 2026</time>" in html


def test_changing_the_text_after_publication_shows_updated(client):
    article = make_article(published_at=timezone.now() - timedelta(days=1))
    assert "Updated" not in page_of(client, article)
    article.body = article.body.replace("</p>", " A correction.</p>", 1)
    article.save()
    article.refresh_from_db()
    assert article.revised_at is not None
    html = page_of(client, article)
    assert "· Updated <time" in html
    assert f'datetime="{timezone.localtime(article.revised_at).isoformat()}' in html


def test_a_new_headline_saved_with_update_fields_is_a_revision_too():
    article = make_article(published_at=timezone.now() - timedelta(days=1))
    article.headline = "A better headline"
    article.save(update_fields=["headline"])
    article.refresh_from_db()
    assert article.revised_at is not None


def test_saves_that_do_not_change_the_words_are_not_updates(client):
    article = make_article(published_at=timezone.now() - timedelta(days=1))
    before = article.updated_at
    article.access = Article.Access.REGISTERED
    article.seo_title = "Something for search engines"
    article.save()
    article.refresh_from_db()
    assert article.updated_at > before
    assert article.revised_at is None
    html = page_of(client, article)
    assert "Updated" not in html


def test_editing_a_draft_before_publication_is_not_an_update(client):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    article.body = article.body + "<p>More.</p>"
    article.save()
    article.status = Article.Status.PUBLISHED
    article.save()
    article.refresh_from_db()
    assert article.revised_at is None
    assert "Updated" not in page_of(client, article)


def test_structured_data_says_when_the_words_last_changed(client):
    article = make_article(published_at=timezone.now() - timedelta(days=1))
    article.access = Article.Access.PUBLIC
    article.save()
    assert f'"dateModified": "{article.published_at.isoformat()}"' in page_of(client, article)
    article.standfirst = "A corrected standfirst."
    article.save()
    assert f'"dateModified": "{article.revised_at.isoformat()}"' in page_of(client, article)


def test_the_admin_list_uses_the_same_date_style(client, desk_editor):
    article = make_article(published_at=SUMMER)
    client.force_login(desk_editor)
    response = client.get("/admin/articles/article/")
    assert response.status_code == 200
    html = response.content.decode()
    assert article.headline in html
    assert "1 July 2026, 13:05 BST" in html


def test_a_scheduled_preview_names_its_time_in_the_same_style(client, desk_editor):
    article = make_article(published_at=datetime(2099, 7, 1, 12, 5, tzinfo=UTC))
    client.force_login(desk_editor)
    response = client.get(f"/preview/{article.pk}/")
    assert response.status_code == 200
    assert "scheduled for 1 July 2099, 13:05 BST" in response.content.decode()
