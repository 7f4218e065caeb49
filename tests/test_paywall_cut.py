from articles.html import PAYWALL_BREAK, cut, split_blocks


def test_an_explicit_break_ends_the_preview_exactly_there():
    result = cut(f"<p>one</p><p>two</p>{PAYWALL_BREAK}<p>three</p>", preview_blocks=3)
    assert result.preview == "<p>one</p>\n<p>two</p>"
    assert result.rest == "<p>three</p>"
    assert "paywall-break" not in result.preview + result.rest


def test_without_a_break_the_preview_is_the_first_n_blocks():
    body = "".join(f"<p>p{i}</p>" for i in range(1, 7))
    result = cut(body, preview_blocks=3)
    assert result.preview == "<p>p1</p>\n<p>p2</p>\n<p>p3</p>"
    assert result.rest.startswith("<p>p4</p>")
    assert result.rest


def test_a_short_article_without_a_break_shows_at_most_half_of_its_blocks():
    # Issue #9: a one-block article used to be all preview, so readers without access got it
    # whole. Now the preview is never more than half of the blocks (rounded down).
    result = cut("<p>only</p>", preview_blocks=3)
    assert result.preview == ""
    assert result.rest == "<p>only</p>"
    assert result.rest


def test_the_cut_never_splits_nested_markup_lists_or_figures():
    body = (
        "<p>Intro with <strong>bold <em>nested</em></strong> text.</p>"
        "<ul><li>one</li><li>two <a href='/x'>link</a></li></ul>"
        "<figure><img src='/a.jpg' alt='a'><figcaption>Caption</figcaption></figure>"
        "<p>Hidden</p><p>Hidden too</p><p>Hidden three</p>"
    )
    result = cut(body, preview_blocks=3)
    assert result.preview.count("<ul>") == result.preview.count("</ul>") == 1
    assert result.preview.count("<figure>") == result.preview.count("</figure>") == 1
    assert "<figcaption>Caption</figcaption>" in result.preview
    assert "Hidden" not in result.preview
    assert result.rest == "<p>Hidden</p>\n<p>Hidden too</p>\n<p>Hidden three</p>"


def test_a_break_at_the_end_counts_as_no_break():
    # Issue #9: a break after the last block hid nothing; the half rule applies instead.
    result = cut(f"<p>one</p><p>two</p>{PAYWALL_BREAK}", preview_blocks=1)
    assert result.preview == "<p>one</p>"
    assert result.rest == "<p>two</p>"


def test_a_break_at_the_start_shows_no_body_at_all():
    result = cut(f"{PAYWALL_BREAK}<p>secret</p>", preview_blocks=3)
    assert result.preview == ""
    assert result.rest == "<p>secret</p>"


def test_a_break_inside_a_block_cuts_before_that_block():
    body = f"<p>one</p><blockquote><p>half</p>{PAYWALL_BREAK}<p>secret</p></blockquote><p>x</p>"
    result = cut(body, preview_blocks=3)
    assert result.preview == "<p>one</p>"
    assert "secret" in result.rest
    assert "paywall-break" not in result.preview + result.rest


def test_only_the_first_break_counts():
    result = cut(f"<p>a</p>{PAYWALL_BREAK}<p>b</p>{PAYWALL_BREAK}<p>c</p>", preview_blocks=3)
    assert result.preview == "<p>a</p>"
    assert result.rest == "<p>b</p>\n<p>c</p>"


def test_entities_and_attributes_stay_escaped_after_the_round_trip():
    body = (
        '<p>Fish &amp; chips &lt;script&gt;</p><p><a href="/a?b=1&amp;c=2">x</a></p>'
        "<p>three</p><p>four</p>"
    )
    result = cut(body, preview_blocks=3)
    assert "&lt;script&gt;" in result.preview
    assert "<script>" not in result.preview
    assert 'href="/a?b=1&amp;c=2"' in result.preview


def test_bare_text_and_whitespace_between_blocks():
    blocks = split_blocks("\n  <p>a</p>\n\n loose text \n<p>b</p>  ")
    assert [b.html for b in blocks] == ["<p>a</p>", "loose text", "<p>b</p>"]
