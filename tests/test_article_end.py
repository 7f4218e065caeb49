"""The end of a story: more from its section (one query), the reading time, a share control
that is a plain link without JavaScript, and "Gift this article" for subscribers."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.reading import reading_minutes, word_count
from tests.factories import SECRET_SENTENCE, make_article, make_section

pytestmark = pytest.mark.django_db


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 id="article-headline">{article.headline}</h1>' in html
    return html


def more_from(html):
    match = re.search(r'<section class="more-from".*?</section>', html, re.S)
    return match.group(0) if match else None


def test_more_from_the_section_lists_its_three_newest_other_stories(client):
    section = make_section(name="Climate", slug="climate")
    now = timezone.now()
    article = make_article(section=section, published_at=now - timedelta(hours=10))
    older = [
        make_article(section=section, published_at=now - timedelta(hours=h)) for h in (1, 2, 3, 4)
    ]
    draft = make_article(section=section, status=Article.Status.DRAFT, published_at=None)
    scheduled = make_article(section=section, published_at=now + timedelta(days=1))
    elsewhere = make_article(published_at=now)

    block = more_from(page(client, article))
    assert 'More from <a href="/climate/">Climate</a>' in block
    shown = re.findall(r'<h3 class="card-title"><a href="([^"]+)">', block)
    assert shown == [story.get_absolute_url() for story in older[:3]]
    for absent in (article, older[3], draft, scheduled, elsewhere):
        assert absent.get_absolute_url() not in block


def test_a_story_alone_in_its_section_ends_without_an_empty_block(client):
    article = make_article(section=make_section(name="Culture"))
    html = page(client, article)
    assert more_from(html) is None
    assert "Share this story" in html


def test_more_from_the_section_shows_no_text_of_those_stories(client):
    section = make_section()
    article = make_article(section=section)
    other = make_article(section=section, standfirst="A standfirst that may be shown.")
    block = more_from(page(client, article))
    assert other.headline in block
    assert "A standfirst that may be shown." in block
    assert SECRET_SENTENCE not in block


def test_the_reading_time_counts_the_whole_story():
    body = "<p>" + "word " * 1150 + "</p>"
    assert word_count(body) == 1150
    assert reading_minutes(body) == 5
    assert reading_minutes("<p>Short.</p>") == 1


def test_the_article_page_gives_its_reading_time(client):
    article = make_article(body="<p>" + "word " * 700 + "</p>", access=Article.Access.PUBLIC)
    assert '<span class="reading-time">· 3 min read</span>' in page(client, article)


def test_the_share_control_is_a_plain_link_to_the_story_without_javascript(client, settings):
    article = make_article()
    html = page(client, article)
    url = settings.SITE_URL + article.get_absolute_url()
    share = re.search(r"<a [^>]*data-share[^>]*>Share this story</a>", html).group(0)
    assert f'href="{url}"' in share
    assert '<script src="/static/js/share.js" defer></script>' in html
    assert 'href="mailto:?subject=' in html
    # Nothing from another site: no third-party share buttons or scripts.
    assert not re.search(r'<script[^>]+src="https?://', html)


def test_a_subscriber_finds_gift_this_article_at_the_end(client, subscriber):
    article = make_article()
    client.force_login(subscriber)
    html = page(client, article)
    end = re.search(r'<div class="article-end">.*?</form>', html, re.S).group(0)
    assert '<h2 class="gift-heading">Gift this article</h2>' in end
    assert f'action="/gifts/new/{article.pk}/"' in end


def test_anonymous_readers_get_sharing_but_no_gift_form(client):
    article = make_article()
    html = page(client, article)
    assert "Share this story" in html
    assert "Gift this article" not in html
