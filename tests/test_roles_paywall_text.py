"""A writer edits around an editor's paywall break, but cannot move subscribers' text above it.

Compared on what the preview contains, not on the break's index (articles.permissions).
"""

import pytest

from articles.html import PAYWALL_BREAK
from articles.models import Article
from tests.editorial_helpers import article_post, change_url
from tests.factories import make_article

pytestmark = pytest.mark.django_db

INTRO = "<p>The council met on Tuesday.</p>"
SECOND = "<p>Residents filled the gallery.</p>"
HIDDEN = "<p>Only subscribers learn the deal collapsed at midnight.</p>"
TAIL = "<p>The mayor declined to comment.</p>"
BODY = f"{INTRO}{SECOND}{PAYWALL_BREAK}{HIDDEN}{TAIL}"
REFUSED = "Text from past the paywall break cannot move into the preview"


@pytest.fixture
def draft(writer):
    article = make_article(status=Article.Status.DRAFT, body=BODY)
    article.bylines.create(author=writer.author_profile)
    return article


def post_body(client, writer, article, body):
    client.force_login(writer)
    return client.post(change_url(article), article_post(article, editor=False, body=body))


def test_swapping_a_hidden_paragraph_above_the_break_is_refused(client, writer, draft):
    # Same number of blocks above the break, so the old index check let it through.
    response = post_body(client, writer, draft, f"{INTRO}{HIDDEN}{PAYWALL_BREAK}{SECOND}{TAIL}")
    assert response.status_code == 200
    html = response.content.decode()
    assert REFUSED in html
    assert "“Only subscribers learn the deal collapsed at midnight.”" in html.split(REFUSED)[1]
    draft.refresh_from_db()
    assert draft.body == BODY


def test_pasting_a_hidden_sentence_into_a_preview_paragraph_is_refused(client, writer, draft):
    body = (
        "<p>The council met on Tuesday. Only subscribers learn the deal collapsed at midnight.</p>"
        f"{SECOND}{PAYWALL_BREAK}{TAIL}"
    )
    response = post_body(client, writer, draft, body)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    draft.refresh_from_db()
    assert draft.body == BODY


def test_adding_a_block_above_the_break_is_refused(client, writer, draft):
    response = post_body(client, writer, draft, f"{INTRO}{SECOND}<p>More.</p>{PAYWALL_BREAK}{TAIL}")
    assert response.status_code == 200
    assert "Only an editor places the paywall break" in response.content.decode()
    draft.refresh_from_db()
    assert draft.body == BODY


def test_fixing_a_typo_in_the_preview_and_editing_below_the_break_is_fine(client, writer, draft):
    body = (
        f"<p>The council met on Tuesday night.</p>{SECOND}{PAYWALL_BREAK}{HIDDEN}"
        "<p>The mayor declined to comment on Wednesday.</p><p>A new closing line.</p>"
    )
    response = post_body(client, writer, draft, body)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.body == body


def test_an_editor_may_move_text_above_the_break(client, desk_editor, draft):
    client.force_login(desk_editor)
    body = f"{INTRO}{HIDDEN}{PAYWALL_BREAK}{SECOND}{TAIL}"
    response = client.post(change_url(draft), article_post(draft, body=body))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.body == body


def test_a_writer_cannot_restore_a_version_with_paid_text_above_the_break(client, writer, draft):
    import reversion
    from reversion.models import Version

    # An earlier arrangement had the hidden paragraph above the break; an editor moved it down.
    with reversion.create_revision():
        draft.body = f"{INTRO}{HIDDEN}{PAYWALL_BREAK}{SECOND}{TAIL}"
        draft.save()
    with reversion.create_revision():
        draft.body = BODY
        draft.save()
    earlier = Version.objects.get_for_object(draft).last()
    client.force_login(writer)
    url = f"/admin/articles/article/{draft.pk}/history/{earlier.pk}/"
    response = client.post(url, article_post(draft, editor=False, body=earlier.field_dict["body"]))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.body == BODY
