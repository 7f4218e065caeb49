"""Errors reach Sentry (sentry-sdk) without article text or email addresses."""

import json

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from newsroom.sentry import init_sentry, scrub
from tests.factories import SECRET_SENTENCE

pytestmark = pytest.mark.django_db


class Captured(Transport):
    """Keeps what would have been sent to Sentry."""

    sent: list = []

    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.payload.json is not None:
                type(self).sent.append(item.payload.json)


@pytest.fixture
def sentry():
    Captured.sent = []
    init_sentry("https://public@sentry.example/1", transport=Captured)
    yield Captured.sent
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: nothing is sent


def event_with_everything():
    return {
        "message": "Could not render for reader@example.com",
        "exception": {
            "values": [{"type": "ValueError", "value": "bad address <subscriber@example.com>"}]
        },
        "request": {
            "url": "https://news.example.com/news/story/",
            "method": "POST",
            "data": {"login": "reader@example.com", "body": SECRET_SENTENCE},
            "cookies": {"sessionid": "abc"},
            "headers": {"Cookie": "sessionid=abc"},
            "query_string": "email=reader%40example.com",
        },
        "user": {"email": "reader@example.com", "id": "7"},
        "extra": {"article_body": SECRET_SENTENCE, "previewHtml": SECRET_SENTENCE},
        "contexts": {"runtime": {"name": "CPython"}},
        "breadcrumbs": {"values": [{"message": "sent a code to reader@example.com"}]},
    }


def test_the_scrub_removes_article_text_and_addresses_and_keeps_the_rest():
    cleaned = json.dumps(scrub(event_with_everything(), {}))
    assert SECRET_SENTENCE not in cleaned
    assert "@example.com" not in cleaned
    assert "sessionid" not in cleaned
    # What an operator needs is still there.
    assert "ValueError" in cleaned
    assert "https://news.example.com/news/story/" in cleaned
    assert "Could not render for [email]" in cleaned
    assert '"contexts": {"runtime": {"name": "CPython"}}' in cleaned


def test_an_error_in_a_view_reaches_sentry_scrubbed(sentry, client, reader):
    def explode(request):
        body = SECRET_SENTENCE  # an article's text in a local variable
        raise RuntimeError(f"render failed for {reader.email} ({len(body)} characters)")

    from django.urls import path

    from newsroom import urls

    urls.urlpatterns.insert(0, path("explode/", explode))
    try:
        client.raise_request_exception = False
        response = client.post("/explode/", {"email": reader.email, "body": SECRET_SENTENCE})
    finally:
        urls.urlpatterns.pop(0)
        from django.urls import clear_url_caches

        clear_url_caches()
    assert response.status_code == 500
    sentry_sdk.flush()
    events = [item for item in sentry if item.get("exception")]
    assert len(events) == 1
    sent = json.dumps(events[0])
    assert "RuntimeError" in sent
    assert "/explode/" in sent
    assert SECRET_SENTENCE not in sent
    assert reader.email not in sent
