"""The article body is cut into preview and rest once per version of the body, not per request."""

import pytest

from articles import models
from articles.models import Article
from tests.factories import PREVIEW_SENTENCE, make_article, paid_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def cuts(monkeypatch):
    models._cut_once.cache_clear()
    bodies = []
    real = models.cut

    def counting_cut(html, **kwargs):
        bodies.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(models, "cut", counting_cut)
    yield bodies
    models._cut_once.cache_clear()


def test_subscribers_reading_the_same_version_share_one_cut(client, subscriber, cuts):
    article = make_article(body=paid_body(secret="The ferry contract was signed at dawn."))
    client.force_login(subscriber)
    for _ in range(3):
        html = client.get(article.get_absolute_url()).content.decode()
        assert PREVIEW_SENTENCE in html
        assert "The ferry contract was signed at dawn." in html
    assert len(cuts) == 1


def test_an_edited_body_is_cut_again_and_never_served_stale(client, subscriber, cuts):
    article = make_article(body=paid_body(secret="The ferry contract was signed at dawn."))
    client.force_login(subscriber)
    client.get(article.get_absolute_url())
    # update() changes neither updated_at nor sends a signal: the body itself is the key.
    Article.objects.filter(pk=article.pk).update(
        body=paid_body(secret="The ferry contract was torn up at noon.")
    )
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "The ferry contract was torn up at noon." in html
    assert "signed at dawn" not in html
    assert len(cuts) == 2


def test_a_shared_cut_still_shows_an_anonymous_reader_only_the_preview(client, subscriber, cuts):
    article = make_article(body=paid_body(secret="The ferry contract was signed at dawn."))
    client.force_login(subscriber)
    assert "signed at dawn" in client.get(article.get_absolute_url()).content.decode()
    client.logout()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert PREVIEW_SENTENCE in html
    assert "signed at dawn" not in html
    assert len(cuts) == 1
