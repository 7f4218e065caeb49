"""Gift links: a subscriber gifts a story; anyone with the link reads it whole, privately,
until the giver switches it off, it expires or its readers run out."""

from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from articles.gifts import READER_COOKIE
from articles.models import Article, GiftLink, GiftLinkReader
from subscriptions.models import MeteredRead
from tests.factories import PREVIEW_SENTENCE, SECRET_SENTENCE, make_article, make_author, make_tag

pytestmark = pytest.mark.django_db

GIVER = "Maya Okafor"
TAIL = "The mayor declined to comment."


@pytest.fixture
def story():
    return make_article(headline="Harbour deal collapses")


@pytest.fixture
def giving(client, subscriber):
    client.force_login(subscriber)
    return client


def gift(client, article, name=GIVER):
    return client.post(f"/gifts/new/{article.pk}/", {"giver_name": name})


def make_link(giver, article, **fields):
    fields.setdefault("giver_name", GIVER)
    fields.setdefault("max_readers", 25)
    fields.setdefault("expires_at", timezone.now() + timedelta(days=14))
    return GiftLink.objects.create(article=article, giver=giver, **fields)


def headers_of_a_gifted_page(response):
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


# ---------------------------------------------------------------- making a link


def test_a_subscriber_is_offered_gift_this_article_under_a_paid_story(giving, story):
    response = giving.get(story.get_absolute_url())
    html = response.content.decode()
    assert SECRET_SENTENCE in html
    assert "Gift this article" in html
    assert f'action="/gifts/new/{story.pk}/"' in html


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_readers_who_cannot_gift_are_not_offered_it(client, reader, story, who):
    if who == "reader":
        client.force_login(reader)
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "This post is for paying subscribers only" in html
    assert "Gift this article" not in html


def test_a_subscriber_makes_a_link_and_finds_it_on_the_account_page(giving, subscriber, story):
    response = gift(giving, story)
    assert response.status_code == 302
    assert response["Location"] == "/account/#gift-links"
    link = GiftLink.objects.get()
    assert (link.giver, link.giver_name, link.article) == (subscriber, GIVER, story)
    assert not link.from_publisher
    assert link.max_readers == 25
    assert abs(link.expires_at - (timezone.now() + timedelta(days=14))) < timedelta(minutes=1)
    assert len(link.token) >= 40

    account = giving.get("/account/").content.decode()
    assert "Your gift link to “Harbour deal collapses” is ready" in account
    assert f"http://localhost:8000/gift/{link.token}/" in account
    assert "<strong>9 of 10</strong> gift links left this month" in account
    assert "0 of 25" in account


def test_each_link_has_its_own_unguessable_token(giving, story):
    gift(giving, story)
    gift(giving, story)
    tokens = list(GiftLink.objects.values_list("token", flat=True))
    assert len(set(tokens)) == 2


def test_the_monthly_quota_stops_the_next_link_and_says_so(giving, subscriber, settings, story):
    settings.GIFT_LINKS_PER_MONTH = 2
    gift(giving, story)
    gift(giving, story)
    response = gift(giving, story)
    assert response.status_code == 403
    assert "You've used your 2 gift links this month" in unescape(response.content.decode())
    assert GiftLink.objects.count() == 2
    # Links of last month do not count against this one.
    GiftLink.objects.update(created_at=timezone.now().replace(day=1) - timedelta(days=1))
    assert gift(giving, story).status_code == 302
    assert GiftLink.objects.count() == 3


@pytest.mark.parametrize(
    ("case", "status", "says"),
    [
        ("free reader", 403, "Gift links are for subscribers"),
        ("public story", 400, "This story is free for everyone"),
        ("draft", 404, "This story is not published"),
        ("blank name", 400, "Tell the reader who the gift is from"),
        ("name too long", 400, "Tell the reader who the gift is from"),
        ("control characters", 400, "Tell the reader who the gift is from"),
    ],
)
def test_a_link_that_may_not_be_made_gets_a_clear_page_and_nothing_is_made(
    client, reader, subscriber, case, status, says
):
    client.force_login(reader if case == "free reader" else subscriber)
    article = make_article(
        access=Article.Access.PUBLIC if case == "public story" else Article.Access.PAID,
        status=Article.Status.DRAFT if case == "draft" else Article.Status.PUBLISHED,
    )
    name = {"blank name": "  ", "name too long": "x" * 101, "control characters": "A\x07B"}
    response = gift(client, article, name.get(case, GIVER))
    assert response.status_code == status
    html = response.content.decode()
    assert "No gift link made" in html
    assert says in html
    assert SECRET_SENTENCE not in html
    assert not GiftLink.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in_and_nothing_is_made(client, story):
    response = gift(client, story)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not GiftLink.objects.exists()


@pytest.mark.parametrize("path", ["/gifts/new/999999/", "/gifts/new/0/"])
def test_gifting_a_story_that_does_not_exist_is_not_found(giving, path):
    assert giving.post(path, {"giver_name": GIVER}).status_code == 404
    assert not GiftLink.objects.exists()


