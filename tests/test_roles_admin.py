"""Writers write, editors publish: the rules hold in the admin's forms, actions and history."""

from datetime import timedelta

import pytest
import reversion
from django.contrib.auth.models import Group
from django.utils import timezone
from reversion.models import Version

from articles.html import PAYWALL_BREAK
from articles.models import Article
from tests.editorial_helpers import ADD_URL, LIST_URL, article_post, change_url
from tests.factories import make_article, make_section, paid_body
from tests.users import staff_in_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_writer(django_user_model):
    return staff_in_group("other@example.com", "Writer")


def draft_by(user, **kwargs):
    kwargs.setdefault("status", Article.Status.DRAFT)
    kwargs.setdefault("body", "<p>First.</p><p>Second.</p>")
    return make_article(authors=[user.author_profile], **kwargs)


def test_a_fresh_install_has_the_writer_and_editor_groups():
    writer = set(Group.objects.get(name="Writer").permissions.values_list("codename", flat=True))
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    assert {"add_article", "change_article", "view_article"} <= writer
    assert not writer & {"publish_article", "edit_any_article", "set_article_access"}
    assert "delete_article" not in writer
    assert {"publish_article", "edit_any_article", "set_article_access"} <= editor
    assert {"add_section", "change_author", "delete_tag"} <= editor


def test_a_writer_creates_a_draft_and_gets_the_byline(client, writer):
    section = make_section()
    client.force_login(writer)
    response = client.post(ADD_URL, article_post(editor=False, section=str(section.pk)))
    assert response.status_code == 302
    article = Article.objects.get(slug="a-new-story")
    assert article.status == Article.Status.DRAFT
    assert article.byline == [writer.author_profile]


