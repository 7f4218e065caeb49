import pytest

from articles.models import Article
from tests.factories import SECRET_SENTENCE, make_article, make_author, make_tag

pytestmark = pytest.mark.django_db


def test_search_finds_headlines_standfirsts_and_topics(client):
    make_article(headline="Harbour deal collapses")
    make_article(headline="Tram line", standfirst="The harbour will wait.")
    make_article(headline="Water", tags=[make_tag(name="Harbour")])
    make_article(headline="Unrelated")
    html = client.get("/search/", {"q": "harbour"}).content.decode()
    assert "3 results for “harbour”" in html
    assert "Unrelated" not in html


def test_search_never_matches_or_shows_text_past_the_preview(client, subscriber):
    make_article(headline="Quiet story")
    client.force_login(subscriber)
    html = client.get("/search/", {"q": "collapsed at midnight"}).content.decode()
    assert "Quiet story" not in html
    html = client.get("/search/", {"q": "quiet"}).content.decode()
    assert "Quiet story" in html
    assert SECRET_SENTENCE not in html


def test_search_leaves_out_unpublished_articles(client):
    make_article(headline="Harbour draft", status=Article.Status.DRAFT)
    html = client.get("/search/", {"q": "harbour"}).content.decode()
    assert "Harbour draft" not in html


@pytest.mark.parametrize("query", ["", "   ", "x" * 5000, "%", "'; DROP TABLE", "\x00"])
def test_odd_queries_get_a_page_not_an_error(client, query):
    assert client.get("/search/", {"q": query}).status_code in {200}


@pytest.mark.parametrize("count", [1, 12])
def test_search_queries_are_constant(client, django_assert_num_queries, count):
    for _ in range(count):
        make_article(headline="Harbour news", authors=[make_author()], tags=[make_tag()])
    # count, page of results, their bylines, navigation
    with django_assert_num_queries(4):
        client.get("/search/", {"q": "harbour"})


def test_a_search_without_results_says_so(client):
    make_article(headline="Harbour news")
    html = client.get("/search/", {"q": "zeppelin"}).content.decode()
    assert "No stories match “zeppelin”" in html
    assert "Nothing published here yet" not in html
