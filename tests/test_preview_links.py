"""Staff previews of unpublished articles, and secret preview links for people without accounts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, PreviewLink
from tests.editorial_helpers import change_url
from tests.factories import (
    PREVIEW_SENTENCE,
    SECRET_SENTENCE,
    make_article,
    make_author,
    make_tag,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return make_article(status=Article.Status.DRAFT, headline="Not out yet")


def assert_private(response):
    assert response["Cache-Control"] == "private, no-store"


def test_a_draft_is_not_on_the_site(client, draft):
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_staff_preview_a_draft_in_full_with_a_preview_banner(client, desk_editor, draft):
    client.force_login(desk_editor)
    response = client.get(f"/preview/{draft.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="preview-banner"' in html
    assert "Preview — draft, not visible to readers" in html
    assert PREVIEW_SENTENCE in html
    assert SECRET_SENTENCE in html
    assert_private(response)


def test_a_scheduled_article_previews_with_its_time(client, desk_editor):
    scheduled = make_article(published_at=timezone.now() + timedelta(days=2))
    client.force_login(desk_editor)
    html = client.get(f"/preview/{scheduled.pk}/").content.decode()
    assert "Preview — scheduled for" in html


def test_a_reader_cannot_use_the_staff_preview(client, reader, draft):
    client.force_login(reader)
    response = client.get(f"/preview/{draft.pk}/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert SECRET_SENTENCE not in client.get(f"/preview/{draft.pk}/", follow=True).content.decode()


def test_an_anonymous_visitor_cannot_use_the_staff_preview(client, draft):
    response = client.get(f"/preview/{draft.pk}/")
    assert response.status_code == 302
    assert SECRET_SENTENCE not in response.content.decode()


def test_a_writer_previews_only_their_own_articles(client, writer, draft):
    own = make_article(status="draft", authors=[writer.author_profile])
    client.force_login(writer)
    assert client.get(f"/preview/{own.pk}/").status_code == 200
    assert client.get(f"/preview/{draft.pk}/").status_code == 404


def test_a_valid_secret_link_shows_the_draft_to_someone_without_an_account(client, draft):
    link = PreviewLink.objects.create(article=draft)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert SECRET_SENTENCE in html
    assert "Preview shared by the newsroom" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert_private(response)


def test_secret_link_tokens_are_long_and_random(draft):
    first = PreviewLink.objects.create(article=draft)
    second = PreviewLink.objects.create(article=draft)
    assert len(first.token) >= 40
    assert first.token != second.token


def test_a_revoked_secret_link_shows_nothing(client, draft):
    link = PreviewLink.objects.create(article=draft)
    link.revoke()
    response = client.get(link.get_absolute_url())
    assert response.status_code == 404
    assert SECRET_SENTENCE not in response.content.decode()


def test_an_unknown_secret_link_shows_nothing(client, draft):
    PreviewLink.objects.create(article=draft)
    response = client.get("/preview/s/not-a-real-token-at-all/")
    assert response.status_code == 404
    assert SECRET_SENTENCE not in response.content.decode()


def test_an_editor_creates_and_revokes_a_link_from_the_admin(client, desk_editor, draft):
    client.force_login(desk_editor)
    response = client.post(f"/admin/articles/article/{draft.pk}/preview-links/new/")
    assert response.status_code == 302
    link = PreviewLink.objects.get(article=draft)
    assert link.created_by == desk_editor

    page = client.get(change_url(draft)).content.decode()
    assert link.get_absolute_url() in page
    assert client.get(link.get_absolute_url()).status_code == 200

    client.post(f"/admin/articles/article/{draft.pk}/preview-links/{link.pk}/revoke/")
    link.refresh_from_db()
    assert link.revoked_at is not None
    client.logout()
    assert client.get(link.get_absolute_url()).status_code == 404


def test_creating_a_link_needs_a_post(client, desk_editor, draft):
    client.force_login(desk_editor)
    response = client.get(f"/admin/articles/article/{draft.pk}/preview-links/new/")
    assert response.status_code == 405
    assert not PreviewLink.objects.exists()


def test_a_writer_cannot_make_links_for_another_writers_article(client, writer, draft):
    client.force_login(writer)
    response = client.post(f"/admin/articles/article/{draft.pk}/preview-links/new/")
    assert response.status_code == 404
    assert not PreviewLink.objects.exists()


def test_a_writer_cannot_revoke_links_on_another_writers_article(client, writer, draft):
    link = PreviewLink.objects.create(article=draft)
    client.force_login(writer)
    client.post(f"/admin/articles/article/{draft.pk}/preview-links/{link.pk}/revoke/")
    link.refresh_from_db()
    assert link.revoked_at is None


def test_a_secret_link_page_runs_a_constant_number_of_queries(client, django_assert_num_queries):
    few = make_article(status="draft", authors=[make_author()], tags=[make_tag()])
    many = make_article(
        status="draft",
        authors=[make_author() for _ in range(5)],
        tags=[make_tag() for _ in range(8)],
    )
    for article in (few, many):
        link = PreviewLink.objects.create(article=article)
        # The link with its article and section, bylines, their authors, tags, the section nav,
        # more from its section.
        with django_assert_num_queries(6):
            assert client.get(link.get_absolute_url()).status_code == 200