def test_a_writer_edits_their_own_draft(client, writer):
    article = draft_by(writer)
    client.force_login(writer)
    response = client.post(
        change_url(article), article_post(article, editor=False, headline="Better headline")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Better headline"


def test_a_writer_does_not_see_the_publishing_fields(client, writer):
    article = draft_by(writer)
    client.force_login(writer)
    html = client.get(change_url(article)).content.decode()
    assert 'name="headline"' in html
    assert 'name="status"' not in html
    assert 'name="access"' not in html
    assert 'name="published_at_0"' not in html


def test_a_writer_cannot_open_another_writers_article(client, writer, other_writer):
    article = draft_by(other_writer)
    client.force_login(writer)
    # The admin answers "does not exist" for objects outside the writer's queryset.
    assert client.get(change_url(article)).status_code == 302
    assert client.get(f"/preview/{article.pk}/").status_code == 404
    response = client.post(change_url(article), article_post(article, editor=False, headline="X"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline != "X"
    assert article.headline not in client.get(LIST_URL).content.decode()


def test_a_writer_cannot_change_their_own_published_article(client, writer):
    article = make_article(authors=[writer.author_profile])
    client.force_login(writer)
    response = client.post(change_url(article), article_post(article, editor=False, headline="X"))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline != "X"


@pytest.mark.parametrize(
    "forged",
    [
        {"status": "published"},
        {"access": "public"},
        {"published_at_0": "2026-12-01", "published_at_1": "09:00:00"},
    ],
    ids=["status", "access", "published_at"],
)
def test_a_writers_forged_post_of_an_editors_field_is_refused(client, writer, forged):
    article = draft_by(writer, access=Article.Access.PAID)
    client.force_login(writer)
    response = client.post(change_url(article), article_post(article, editor=False) | forged)
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.access == Article.Access.PAID
    assert article.published_at is None


def test_a_writers_forged_post_on_a_new_article_is_refused(client, writer):
    section = make_section()
    client.force_login(writer)
    data = article_post(editor=False, section=str(section.pk)) | {"status": "published"}
    assert client.post(ADD_URL, data).status_code == 403
    assert not Article.objects.exists()


def test_a_writer_cannot_publish_with_the_list_action(client, writer):
    article = draft_by(writer)
    client.force_login(writer)
    client.post(LIST_URL, {"action": "publish_now", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert "Publish now" not in client.get(LIST_URL).content.decode()


def test_a_writer_cannot_place_or_move_the_paywall_break(client, writer):
    article = draft_by(writer)
    client.force_login(writer)
    body = f"<p>First.</p>{PAYWALL_BREAK}<p>Second.</p>"
    response = client.post(change_url(article), article_post(article, editor=False, body=body))
    assert response.status_code == 200
    assert "Only an editor places the paywall break" in response.content.decode()
    article.refresh_from_db()
    assert PAYWALL_BREAK not in article.body


def test_a_writer_keeps_a_break_an_editor_placed_while_editing_around_it(client, writer):
    article = draft_by(writer, body=f"<p>First.</p>{PAYWALL_BREAK}<p>Second.</p>")
    client.force_login(writer)
    body = f"<p>First, improved.</p>{PAYWALL_BREAK}<p>Second.</p><p>Third.</p>"
    response = client.post(change_url(article), article_post(article, editor=False, body=body))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == body


def test_a_writer_cannot_delete_or_manage_sections(client, writer):
    article = draft_by(writer)
    client.force_login(writer)
    assert client.get(f"/admin/articles/article/{article.pk}/delete/").status_code == 403
    assert client.get("/admin/articles/section/add/").status_code == 403
    assert client.get("/admin/articles/tag/add/").status_code == 403


def test_an_editor_edits_any_article_and_publishes_it(client, writer, desk_editor):
    article = draft_by(writer)
    client.force_login(desk_editor)
    response = client.post(
        change_url(article),
        article_post(article, status="published", access="registered", headline="Edited"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.access) == ("Edited", "registered")
    assert article.is_published()


def test_an_editor_places_the_paywall_break(client, writer, desk_editor):
    article = draft_by(writer)
    client.force_login(desk_editor)
    body = f"<p>First.</p>{PAYWALL_BREAK}<p>Second.</p>"
    assert client.post(change_url(article), article_post(article, body=body)).status_code == 302
    article.refresh_from_db()
    assert article.body == body


def test_an_editor_publishes_and_unpublishes_from_the_list(client, desk_editor):
    first, second = make_article(status="draft"), make_article(status="draft")
    client.force_login(desk_editor)
    client.post(LIST_URL, {"action": "publish_now", "_selected_action": [first.pk, second.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_published() and second.is_published()

    client.post(LIST_URL, {"action": "unpublish", "_selected_action": [first.pk]})
    first.refresh_from_db()
    assert first.status == Article.Status.DRAFT
    assert client.get(first.get_absolute_url()).status_code == 404


def test_an_editor_without_a_byline_of_their_own_can_still_add_articles(client, django_user_model):
    editor = staff_in_group("nobyline@example.com", "Editor", author=False)
    client.force_login(editor)
    assert client.get(ADD_URL).status_code == 200


def test_a_writer_without_an_author_profile_cannot_add_articles(client, django_user_model):
    writer = staff_in_group("ghost@example.com", "Writer", author=False)
    client.force_login(writer)
    assert client.get(ADD_URL).status_code == 403


def test_the_history_keeps_who_changed_what_and_restores_an_earlier_version(client, desk_editor):
    article = make_article(status="draft", headline="First headline")
    client.force_login(desk_editor)
    client.post(change_url(article), article_post(article, headline="Second headline"))
    client.post(change_url(article), article_post(article, headline="Third headline"))
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 2
    assert versions[0].revision.user == desk_editor

    history = client.get(f"/admin/articles/article/{article.pk}/history/").content.decode()
    assert "Second headline" in history or "Changed" in history

    oldest = versions.last()
    url = f"/admin/articles/article/{article.pk}/history/{oldest.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, article_post(article, headline="Second headline"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Second headline"


def test_a_writer_cannot_restore_a_version_that_would_publish_their_draft(client, writer):
    article = draft_by(writer)
    with reversion.create_revision():
        article.status = Article.Status.PUBLISHED
        article.published_at = timezone.now() - timedelta(days=1)
        article.save()
    with reversion.create_revision():
        article.status = Article.Status.DRAFT
        article.save()
    published_version = Version.objects.get_for_object(article).last()
    client.force_login(writer)
    url = f"/admin/articles/article/{article.pk}/history/{published_version.pk}/"
    response = client.post(url, article_post(article, editor=False))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_a_writer_cannot_read_the_history_of_another_writers_article(client, writer, other_writer):
    article = draft_by(other_writer, body=paid_body())
    client.force_login(writer)
    assert client.get(f"/admin/articles/article/{article.pk}/history/").status_code == 404
