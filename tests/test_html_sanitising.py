import pytest

from articles.html import PAYWALL_BREAK, sanitize_html
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "dirty, forbidden",
    [
        ("<p>Hi</p><script>alert('x')</script>", "<script"),
        ('<img src="/a.jpg" onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">click</a>', "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">click</a>', "alert(1)"),
        ('<img src="data:text/html;base64,PHNjcmlwdD4=">', "data:"),
        ('<p style="position:fixed">x</p>', "style="),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ('<p onclick="steal()">x</p>', "onclick"),
        ("<svg><script>alert(1)</script></svg>", "alert"),
        ("<p>a<!-- a comment an editor left --></p>", "comment"),
    ],
)
def test_dangerous_markup_is_removed(dirty, forbidden):
    assert forbidden.lower() not in sanitize_html(dirty).lower()


def test_allowed_markup_survives_unchanged_in_meaning():
    html = (
        "<h2>Heading</h2><p><strong>bold</strong> <em>it</em> "
        '<a href="https://example.com/x" title="t">link</a></p>'
        "<ul><li>one</li></ul><ol><li>two</li></ol><blockquote><p>quote</p></blockquote>"
        '<figure><img src="/media/a.jpg" alt="A harbour"><figcaption>Cap</figcaption></figure>'
    )
    clean = sanitize_html(html)
    for fragment in [
        "<h2>Heading</h2>",
        "<strong>bold</strong>",
        '<a href="https://example.com/x" title="t" rel="noopener noreferrer">link</a>',
        "<ul><li>one</li></ul>",
        "<blockquote><p>quote</p></blockquote>",
        '<img src="/media/a.jpg" alt="A harbour">',
        "<figcaption>Cap</figcaption>",
    ]:
        assert fragment in clean


def test_the_paywall_break_survives_and_other_classes_do_not():
    clean = sanitize_html(f'<p>a</p>{PAYWALL_BREAK}<p class="evil">b</p><hr class="x">')
    assert PAYWALL_BREAK in clean
    assert "evil" not in clean
    assert 'class="x"' not in clean


def test_an_article_is_sanitised_when_saved(client):
    article = make_article(
        access="public",
        body='<p>Safe text.</p><script>document.cookie</script><img src=x onerror="alert(1)">',
    )
    article.refresh_from_db()
    assert "<script" not in article.body
    assert "onerror" not in article.body

    html = client.get(article.get_absolute_url()).content.decode()
    assert "Safe text." in html
    assert "document.cookie" not in html
    assert "onerror" not in html
