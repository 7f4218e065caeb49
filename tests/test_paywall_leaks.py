"""The paywall leak matrix: every surface through which article text could leave the server,
for every kind of reader.

Two unique sentences stand past the preview: one after an explicit paywall break, one in an
article without a break, past the first PAYWALL_PREVIEW_BLOCKS blocks. A surface either never
carries them (listings, search, feeds, the sitemap, meta tags, JSON-LD, errors, emails, the
server-side cache), or carries them exactly for the readers the access rule lets read, and then
only in a response no shared cache may store.
"""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from articles.html import PAYWALL_BREAK
from articles.models import Article, PreviewLink
from subscriptions.models import ComplimentaryAccess
from tests.conftest import PASSWORD
from tests.factories import (
    PREVIEW_SENTENCE,
    make_article,
    make_author,
    make_section,
    make_tag,
    paid_body,
)
from tests.stripe_helpers import store_subscription

pytestmark = pytest.mark.django_db

# Past an explicit paywall break.
BREAK_SECRET = "Quokka ledgers show the tender was rigged from the start."
# In an article without a break, past the first three blocks.
BLOCKS_SECRET = "Marmot memos show the auditor resigned before the vote."
# The last block of either body: also past the preview.
TAIL = "The mayor declined to comment."
# Words that appear only past the preview, for search.
SECRET_WORDS = ["quokka", "ledgers", "rigged", "marmot", "auditor", "declined"]
# Text of an article nobody outside the newsroom may see yet.
DRAFT_SENTENCE = "Wombat drafts are not for readers at all."

SHAPES = {"explicit-break": BREAK_SECRET, "first-blocks": BLOCKS_SECRET}
ACCESS_LEVELS = [Article.Access.PAID, Article.Access.REGISTERED, Article.Access.PUBLIC]


def story(*, access=Article.Access.PAID, shape="explicit-break", **kwargs):
    secret = SHAPES[shape]
    body = paid_body(secret=secret, explicit_break=shape == "explicit-break")
    kwargs.setdefault("authors", [make_author()])
    kwargs.setdefault("tags", [make_tag()])
    return make_article(access=access, body=body, **kwargs), secret


def passages(secret):
    return [secret, TAIL]


# ---------------------------------------------------------------- the readers


