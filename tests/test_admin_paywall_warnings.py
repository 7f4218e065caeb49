"""The admin says what readers without access will see, after every save of a gated article."""

import pytest

from articles.html import PAYWALL_BREAK
from articles.models import Article
from tests.editorial_helpers import ADD_URL, LIST_URL, article_post, change_url
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def editing(client, desk_editor):
    client.force_login(desk_editor)
    return client


def save(client, article, **overrides):
    return client.post(change_url(article), article_post(article, **overrides), follow=True)


def warnings_on(response):
    return [str(m) for m in response.context["messages"] if m.level_tag == "warning"]


def test_a_one_paragraph_paid_article_warns_that_readers_see_none_of_it(editing):
    article = make_article(status="draft", body="<p>The whole story in one paragraph.</p>")
    response = save(editing, article, headline="One paragraph")
    assert response.status_code == 200
    # Saved all the same, and back on the change form where the warning is next to the article.
    assert response.redirect_chain[-1][0] == change_url(article)
    assert "Readers without a subscription will see 0 of 1 paragraphs" in warnings_on(response)[0]
    assert "Readers without a subscription will see 0 of 1 paragraphs" in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "One paragraph"


def test_a_break_after_the_last_block_warns_that_it_hides_nothing(editing):
    body = f"<p>One.</p><p>Two.</p><p>Three.</p><p>Four.</p>{PAYWALL_BREAK}"
    article = make_article(status="draft", access=Article.Access.REGISTERED)
    response = save(editing, article, body=body, access="registered")
    [warning] = warnings_on(response)
    assert "The paywall break is after the last paragraph, so it hides nothing" in warning
    assert "Readers without an account will see 2 of 4 paragraphs" in warning
    article.refresh_from_db()
    assert article.body == body


def test_a_break_that_shows_more_than_half_warns(editing):
    body = f"<p>One.</p><p>Two.</p><p>Three.</p>{PAYWALL_BREAK}<p>Four.</p>"
    article = make_article(status="draft")
    [warning] = warnings_on(save(editing, article, body=body))
    assert warning.endswith(
        "Readers without a subscription will see 3 of 4 paragraphs: more than half of the article."
    )


def test_a_break_before_the_first_block_warns_that_readers_see_nothing(editing):
    article = make_article(status="draft")
    [warning] = warnings_on(save(editing, article, body=f"{PAYWALL_BREAK}<p>One.</p><p>Two.</p>"))
    assert "will see 0 of 2 paragraphs: only the headline and standfirst" in warning


def test_a_new_article_gets_the_warning_too(editing, desk_editor):
    article = make_article(status="draft")  # only for its section
    data = article_post(body="<ul><li>One list.</li><li>Nothing else.</li></ul>", slug="a-list")
    data["section"] = str(article.section_id)
    response = editing.post(ADD_URL, data, follow=True)
    assert response.status_code == 200
    created = Article.objects.get(slug="a-list")
    assert response.redirect_chain[-1][0] == change_url(created)
    assert "will see 0 of 1 paragraphs" in warnings_on(response)[0]


def test_a_sensible_preview_or_a_public_article_saves_without_a_warning(editing):
    gated = make_article(status="draft")
    response = save(editing, gated)  # two paragraphs, a break, two more
    assert response.redirect_chain[-1][0] == LIST_URL
    assert warnings_on(response) == []
    public = make_article(status="draft", access=Article.Access.PUBLIC, body="<p>One.</p>")
    response = save(editing, public, access="public")
    assert response.redirect_chain[-1][0] == LIST_URL
    assert warnings_on(response) == []
    assert "was changed successfully" in response.content.decode()
