import pytest
from django.template.loader import render_to_string

from tests.editorial_helpers import article_post, change_url
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_unknown_pages_get_the_site_404_page(client):
    response = client.get("/no/such/page/at/all/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We couldn’t find that page" in html
    assert 'href="#content"' in html  # the site layout, with its skip link


def test_the_500_page_needs_no_database_or_context():
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html


def test_the_favicon_request_finds_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")


def test_a_refused_action_gets_the_branded_403_page(client, writer):
    article = make_article(authors=[writer.author_profile])
    client.force_login(writer)
    response = client.post(change_url(article), article_post(article, editor=False, headline="X"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "You can’t do that here" in html
    assert 'href="#content"' in html  # the site layout, with its skip link
