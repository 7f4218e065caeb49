from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import SECRET_SENTENCE, make_article, make_author, make_tag, paid_body

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
    response = client.get("/search/", {"q": "harbour"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No stories match “harbour”" in html
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
        response = client.get("/search/", {"q": "harbour"})
    assert response.status_code == 200


def test_a_search_without_results_says_so(client):
    make_article(headline="Harbour news")
    html = client.get("/search/", {"q": "zeppelin"}).content.decode()
    assert "No stories match “zeppelin”" in html
    assert "Nothing published here yet" not in html


def public_body(sentence):
    return f"<p>An opening paragraph.</p><p>{sentence}</p>"


def test_public_stories_are_found_by_their_body_and_shown_by_their_teaser(client):
    sentence = "Pelicans nested under the old ferry terminal all winter."
    make_article(headline="Birds return", access=Article.Access.PUBLIC, body=public_body(sentence))
    response = client.get("/search/", {"q": "pelicans ferry"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 result for “pelicans ferry”" in html
    assert "Birds return" in html
    assert sentence not in html  # a result is a teaser, never body text


@pytest.mark.parametrize("access", [Article.Access.PAID, Article.Access.REGISTERED])
def test_a_sentence_from_a_paid_or_registered_body_finds_nothing(client, subscriber, access):
    make_article(headline="Quiet story", access=access)
    client.force_login(subscriber)  # even for a reader who may read the story
    response = client.get("/search/", {"q": "deal collapsed at midnight"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No stories match “deal collapsed at midnight”" in html
    assert "Quiet story" not in html
    assert SECRET_SENTENCE not in html


def test_a_story_switched_from_public_to_paid_is_no_longer_found_by_its_body(client):
    sentence = "Pelicans nested under the old ferry terminal all winter."
    article = make_article(
        headline="Birds return", access=Article.Access.PUBLIC, body=public_body(sentence)
    )
    assert "Birds return" in client.get("/search/", {"q": "pelicans"}).content.decode()
    # However it is switched: a bulk update in the shell bypasses save() and signals.
    Article.objects.filter(pk=article.pk).update(access=Article.Access.PAID)
    html = client.get("/search/", {"q": "pelicans"}).content.decode()
    assert "No stories match “pelicans”" in html
    assert "Birds return" not in html
    # Still found by what every reader sees.
    assert "Birds return" in client.get("/search/", {"q": "birds"}).content.decode()


def test_a_topic_added_later_finds_the_story(client):
    article = make_article(headline="Budget vote")
    assert "No stories match" in client.get("/search/", {"q": "lighthouses"}).content.decode()
    article.tags.add(make_tag(name="Lighthouses"))
    assert "Budget vote" in client.get("/search/", {"q": "lighthouses"}).content.decode()


@pytest.mark.parametrize(
    ("typed", "meant"), [("harbor", "harbour"), ("redevelopments", "redevelopment")]
)
def test_a_misspelt_or_inflected_word_finds_the_story(client, typed, meant):
    make_article(headline=f"The {meant} plan", standfirst="Council votes today.")
    make_article(headline="Unrelated")
    response = client.get("/search/", {"q": typed})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"The {meant} plan" in html
    assert "Unrelated" not in html


def test_a_typo_is_corrected_only_to_a_word_readers_may_find(client):
    # "quokkas" stands only past a paid story's preview: no correction may point there.
    body = paid_body(secret="Quokkas were counted on the island.")
    make_article(headline="Island census", body=body)
    html = client.get("/search/", {"q": "quokas"}).content.decode()
    assert "No stories match “quokas”" in html
    assert "Island census" not in html
    assert "quokkas" not in html.lower()


def test_stories_matching_in_the_headline_come_before_those_matching_in_the_body(client):
    make_article(
        headline="Ferry timetable",
        access=Article.Access.PUBLIC,
        body=public_body("Nothing about lighthouses here, except this one mention."),
        published_at=timezone.now() - timedelta(minutes=1),
    )
    make_article(headline="Lighthouses reopen", published_at=timezone.now() - timedelta(days=3))
    html = client.get("/search/", {"q": "lighthouses"}).content.decode()
    assert "2 results for “lighthouses”" in html
    assert html.index("Lighthouses reopen") < html.index("Ferry timetable")


def test_a_renamed_topic_finds_its_stories_by_the_new_name_only(client):
    tag = make_tag(name="Lighthouses")
    make_article(headline="Budget vote", tags=[tag])
    tag.name = "Beacons"
    tag.save()
    assert "Budget vote" in client.get("/search/", {"q": "beacons"}).content.decode()
    html = client.get("/search/", {"q": "lighthouses"}).content.decode()
    assert "Budget vote" not in html
    assert "No stories match “lighthouses”" in html
