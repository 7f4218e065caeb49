import pytest

from tests.factories import SECRET_SENTENCE, make_article

pytestmark = pytest.mark.django_db


def test_anonymous_reader_sees_only_the_preview_of_a_paid_article(client):
    article = make_article()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "This post is for paying subscribers only" in html
    assert SECRET_SENTENCE not in html
