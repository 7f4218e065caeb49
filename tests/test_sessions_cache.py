"""With Redis, sessions are read from the cache: a signed-in page costs no session query."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import SECRET_SENTENCE, make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached_sessions(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def test_a_signed_in_page_reads_its_session_from_the_cache(
    client, cached_sessions, subscriber, password
):
    article = make_article(headline="Paid story")
    assert client.login(email="subscriber@example.com", password=password)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert SECRET_SENTENCE in response.content.decode()  # signed in: the whole story
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]


def test_signing_out_ends_the_cached_session_everywhere(
    client, cached_sessions, subscriber, password
):
    article = make_article(headline="Paid story")
    assert client.login(email="subscriber@example.com", password=password)
    cookie = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    other = Client()  # another browser (or worker) presenting the old cookie
    other.cookies["sessionid"] = cookie
    response = other.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Paid story" in response.content.decode()
    assert SECRET_SENTENCE not in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
