"""What the editor submits is sanitised with the editor's own allow-list; the break round-trips."""

import html as htmllib
import json
import re

import pytest

from articles.html import ALLOWED_TAGS, EDITOR_EXTENSIONS, PAYWALL_BREAK, sanitize_html
from tests.editorial_helpers import article_post, change_url
from tests.factories import SECRET_SENTENCE, make_article
from tests.users import staff_in_group

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _desk_editor_signed_in(client, desk_editor):
    """These tests drive the admin as the shared desk editor (tests/conftest.py)."""
    client.force_login(desk_editor)


def editor_config(page):
    attribute = re.search(r'data-django-prose-editor-configurable="([^"]*)"', page).group(1)
    return json.loads(htmllib.unescape(attribute))


def textarea_value(page):
    return htmllib.unescape(
        re.search(r'<textarea name="body"[^>]*>\n?(.*?)</textarea>', page, re.S).group(1)
    )


def test_what_the_editor_submits_is_sanitised_before_it_is_stored(client, desk_editor):
    article = make_article(status="draft")
    dirty = (
        '<p onclick="steal()">Hello <a href="javascript:alert(1)">there</a></p>'
        "<script>document.cookie</script><iframe src='https://evil.example'></iframe>"
        '<p style="position:fixed">Styled</p><h1>Too big</h1><table><tr><td>x</td></tr></table>'
        '<a href="https://example.com" target="_blank" rel="opener">ok</a>'
    )
    response = client.post(change_url(article), article_post(article, body=dirty))
    assert response.status_code == 302
    article.refresh_from_db()
    for forbidden in (
        "onclick",
        "javascript:",
        "<script",
        "<iframe",
        "style=",
        "<h1",
        "<table",
        "target=",
        'rel="opener"',
    ):
        assert forbidden not in article.body
    assert "Hello" in article.body and "Too big" in article.body
    assert 'rel="noopener noreferrer"' in article.body


def test_the_paywall_break_survives_a_round_trip_through_the_editor_form(client, desk_editor):
    body = f"<p>One.</p><p>Two.</p>{PAYWALL_BREAK}<p>{SECRET_SENTENCE}</p>"
    article = make_article(body=body)
    page = client.get(change_url(article)).content.decode()
    assert textarea_value(page) == body

    response = client.post(change_url(article), article_post(article, body=textarea_value(page)))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == body

    client.logout()
    reader_page = client.get(article.get_absolute_url()).content.decode()
    assert "Two." in reader_page
    assert SECRET_SENTENCE not in reader_page


def test_the_editor_is_configured_from_the_same_list_as_the_sanitiser(client, desk_editor):
    article = make_article(status="draft")
    config = editor_config(client.get(change_url(article)).content.decode())
    for name, options in EDITOR_EXTENSIONS.items():
        assert config["extensions"][name] == options
    assert any(
        module.endswith("articles/editor/paywall-break.js") for module in config["js_modules"]
    )


def test_a_writers_editor_shows_a_placed_break_but_has_no_button_for_it(client, django_user_model):
    writer = staff_in_group("writer@example.com", "Writer")
    article = make_article(status="draft", authors=[writer.author_profile])
    client.force_login(writer)
    config = editor_config(client.get(change_url(article)).content.decode())
    assert config["extensions"]["PaywallBreak"] == {"menu": False}


@pytest.mark.parametrize("tag", sorted(set(ALLOWED_TAGS) - {"br", "hr", "img"}))
def test_every_tag_the_editor_can_make_survives_sanitising(tag):
    clean = sanitize_html(f"<{tag}>x</{tag}>")
    assert clean.startswith(f"<{tag}") and clean.endswith(f">x</{tag}>")


@pytest.mark.parametrize("tag", ["h1", "h5", "h6", "div", "span", "table", "mark", "b", "i"])
def test_tags_the_editor_cannot_make_are_removed(tag):
    assert f"<{tag}" not in sanitize_html(f"<{tag}>x</{tag}>")


def test_headings_follow_the_editors_levels():
    levels = EDITOR_EXTENSIONS["Heading"]["levels"]
    assert {f"h{level}" for level in levels} == {t for t in ALLOWED_TAGS if re.fullmatch(r"h\d", t)}
