"""The writing room's figures: words, reading time, and what readers without access will see,
on the change page and live from the staff-only endpoint, both from the one preview rule."""

import pytest
from django.conf import settings
from django.test import Client

from articles.html import PAYWALL_BREAK, preview_shape
from tests.editorial_helpers import ADD_URL, change_url
from tests.factories import make_article

pytestmark = pytest.mark.django_db

STATS_URL = "/admin/articles/article/writing-stats/"


def paragraphs(count, words_each=10):
    return "".join(f"<p>{' '.join(['word'] * words_each)}</p>" for _ in range(count))


def test_the_change_page_shows_length_reading_time_and_the_preview(client, desk_editor):
    article = make_article(body=paragraphs(14, words_each=50), access="paid")
    client.force_login(desk_editor)
    response = client.get(change_url(article))
    assert response.status_code == 200
    html = response.content.decode()
    assert "700 words" in html
    assert "3 min read" in html
    shown = preview_shape(article.body, preview_blocks=settings.PAYWALL_PREVIEW_BLOCKS).shown
    assert f"Readers without a subscription see {shown} of 14 paragraphs." in html


def test_a_new_article_starts_at_nothing_written(client, desk_editor):
    client.force_login(desk_editor)
    html = client.get(ADD_URL).content.decode()
    assert "0 words" in html
    assert "Readers without a subscription see the headline and standfirst." in html


def test_the_live_figures_follow_the_paywall_break_as_the_server_cuts(client, desk_editor):
    client.force_login(desk_editor)
    body = paragraphs(2) + PAYWALL_BREAK + paragraphs(12)
    answer = client.post(STATS_URL, {"body": body, "access": "paid"}).json()
    assert answer["words_text"] == "140 words"
    assert answer["reading_text"] == "1 min read"
    assert answer["preview_text"] == "Readers without a subscription see 2 of 14 paragraphs."
    assert (answer["preview_shown"], answer["preview_total"]) == (2, 14)
    assert answer["warning"] == ""


@pytest.mark.parametrize(
    ("access", "sentence"),
    [
        ("registered", "Readers without an account see 1 of 3 paragraphs."),
        ("public", "Public: everyone reads the whole article."),
    ],
)
def test_the_preview_sentence_names_who_gets_only_the_preview(client, writer, access, sentence):
    client.force_login(writer)
    answer = client.post(STATS_URL, {"body": paragraphs(3), "access": access}).json()
    assert answer["preview_text"] == sentence


def test_a_preview_of_more_than_half_is_warned_about(client, desk_editor):
    client.force_login(desk_editor)
    body = paragraphs(3) + PAYWALL_BREAK + paragraphs(1)
    answer = client.post(STATS_URL, {"body": body, "access": "paid"}).json()
    assert answer["warning"] == (
        "Readers without a subscription will see 3 of 4 paragraphs: more than half of the article."
    )


def test_readers_get_no_figures(client, reader):
    client.force_login(reader)
    response = client.post(STATS_URL, {"body": paragraphs(3), "access": "paid"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_figures_need_a_csrf_token(desk_editor):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(desk_editor)
    assert strict.post(STATS_URL, {"body": "<p>x</p>", "access": "paid"}).status_code == 403


def test_the_figures_answer_only_a_post(client, desk_editor):
    client.force_login(desk_editor)
    assert client.get(STATS_URL).status_code == 405