def _account(django_user_model, email, *, verified=True, **extra):
    user = django_user_model.objects.create_user(email=email, password=PASSWORD, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def _past_due(days):
    def build(user):
        store_subscription(
            user, status="past_due", past_due_since=timezone.now() - timedelta(days=days)
        )

    return build


def _comp(expires_in):
    def build(user):
        expires = None if expires_in is None else timezone.now() + expires_in
        ComplimentaryAccess.objects.create(user=user, reason="Press pass", expires_at=expires)

    return build


def _gift(*, ended: bool):
    """A redeemed gift subscription: three months running now, or three months that ended."""

    def build(user):
        from giftsubs.models import Gift

        now = timezone.now()
        starts = now - timedelta(days=100) if ended else now - timedelta(days=1)
        Gift.objects.create(
            months=3,
            amount=2700,
            currency="usd",
            buyer_email="giver@example.com",
            recipient_email=user.email,
            deliver_on=starts.date(),
            state=Gift.State.REDEEMED,
            paid_at=starts,
            claim_by=starts + timedelta(days=365),
            redeemed_by=user,
            redeemed_at=starts,
            access_starts=starts,
            access_ends=starts + timedelta(days=91),
        )

    return build


def _in_group(name):
    def build(user):
        user.groups.add(Group.objects.get(name=name))

    return build


# kind → (account fields, what they hold, how they arrive)
READERS = {
    "anonymous": None,
    "free reader": ({}, None, "session"),
    "reader with unverified email": ({"verified": False}, None, "login form"),
    "subscriber": ({}, lambda u: store_subscription(u, status="active"), "session"),
    "trialing subscriber": ({}, lambda u: store_subscription(u, status="trialing"), "session"),
    "past_due subscriber within grace": ({}, _past_due(1), "session"),
    "past_due subscriber beyond grace": ({}, _past_due(4), "session"),
    "canceled subscriber": ({}, lambda u: store_subscription(u, status="canceled"), "session"),
    "reader with current complimentary access": ({}, _comp(timedelta(days=1)), "session"),
    "reader with expired complimentary access": ({}, _comp(-timedelta(minutes=1)), "session"),
    "reader with a running gift subscription": ({}, _gift(ended=False), "session"),
    "reader whose gift subscription ended": ({}, _gift(ended=True), "session"),
    "staff": ({"is_staff": True}, _in_group("Editor"), "session"),
    "inactive subscriber": (
        {"is_active": False},
        lambda u: store_subscription(u, status="active"),
        "session",
    ),
    "inactive staff": ({"is_staff": True, "is_active": False}, _in_group("Editor"), "session"),
}

PAYING = {
    "subscriber",
    "trialing subscriber",
    "past_due subscriber within grace",
    "reader with current complimentary access",
    "reader with a running gift subscription",
    "staff",
}
SIGNED_IN = PAYING | {
    "free reader",
    "past_due subscriber beyond grace",
    "canceled subscriber",
    "reader with expired complimentary access",
    "reader whose gift subscription ended",
}
# A reader with an unverified email is held at the verification step: never signed in.
# An inactive account's session is not honoured: the site sees an anonymous visitor.
NOT_SIGNED_IN = set(READERS) - SIGNED_IN


def may_read(kind, access):
    if access == Article.Access.PUBLIC:
        return True
    if access == Article.Access.REGISTERED:
        return kind in SIGNED_IN
    return kind in PAYING


@pytest.fixture
def arrive(django_user_model, settings):
    """A client for a kind of reader, signed in the way that kind of reader would be."""
    settings.SUBSCRIPTION_GRACE_DAYS = 3

    def arrive(kind):
        client = Client()
        if READERS[kind] is None:
            return client
        fields, holds, how = READERS[kind]
        email = f"{kind.replace(' ', '-')}@example.com"
        user = _account(django_user_model, email, **fields)
        if holds:
            holds(user)
        if how == "login form":
            response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
            # Held at "enter the code we sent you": the site does not sign them in.
            assert response.status_code == 302
            assert urlsplit(response["Location"]).path == "/accounts/confirm-email/"
        else:
            client.force_login(user)
        return client

    return arrive


def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


def assert_not_shared(response):
    """A response carrying text past the preview: no shared cache may keep it."""
    directives = cache_control(response)
    assert "private" in directives
    assert "public" not in directives


def head_of(html):
    return html.split("</head>", 1)[0]


def json_ld(html):
    return html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]


# ---------------------------------------------------------------- the article page


