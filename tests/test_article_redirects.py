"""Old addresses of published articles keep redirecting; no other article may take one."""

import pytest

from articles.models import Article, ArticleRedirect
from tests.editorial_helpers import ADD_URL, article_post, change_url
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved():
    """A published article that moved from /<section>/old-harbour/ to .../new-harbour/."""
    article = make_article(slug="old-harbour")
    old_url = article.get_absolute_url()
    article.slug = "new-harbour"
    article.save()
    return article, old_url


def test_a_draft_saved_at_an_old_address_does_not_delete_its_redirect(client, moved):
    article, old_url = moved
    make_article(status=Article.Status.DRAFT, slug="old-harbour", section=article.section)
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_a_new_article_may_not_take_an_address_that_redirects(client, desk_editor, moved):
    article, old_url = moved
    client.force_login(desk_editor)
    data = article_post(slug="old-harbour", headline="Another story")
    data["section"] = str(article.section_id)
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{old_url} is an old address of “{article.headline}”" in html
    assert "Choose another slug." in html
    assert not Article.objects.filter(headline="Another story").exists()
    assert client.get(old_url)["Location"] == article.get_absolute_url()


def test_an_edited_article_may_not_move_onto_another_articles_old_address(
    client, desk_editor, moved
):
    article, old_url = moved
    other = make_article(status=Article.Status.DRAFT, section=article.section)
    client.force_login(desk_editor)
    response = client.post(change_url(other), article_post(other, slug="old-harbour"))
    assert response.status_code == 200
    assert "is an old address of" in response.content.decode()
    other.refresh_from_db()
    assert other.slug != "old-harbour"
    assert ArticleRedirect.objects.filter(slug="old-harbour", article=article).exists()


def test_the_same_slug_in_another_section_is_free(client, desk_editor, moved):
    article, _ = moved
    other = make_article(status=Article.Status.DRAFT)
    client.force_login(desk_editor)
    response = client.post(change_url(other), article_post(other, slug="old-harbour"))
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.slug == "old-harbour"


def test_an_article_may_go_back_to_its_own_old_address(client, desk_editor, moved):
    article, old_url = moved
    client.force_login(desk_editor)
    response = client.post(change_url(article), article_post(article, slug="old-harbour"))
    assert response.status_code == 302
    assert client.get(old_url).status_code == 200
