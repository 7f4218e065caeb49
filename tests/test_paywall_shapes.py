"""The preview rule over every shape of body: a reader without access never gets it all.

Without an explicit break the preview is the first PAYWALL_PREVIEW_BLOCKS blocks but never more
than half of the blocks (rounded down); a break after the last block counts as no break.
"""

import pytest

from articles.html import PAYWALL_BREAK, cut
from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db

HIDDEN = "Pangolin invoices prove the ferry contract was signed twice."
SHOWN = "The ferry sailed at dawn with forty passengers aboard."
FILLER = "<p>Harbour staff counted the crates again.</p>"
FIGURE = (
    '<figure><img src="/media/ferry.jpg" alt="The ferry"><figcaption>At dawn</figcaption></figure>'
)

# shape → (body, whether some of the body is shown as the preview)
SHAPES = {
    "one paragraph": (f"<p>{HIDDEN}</p>", False),
    "two paragraphs": (f"<p>{SHOWN}</p><p>{HIDDEN}</p>", True),
    "three paragraphs": (f"<p>{SHOWN}</p><p>{HIDDEN}</p>{FILLER}", True),
    "four paragraphs": (f"<p>{SHOWN}</p>{FILLER}<p>{HIDDEN}</p>{FILLER}", True),
    "one paragraph with line breaks": (f"<p>{SHOWN}<br>{HIDDEN}<br>And more.</p>", False),
    "one list": (f"<ul><li>{SHOWN}</li><li>{HIDDEN}</li><li>Third.</li></ul>", False),
    "heading and paragraph": (f"<h2>{SHOWN}</h2><p>{HIDDEN}</p>", True),
    "figure and paragraph": (f"{FIGURE}<p>{HIDDEN}</p>", False),
    "break after the last block": (f"<p>{SHOWN}</p><p>{HIDDEN}</p>{PAYWALL_BREAK}", True),
}
LOCKED = [Article.Access.PAID, Article.Access.REGISTERED]


def shaped(shape, access):
    body, _ = SHAPES[shape]
    return make_article(access=access, body=body, standfirst="A standfirst every reader sees.")


def test_the_preview_is_never_more_than_half_of_the_blocks():
    blocks = "".join(f"<p>p{i}</p>" for i in range(1, 5))
    assert cut(blocks, preview_blocks=3).preview == "<p>p1</p>\n<p>p2</p>"
    assert cut("<p>p1</p><p>p2</p><p>p3</p>", preview_blocks=3).preview == "<p>p1</p>"
    assert cut("<p>p1</p><p>p2</p>", preview_blocks=3).preview == "<p>p1</p>"
    assert cut("<p>only</p>", preview_blocks=3).preview == ""
    assert cut("<p>only</p>", preview_blocks=3).rest == "<p>only</p>"


def test_a_break_after_the_last_block_counts_as_no_break():
    result = cut(f"<p>one</p><p>two</p><p>three</p><p>four</p>{PAYWALL_BREAK}", preview_blocks=3)
    assert result.preview == "<p>one</p>\n<p>two</p>"
    assert result.rest == "<p>three</p>\n<p>four</p>"
    assert "paywall-break" not in result.preview + result.rest


def test_an_explicit_break_still_wins_when_it_hides_something():
    result = cut(f"<p>one</p><p>two</p><p>three</p>{PAYWALL_BREAK}<p>four</p>", preview_blocks=1)
    assert result.preview == "<p>one</p>\n<p>two</p>\n<p>three</p>"
    assert result.rest == "<p>four</p>"


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("access", LOCKED)
def test_an_anonymous_reader_never_receives_the_whole_body(client, shape, access):
    article = shaped(shape, access)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert article.headline in html
    assert "A standfirst every reader sees." in html
    assert 'class="paywall"' in html
    assert HIDDEN not in html
    assert (SHOWN in html.split('class="paywall"')[0]) is SHAPES[shape][1]


@pytest.mark.parametrize("shape", SHAPES)
def test_a_free_reader_never_receives_the_whole_body_of_a_paid_article(client, reader, shape):
    article = shaped(shape, Article.Access.PAID)
    client.force_login(reader)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert article.headline in html
    assert "Upgrade to read" in html
    assert HIDDEN not in html


@pytest.mark.parametrize("shape", SHAPES)
def test_a_free_reader_reads_a_registered_article_whole(client, reader, shape):
    article = shaped(shape, Article.Access.REGISTERED)
    client.force_login(reader)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert HIDDEN in html
    assert 'class="paywall"' not in html


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("access", LOCKED)
def test_a_subscriber_reads_every_shape_whole(client, subscriber, shape, access):
    article = shaped(shape, access)
    client.force_login(subscriber)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert HIDDEN in html
    assert "paywall-break" not in html.split('class="article-body"')[1]
    assert 'class="paywall"' not in html