def test_making_a_link_needs_a_post(giving, story):
    assert giving.get(f"/gifts/new/{story.pk}/").status_code == 405
    assert not GiftLink.objects.exists()


# ---------------------------------------------------------------- opening a link


def test_a_fresh_anonymous_browser_reads_the_gifted_story_whole(subscriber, story):
    link = make_link(subscriber, story)
    response = Client().get(link.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert SECRET_SENTENCE in html
    assert TAIL in html
    assert f"{GIVER} gave you this story." in html
    assert f'href="/pricing/?next={story.get_absolute_url()}&amp;via=gift"' in html
    assert "This post is for paying subscribers only" not in html
    headers_of_a_gifted_page(response)
    assert response.cookies[READER_COOKIE]["path"] == "/gift/"
    assert response.cookies[READER_COOKIE]["httponly"]


def test_the_same_browser_is_one_reader_however_often_it_opens_the_link(subscriber, story):
    link = make_link(subscriber, story)
    browser = Client()
    for _ in range(3):
        assert SECRET_SENTENCE in browser.get(link.get_absolute_url()).content.decode()
    Client().get(link.get_absolute_url())
    assert GiftLinkReader.objects.filter(link=link).count() == 2


def test_a_signed_in_free_reader_reads_it_whole_without_spending_a_free_story(
    client, reader, subscriber, story, settings
):
    settings.METERED_FREE_STORIES = 2
    link = make_link(subscriber, story)
    client.force_login(reader)
    response = client.get(link.get_absolute_url())
    html = response.content.decode()
    assert SECRET_SENTENCE in html
    assert "free stories left" not in html
    assert not MeteredRead.objects.exists()
    assert GiftLinkReader.objects.get().reader_key == f"user:{reader.pk}"
    headers_of_a_gifted_page(response)


def test_the_giver_opening_their_own_link_takes_no_reader_place(giving, subscriber, story):
    link = make_link(subscriber, story, max_readers=1)
    assert SECRET_SENTENCE in giving.get(link.get_absolute_url()).content.decode()
    assert not GiftLinkReader.objects.exists()
    assert SECRET_SENTENCE in Client().get(link.get_absolute_url()).content.decode()


def closed_page(response, why):
    """A link that no longer opens: the story's preview and why, never the rest."""
    assert response.status_code == 200
    html = response.content.decode()
    assert "Harbour deal collapses" in html
    assert PREVIEW_SENTENCE in html
    assert why in html
    assert SECRET_SENTENCE not in html
    assert TAIL not in html
    assert "This post is for paying subscribers only" in html
    headers_of_a_gifted_page(response)


def test_a_revoked_link_shows_only_the_preview_and_says_why(subscriber, story):
    link = make_link(subscriber, story)
    browser = Client()
    assert SECRET_SENTENCE in browser.get(link.get_absolute_url()).content.decode()
    link.revoke()
    why = "This gift link has been switched off by the person who shared it."
    closed_page(browser.get(link.get_absolute_url()), why)
    closed_page(Client().get(link.get_absolute_url()), why)


def test_an_expired_link_shows_only_the_preview_and_says_why(subscriber, story):
    link = make_link(subscriber, story, expires_at=timezone.now() - timedelta(seconds=1))
    closed_page(Client().get(link.get_absolute_url()), "This gift link has expired.")
    assert not GiftLinkReader.objects.exists()


def test_a_link_past_its_reader_cap_shows_the_next_reader_only_the_preview(subscriber, story):
    link = make_link(subscriber, story, max_readers=2)
    first, second = Client(), Client()
    for browser in (first, second):
        assert SECRET_SENTENCE in browser.get(link.get_absolute_url()).content.decode()
    third = Client().get(link.get_absolute_url())
    closed_page(third, "This gift link has been opened by as many readers as it allows.")
    assert READER_COOKIE not in third.cookies
    # Those who already opened it keep it.
    assert SECRET_SENTENCE in first.get(link.get_absolute_url()).content.decode()
    assert GiftLinkReader.objects.count() == 2


@pytest.mark.parametrize(
    "cookie", ["short", "x" * 200, "not valid!", "../../etc", "\u00e9" * 20, ""]
)
def test_a_forged_reader_cookie_is_replaced_not_trusted(subscriber, story, cookie):
    link = make_link(subscriber, story)
    browser = Client()
    browser.cookies[READER_COOKIE] = cookie
    response = browser.get(link.get_absolute_url())
    assert SECRET_SENTENCE in response.content.decode()
    key = GiftLinkReader.objects.get().reader_key
    assert key == f"browser:{response.cookies[READER_COOKIE].value}"


@pytest.mark.parametrize("forged", ["replaced", "truncated", "nonsense", "very long"])
def test_a_forged_or_unknown_token_finds_nothing(client, subscriber, story, forged):
    link = make_link(subscriber, story)
    token = {
        "replaced": link.token[:-4] + "AAAA",
        "truncated": link.token[:10],
        "nonsense": "%27OR1%3D1--",
        "very long": "A" * 5000,
    }[forged]
    response = client.get(f"/gift/{token}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "This gift link does not exist" in html
    for passage in [PREVIEW_SENTENCE, SECRET_SENTENCE, story.headline]:
        assert passage not in html
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("state", ["unpublished", "scheduled again"])
def test_a_link_to_a_story_no_longer_published_finds_nothing(client, subscriber, story, state):
    link = make_link(subscriber, story)
    if state == "unpublished":
        story.status = Article.Status.DRAFT
    else:
        story.published_at = timezone.now() + timedelta(days=1)
    story.save()
    response = client.get(link.get_absolute_url())
    assert response.status_code == 404
    assert "This gift link does not exist" in response.content.decode()
    assert SECRET_SENTENCE not in response.content.decode()


def test_the_public_page_of_a_gifted_story_still_shows_anonymous_readers_only_the_preview(
    subscriber, story
):
    link = make_link(subscriber, story)
    browser = Client()
    browser.get(link.get_absolute_url())
    response = browser.get(story.get_absolute_url())
    assert response.status_code == 200
    assert PREVIEW_SENTENCE in response.content.decode()
    assert SECRET_SENTENCE not in response.content.decode()


def test_a_gifted_page_only_ever_answers_get_and_head(subscriber, story):
    link = make_link(subscriber, story)
    response = Client().post(link.get_absolute_url())
    assert response.status_code == 405
    assert SECRET_SENTENCE not in response.content.decode()


# ---------------------------------------------------------------- switching a link off


def test_the_giver_switches_a_link_off_from_the_account_page(giving, subscriber, story):
    link = make_link(subscriber, story)
    account = giving.get("/account/").content.decode()
    assert f'action="/gift/{link.token}/revoke/"' in account
    response = giving.post(f"/gift/{link.token}/revoke/")
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    account = giving.get("/account/").content.decode()
    assert "no longer opens" in account
    assert "Switched off" in account
    assert f'action="/gift/{link.token}/revoke/"' not in account


def test_nobody_else_can_switch_a_link_off(client, reader, subscriber, story):
    link = make_link(subscriber, story)
    client.force_login(reader)
    assert client.post(f"/gift/{link.token}/revoke/").status_code == 404
    assert Client().post(f"/gift/{link.token}/revoke/").status_code == 302  # to sign in
    link.refresh_from_db()
    assert link.revoked_at is None


def test_the_account_page_of_a_reader_who_cannot_gift_has_no_gift_section(client, reader):
    client.force_login(reader)
    response = client.get("/account/")
    assert response.status_code == 200
    assert "Your account" in response.content.decode()
    assert "Gift links" not in response.content.decode()


# ---------------------------------------------------------------- queries


@pytest.mark.parametrize("many", [False, True])
def test_a_gifted_page_costs_the_same_however_many_authors_topics_and_readers(
    subscriber, django_assert_num_queries, many
):
    article = make_article(
        authors=[make_author() for _ in range(5 if many else 1)],
        tags=[make_tag() for _ in range(8 if many else 1)],
    )
    link = make_link(subscriber, article)
    for n in range(20 if many else 0):
        GiftLinkReader.objects.create(link=link, reader_key=f"browser:someone-else-{n:010d}")
    # link with its article, bylines, tags; is this reader known; then under the lock:
    # savepoint, the link's row, the count, the new reader, release; the navigation; more
    # from its section
    with django_assert_num_queries(11):
        assert Client().get(link.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("many", [False, True])
def test_the_account_gift_list_costs_the_same_however_many_links(
    giving, subscriber, django_assert_num_queries, many
):
    for _ in range(15 if many else 1):
        link = make_link(subscriber, make_article())
        GiftLinkReader.objects.create(link=link, reader_key="user:1")
    with django_assert_num_queries(ACCOUNT_PAGE_FOR_A_SUBSCRIBER):
        assert giving.get("/account/").status_code == 200


# session, user, billing state, email addresses, authenticators, sign-ins, the subscription
# panel's queries, newsletters, then the gift links and the quota, the private feed
ACCOUNT_PAGE_FOR_A_SUBSCRIBER = 15  # test_accounts_account_page: 14 + the quota


# ---------------------------------------------------------------- the leak matrix


@pytest.mark.parametrize("state", ["open", "revoked", "expired", "full"])
@pytest.mark.parametrize("kind", ["anonymous", "free reader", "subscriber"])
def test_text_past_the_preview_reaches_a_reader_through_a_link_only_while_it_opens(
    client, django_user_model, subscriber, story, kind, state
):
    giver = django_user_model.objects.create_user(email="giver@example.com")
    link = make_link(
        giver,
        story,
        revoked_at=timezone.now() if state == "revoked" else None,
        expires_at=timezone.now() + timedelta(days=-1 if state == "expired" else 1),
        max_readers=0 if state == "full" else 25,
    )
    if kind == "free reader":
        client.force_login(django_user_model.objects.create_user(email="free@example.com"))
    elif kind == "subscriber":
        client.force_login(subscriber)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert PREVIEW_SENTENCE in html
    # A closed link leaves each reader where the access rule puts them without it.
    may_read = state == "open" or kind == "subscriber"
    for passage in [SECRET_SENTENCE, TAIL]:
        assert (passage in html) is may_read
    headers_of_a_gifted_page(response)