@pytest.mark.parametrize("kind", READERS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("access", ACCESS_LEVELS)
def test_the_article_page_carries_text_past_the_preview_only_for_readers_who_may_read_it(
    arrive, access, shape, kind
):
    article, secret = story(access=access, shape=shape)
    client = arrive(kind)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert PREVIEW_SENTENCE in html
    for passage in passages(secret):
        assert (passage in html) is may_read(kind, access)
    # Meta description, Open Graph, the title and JSON-LD never carry the body.
    for passage in [PREVIEW_SENTENCE, *passages(secret)]:
        assert passage not in head_of(html)
        assert passage not in json_ld(html)
    assert "Cookie" in response["Vary"]
    if access != Article.Access.PUBLIC and may_read(kind, access):
        assert_not_shared(response)
    if kind in NOT_SIGNED_IN:
        # The one page every visitor without a session gets, shared by caches per cookie.
        assert "public" in cache_control(response)


@pytest.mark.parametrize("kind", READERS)
def test_a_head_request_follows_the_same_rule_and_cache_headers_as_a_get(arrive, kind, monkeypatch):
    # The test client drops a HEAD response's body as servers do; look at what Django made.
    monkeypatch.setattr("django.test.client.conditional_content_removal", lambda req, resp: resp)
    article, secret = story()
    client = arrive(kind)
    got = client.get(article.get_absolute_url())
    head = client.head(article.get_absolute_url())
    assert head.status_code == 200
    assert (secret in head.content.decode()) is may_read(kind, Article.Access.PAID)
    assert cache_control(head) == cache_control(got)
    assert head["Vary"] == got["Vary"]


@pytest.mark.parametrize("kind", READERS)
def test_an_old_address_redirects_without_text_and_the_new_one_keeps_the_rule(arrive, kind):
    article, secret = story(slug="old-harbour")
    old_url = article.get_absolute_url()
    article.slug = "new-harbour"
    article.save()
    client = arrive(kind)
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert secret not in response.content.decode()
    followed = client.get(old_url, follow=True).content.decode()
    assert (secret in followed) is may_read(kind, Article.Access.PAID)


def test_an_anonymous_preview_is_one_shared_page_that_varies_on_cookie(client):
    article, secret = story()
    response = client.get(article.get_absolute_url())
    assert secret not in response.content.decode()
    assert "public" in cache_control(response)
    assert "Cookie" in response["Vary"]


@pytest.mark.parametrize(
    "variant",
    [
        "{url}?format=json",
        "{url}?format=amp",
        "{url}?amp=1",
        "{url}?print=1",
        "{url}?page=2",
        "{url}?access=public",
        "{url}?preview=1",
        "{bare}",
        "{url}/",
        "{upper}",
        "{url}feed/",
        "{url}index.html",
    ],
)
def test_no_address_variant_shows_an_anonymous_reader_more(client, variant):
    article, secret = story()
    url = article.get_absolute_url()
    path = variant.format(url=url, bare=url.rstrip("/"), upper=url.upper())
    response = client.get(path, follow=True)
    assert response.status_code in {200, 404}
    for passage in passages(secret):
        assert passage not in response.content.decode()


def test_asking_for_json_still_gets_only_the_preview(client):
    article, secret = story()
    response = client.get(article.get_absolute_url(), headers={"accept": "application/json"})
    assert response.status_code == 200
    assert secret not in response.content.decode()


@pytest.mark.parametrize("blocks", [0, -1, -4])
def test_a_zero_or_negative_preview_length_never_shows_the_end_of_the_story(
    client, settings, blocks
):
    # PAYWALL_PREVIEW_BLOCKS comes from the environment; -1 must not mean "all but the last".
    settings.PAYWALL_PREVIEW_BLOCKS = blocks
    article, secret = story(shape="first-blocks")
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert article.headline in html
    for passage in [PREVIEW_SENTENCE, *passages(secret)]:
        assert passage not in html


@pytest.mark.parametrize("kind", ["anonymous", "subscriber", "staff"])
@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_unpublished_articles_are_not_found_by_any_reader_on_the_public_page(arrive, kind, state):
    if state == "draft":
        article, secret = story(status=Article.Status.DRAFT)
    else:
        article, secret = story(published_at=timezone.now() + timedelta(hours=2))
    response = arrive(kind).get(article.get_absolute_url())
    assert response.status_code == 404
    html = response.content.decode()
    assert PREVIEW_SENTENCE not in html
    assert secret not in html
    assert article.headline not in html


# ---------------------------------------------------------------- short and one-block bodies

# One sentence in the only block, or the second of two: past the preview by the half rule.
SHORT_SECRET = "Ibex receipts show the harbour fund paid the same invoice twice."
SHORT_BODIES = {
    "one paragraph": f"<p>{SHORT_SECRET}</p>",
    "one paragraph with line breaks": f"<p>First line.<br>{SHORT_SECRET}<br>Last line.</p>",
    "one list": f"<ul><li>First item.</li><li>{SHORT_SECRET}</li></ul>",
    "heading and paragraph": f"<h2>A heading</h2><p>{SHORT_SECRET}</p>",
    "three paragraphs": f"<p>Opening.</p><p>{SHORT_SECRET}</p><p>Closing.</p>",
    "break after the last block": f"<p>Opening.</p><p>{SHORT_SECRET}</p>{PAYWALL_BREAK}",
}


@pytest.mark.parametrize("kind", ["anonymous", "free reader", "subscriber", "canceled subscriber"])
@pytest.mark.parametrize("shape", SHORT_BODIES)
@pytest.mark.parametrize("access", [Article.Access.PAID, Article.Access.REGISTERED])
def test_a_short_or_one_block_body_never_reaches_a_reader_without_access_whole(
    arrive, access, shape, kind
):
    article = make_article(
        access=access, body=SHORT_BODIES[shape], authors=[make_author()], tags=[make_tag()]
    )
    client = arrive(kind)
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert article.headline in html
    assert (SHORT_SECRET in html) is may_read(kind, access)
    assert SHORT_SECRET not in head_of(html)
    assert SHORT_SECRET not in json_ld(html)
    # Every other surface that lists the article: listed, and never with the hidden sentence.
    for url in ["/", article.section.get_absolute_url(), "/feed/", "/search/?q=headline"]:
        response = client.get(url)
        assert response.status_code == 200
        assert article.headline in response.content.decode()
        assert SHORT_SECRET not in response.content.decode()
    found = client.get("/search/", {"q": "ibex"})
    assert found.context["page"].paginator.count == 0


@pytest.mark.parametrize("shape", SHORT_BODIES)
def test_a_short_or_one_block_story_as_a_newsletter_email_carries_only_the_preview(shape):
    from newsletters.emails import render_story
    from tests.newsletter_helpers import make_newsletter

    article = make_article(body=SHORT_BODIES[shape])
    newsletter = make_newsletter()
    email = render_story(article, newsletter=newsletter, full=False, unsubscribe_url="https://x/u")
    for part in (email.html, email.text):
        assert article.headline in part
        assert SHORT_SECRET not in part
    full = render_story(article, newsletter=newsletter, full=True, unsubscribe_url="https://x/u")
    assert SHORT_SECRET in full.html


# ---------------------------------------------------------------- listings, search, feeds


LISTING_READERS = ["anonymous", "free reader", "subscriber", "staff"]


@pytest.fixture
def newsroom():
    """Published stories of each access level and shape, a draft and a scheduled story."""
    section = make_section(name="Harbour", slug="harbour")
    author = make_author(name="Ada Quill", slug="ada-quill")
    tag = make_tag(name="Council", slug="council")
    common = {"section": section, "authors": [author], "tags": [tag]}
    published = [
        story(access=access, shape=shape, headline=f"Story {access} {shape}", **common)[0]
        for access in ACCESS_LEVELS
        for shape in SHAPES
    ]
    draft = make_article(
        status=Article.Status.DRAFT,
        headline="Draft headline",
        standfirst="Draft standfirst.",
        body=f"<p>{DRAFT_SENTENCE}</p>",
        **common,
    )
    scheduled = make_article(
        published_at=timezone.now() + timedelta(hours=2),
        headline="Scheduled headline",
        standfirst="Scheduled standfirst.",
        body=f"<p>{DRAFT_SENTENCE}</p>",
        **common,
    )
    return published, [draft, scheduled]


LISTINGS = {
    "home": "/",
    "section page": "/harbour/",
    "author page": "/authors/ada-quill/",
    "tag page": "/tags/council/",
    "search for a headline word": "/search/?q=story",
    "search for a topic": "/search/?q=council",
    "feed": "/feed/",
    "section feed": "/harbour/feed/",
    # The index lists files; the test's articles (ids below 50,000) are all in the first.
    "sitemap": "/sitemap-articles-1.xml",
}


@pytest.mark.parametrize("kind", LISTING_READERS)
@pytest.mark.parametrize("surface", LISTINGS)
def test_listings_search_feeds_and_the_sitemap_never_carry_the_body(
    arrive, newsroom, surface, kind
):
    published, unpublished = newsroom
    response = arrive(kind).get(LISTINGS[surface])
    assert response.status_code == 200
    text = response.content.decode()
    for article in published:
        # Listed (so the check means something), but never its body, not even the preview.
        listed = article.headline if surface != "sitemap" else article.get_absolute_url()
        assert listed in text
    for passage in [PREVIEW_SENTENCE, BREAK_SECRET, BLOCKS_SECRET, TAIL, DRAFT_SENTENCE]:
        assert passage not in text
    for article in unpublished:
        assert article.headline not in text
        assert article.get_absolute_url() not in text
    assert "Cookie" in response.get("Vary", "") or surface in {"feed", "section feed", "sitemap"}


@pytest.mark.parametrize("kind", LISTING_READERS)
@pytest.mark.parametrize("word", SECRET_WORDS)
def test_searching_for_a_word_past_the_preview_finds_nothing(arrive, newsroom, word, kind):
    # Public stories are searched by their whole text (issue 16): everyone may read them.
    # A registered or paid story is never found by a word past its preview.
    published, _ = newsroom
    response = arrive(kind).get("/search/", {"q": word})
    assert response.status_code == 200
    html = response.content.decode()
    public = [a for a in published if a.access == Article.Access.PUBLIC and word in a.body.lower()]
    for article in published:
        if article not in public:
            assert article.headline not in html
    assert response.context["page"].paginator.count == len(public)
    for passage in [BREAK_SECRET, BLOCKS_SECRET, TAIL]:
        assert passage not in html


def test_searching_for_a_whole_sentence_past_the_preview_finds_nothing(client, newsroom):
    published, _ = newsroom
    html = client.get("/search/", {"q": BREAK_SECRET}).content.decode()
    for article in published:
        if article.access != Article.Access.PUBLIC:
            assert article.headline not in html
    # Only the public story with that sentence, shown by its teaser, never by the sentence.
    assert "Story public explicit-break" in html
    assert BREAK_SECRET not in html


# ---------------------------------------------------------------- staff previews and view-as


@pytest.fixture
def unpublished_story():
    return story(status=Article.Status.DRAFT)


@pytest.mark.parametrize("kind", READERS)
def test_the_staff_preview_shows_the_whole_article_to_staff_only(arrive, unpublished_story, kind):
    article, secret = unpublished_story
    client = arrive(kind)
    response = client.get(f"/preview/{article.pk}/")
    if kind == "staff":
        assert response.status_code == 200
        assert secret in response.content.decode()
        assert cache_control(response) == {"private", "no-store"}
    else:
        assert response.status_code == 302
        assert "/login/" in response["Location"]
        assert secret not in response.content.decode()
        followed = client.get(f"/preview/{article.pk}/", follow=True).content.decode()
        assert secret not in followed
        assert PREVIEW_SENTENCE not in followed


@pytest.mark.parametrize("published", [False, True], ids=["draft", "published"])
@pytest.mark.parametrize("persona", ["anonymous", "reader", "subscriber"])
@pytest.mark.parametrize("access", ACCESS_LEVELS)
def test_view_as_shows_staff_exactly_what_that_reader_would_get(arrive, access, persona, published):
    status = Article.Status.PUBLISHED if published else Article.Status.DRAFT
    article, secret = story(access=access, status=status)
    response = arrive("staff").get(f"/preview/{article.pk}/as/{persona}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert PREVIEW_SENTENCE in html
    persona_kind = {"anonymous": "anonymous", "reader": "free reader"}.get(persona, persona)
    for passage in passages(secret):
        # Anonymous shows only the preview although the one looking is staff.
        assert (passage in html) is may_read(persona_kind, access)
    assert cache_control(response) == {"private", "no-store"}


@pytest.mark.parametrize("kind", sorted(set(READERS) - {"staff"}))
@pytest.mark.parametrize("persona", ["anonymous", "reader", "subscriber"])
def test_view_as_is_for_staff_only(arrive, unpublished_story, persona, kind):
    article, secret = unpublished_story
    client = arrive(kind)
    response = client.get(f"/preview/{article.pk}/as/{persona}/")
    assert response.status_code == 302
    assert secret not in response.content.decode()
    followed = client.get(f"/preview/{article.pk}/as/{persona}/", follow=True)
    assert secret not in followed.content.decode()


# ---------------------------------------------------------------- secret preview links


def test_an_active_secret_link_shows_a_draft_whole_and_privately(client, unpublished_story):
    article, secret = unpublished_story
    link = PreviewLink.objects.create(article=article)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    assert secret in response.content.decode()
    assert cache_control(response) == {"private", "no-store"}


def test_an_active_secret_link_shows_a_scheduled_article_whole(client):
    article, secret = story(published_at=timezone.now() + timedelta(hours=2))
    link = PreviewLink.objects.create(article=article)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    assert secret in response.content.decode()


@pytest.mark.parametrize("kind", ["anonymous", "free reader", "subscriber"])
@pytest.mark.parametrize("access", [Article.Access.PAID, Article.Access.REGISTERED])
@pytest.mark.parametrize("how", ["published by an editor", "its scheduled time came"])
def test_a_secret_link_to_a_published_article_gives_no_more_than_the_paywall(
    arrive, how, access, kind
):
    # A link handed out for review before publication must not become a way around the
    # paywall once the story is out: it sends the reader to the public page and its rule.
    if how == "published by an editor":
        article, secret = story(access=access, status=Article.Status.DRAFT)
        link = PreviewLink.objects.create(article=article)
        article.status = Article.Status.PUBLISHED
        article.save()
    else:
        article, secret = story(access=access, published_at=timezone.now() + timedelta(hours=1))
        link = PreviewLink.objects.create(article=article)
        Article.objects.filter(pk=article.pk).update(
            published_at=timezone.now() - timedelta(seconds=1)
        )
    client = arrive(kind)
    response = client.get(link.get_absolute_url())
    assert secret not in response.content.decode()
    followed = client.get(link.get_absolute_url(), follow=True)
    assert followed.status_code == 200
    html = followed.content.decode()
    assert PREVIEW_SENTENCE in html
    assert (secret in html) is may_read(kind, access)


@pytest.mark.parametrize("link_state", ["revoked", "unknown"])
@pytest.mark.parametrize("kind", ["anonymous", "free reader", "subscriber"])
def test_a_revoked_or_unknown_secret_link_shows_nothing(
    arrive, unpublished_story, link_state, kind
):
    article, secret = unpublished_story
    link = PreviewLink.objects.create(article=article)
    if link_state == "revoked":
        link.revoke()
        url = link.get_absolute_url()
    else:
        url = link.get_absolute_url().replace(link.token, link.token[:-4] + "AAAA")
    response = arrive(kind).get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert secret not in html
    assert PREVIEW_SENTENCE not in html


# ---------------------------------------------------------------- the admin


ADMIN_PAGES = [
    "/admin/",
    "/admin/articles/article/",
    "/admin/articles/article/?q=quokka",
    "/admin/articles/article/{pk}/change/",
    "/admin/articles/article/{pk}/history/",
    "/admin/articles/article/recover/",
    "/admin/articles/article/{pk}/preview-links/new/",
    "/admin/r/{ct}/{pk}/",
]


@pytest.mark.parametrize(
    "kind",
    ["anonymous", "free reader", "subscriber", "inactive staff", "reader with unverified email"],
)
@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_the_admin_shows_nothing_to_anyone_but_staff(arrive, page, kind):
    from django.contrib.contenttypes.models import ContentType

    article, secret = story()
    ct = ContentType.objects.get_for_model(Article).pk
    client = arrive(kind)
    response = client.get(page.format(pk=article.pk, ct=ct), follow=True)
    html = response.content.decode()
    # Sent to sign in (or, mid sign-in, to confirm the email first); never into the admin.
    assert response.redirect_chain
    final = urlsplit(response.redirect_chain[-1][0]).path
    assert final == "/admin/login/" or not final.startswith("/admin/")
    for passage in [PREVIEW_SENTENCE, secret, TAIL]:
        assert passage not in html


# ---------------------------------------------------------------- errors


def test_a_server_error_while_serving_a_subscriber_shows_no_article_text(subscriber, monkeypatch):
    article, secret = story()

    def fail(request, response):
        assert secret in response.content.decode()  # the page was made, then the error
        raise RuntimeError("boom")

    monkeypatch.setattr("articles.views._reader_cache_headers", fail)
    client = Client(raise_request_exception=False)
    client.force_login(subscriber)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 500
    html = response.content.decode()
    assert secret not in html
    assert PREVIEW_SENTENCE not in html


def test_a_refused_method_shows_no_article_text(client):
    article, secret = story()
    for method in (client.post, client.put, client.delete, client.options):
        response = method(article.get_absolute_url())
        assert response.status_code == 405
        assert secret not in response.content.decode()


@pytest.mark.parametrize(
    "page", ["/accounts/login/", "/accounts/signup/", "/accounts/login/code/", "/pricing/"]
)
def test_pages_that_lead_back_to_an_article_carry_none_of_it(client, page):
    article, secret = story()
    response = client.get(page, {"next": article.get_absolute_url()})
    assert response.status_code == 200
    for passage in [PREVIEW_SENTENCE, *passages(secret)]:
        assert passage not in response.content.decode()


# ---------------------------------------------------------------- emails


def test_emails_sent_on_the_way_to_an_article_carry_no_article_text(client, reader):
    article, secret = story()
    url = article.get_absolute_url()
    client.post(
        f"/accounts/signup/?next={url}", {"email": "new@example.com", "password1": "x9!Kq2#vLm0p"}
    )
    Client().post(f"/accounts/login/code/?next={url}", {"email": reader.email})
    Client().post("/accounts/password/reset/", {"email": reader.email})
    assert len(mail.outbox) >= 2
    for message in mail.outbox:
        parts = [message.subject, message.body] + [
            content for content, _ in getattr(message, "alternatives", [])
        ]
        for part in parts:
            for passage in [PREVIEW_SENTENCE, secret, TAIL]:
                assert passage not in str(part)


# ---------------------------------------------------------------- Django's cache


def _cached_values():
    """Every value in the default cache, as bytes, whichever backend holds it."""
    backend = cache._cache if hasattr(cache, "_cache") else None
    if isinstance(backend, dict):  # local memory
        return [bytes(value) for value in backend.values()]
    client = cache._cache.get_client(None, write=False)  # redis
    prefix = cache.make_key("")
    values = []
    for key in client.scan_iter(match=f"{prefix.split(':', 1)[0]}*"):
        value = client.get(key)
        if isinstance(value, bytes):
            values.append(value)
    return values


@pytest.mark.parametrize("kind", sorted(PAYING))
def test_no_page_a_paying_reader_was_served_is_kept_in_the_cache_for_anyone_else(arrive, kind):
    article, secret = story()
    link = PreviewLink.objects.create(article=story(status=Article.Status.DRAFT)[0])
    client = arrive(kind)
    assert secret in client.get(article.get_absolute_url()).content.decode()
    client.get(link.get_absolute_url())
    assert not any(secret.encode() in value for value in _cached_values())
    assert secret not in Client().get(article.get_absolute_url()).content.decode()
    # The look was real: what is cached is found.
    cache.set("leak-probe", secret)
    assert any(secret.encode() in value for value in _cached_values())


# ---------------------------------------------------------------- media


@pytest.mark.parametrize("path", ["/media/", "/media/articles/", "/media/heroes/"])
def test_the_media_folder_lists_nothing(client, path):
    response = client.get(path)
    assert response.status_code == 404


# ---------------------------------------------------------------- newsletter emails


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("access", ACCESS_LEVELS)
def test_a_newsletter_carries_text_past_the_preview_only_to_members_who_may_read_it(
    arrive, access, shape, staff_without_group
):
    from newsletters.models import Source
    from newsletters.sending import start_send
    from newsletters.services import subscribe
    from tests.newsletter_helpers import make_newsletter
    from tests.task_helpers import run_queued_tasks

    newsletter = make_newsletter()
    kinds = [kind for kind in READERS if READERS[kind] is not None]
    for kind in kinds:
        arrive(kind)
    for user in type(staff_without_group).objects.exclude(pk=staff_without_group.pk):
        subscribe(user=user, newsletters=[newsletter], source=Source.IMPORT)
    article, secret = story(access=access, shape=shape)
    mail.outbox.clear()
    start_send(article=article, newsletter=newsletter, segment="everyone", by=staff_without_group)
    run_queued_tasks()

    by_address = {message.to[0]: message for message in mail.outbox}
    # Unverified and inactive members get nothing at all.
    receiving = [kind for kind in kinds if kind in SIGNED_IN]
    assert sorted(by_address) == sorted(f"{k.replace(' ', '-')}@example.com" for k in receiving)
    for kind in receiving:
        message = by_address[f"{kind.replace(' ', '-')}@example.com"]
        html = message.alternatives[0].content
        for part in (message.body, html):
            assert PREVIEW_SENTENCE in part
            for passage in passages(secret):
                assert (passage in part) is may_read(kind, access), (kind, passage)


# ---------------------------------------------------------------- the private RSS feed

# A feed belongs to an account: every kind of reader who has one (inactive accounts' feeds are
# not found at all).
FEED_OWNERS = sorted(SIGNED_IN | {"inactive subscriber", "inactive staff"})


@pytest.mark.parametrize("kind", FEED_OWNERS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("access", ACCESS_LEVELS)
def test_a_private_feed_carries_text_past_the_preview_only_while_its_owner_may_read_it(
    django_user_model, settings, access, shape, kind
):
    from readers.models import PrivateFeed

    settings.SUBSCRIPTION_GRACE_DAYS = 3
    article, secret = story(access=access, shape=shape)
    fields, holds, _ = READERS[kind]
    user = _account(django_user_model, f"{kind.replace(' ', '-')}@example.com", **fields)
    if holds:
        holds(user)
    response = Client().get(PrivateFeed.objects.create(user=user).get_absolute_url())
    if not user.is_active:
        assert response.status_code == 404
        assert secret not in response.content.decode()
        return
    assert response.status_code == 200
    xml = response.content.decode()
    assert article.headline in xml
    assert PREVIEW_SENTENCE in xml
    for passage in passages(secret):
        assert (passage in xml) is may_read(kind, access)
    assert_not_shared(response)
    assert "no-store" in cache_control(response)


@pytest.mark.parametrize("token", ["", "x", "not-the-token", "%00", "a" * 300])
def test_a_bad_or_old_private_feed_token_shows_no_text(client, subscriber, token):
    from readers.models import PrivateFeed

    article, secret = story()
    feed = PrivateFeed.objects.create(user=subscriber)
    good = client.get(feed.get_absolute_url())
    assert good.status_code == 200
    assert secret in good.content.decode()
    old_url = feed.get_absolute_url()
    client.force_login(subscriber)
    client.post("/account/feed/rotate/")
    client.logout()
    for url in [old_url, f"/feed/private/{token}/"]:
        response = client.get(url)
        assert response.status_code in {400, 404}
        assert secret not in response.content.decode()
        assert article.headline not in response.content.decode()


# ---------------------------------------------------------------- imported stories' old addresses


@pytest.mark.parametrize("kind", ["anonymous", "free reader", "subscriber", "canceled subscriber"])
@pytest.mark.parametrize(
    ("source", "old_url", "secret"),
    [
        (
            "ghost",
            "/council-vote/",
            "Harbour minutes show the vote was decided before the meeting.",
        ),
        ("substack", "/p/the-budget-gap", "Ledger pages show the shortfall was known in October."),
    ],
)
def test_an_imported_storys_old_address_redirects_without_text(
    arrive, kind, source, old_url, secret
):
    from content_import.bundle import Bundle
    from tests.content_import_helpers import GHOST_SAMPLE, SUBSTACK_ZIP, import_now

    sample = GHOST_SAMPLE if source == "ghost" else SUBSTACK_ZIP
    import_now(Bundle.from_path(sample), section=make_section(slug="harbour"), source=source)
    client = arrive(kind)
    first = client.get(old_url)
    assert first.status_code == 301
    assert secret not in first.content.decode()
    followed = client.get(old_url, follow=True)
    assert followed.status_code == 200
    assert all(code == 301 for _, code in followed.redirect_chain)
    article = Article.objects.get(slug=old_url.rstrip("/").rsplit("/", 1)[-1])
    assert followed.redirect_chain[-1][0] == article.get_absolute_url()
    html = followed.content.decode()
    assert article.headline in html
    assert (secret in html) is may_read(kind, Article.Access.PAID)
