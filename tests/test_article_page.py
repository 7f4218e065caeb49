from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    PREVIEW_SENTENCE,
    SECRET_SENTENCE,
    make_article,
    make_author,
    make_section,
    make_tag,
    paid_body,
)

pytestmark = pytest.mark.django_db


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response, response.content.decode()


def test_anonymous_reader_sees_only_the_preview_and_the_subscribe_call(client):
    article = make_article(headline="Harbour deal", standfirst="What the council agreed.")
    response, html = page(client, article)
    assert "Harbour deal" in html
    assert "What the council agreed." in html
    assert PREVIEW_SENTENCE in html
    assert SECRET_SENTENCE not in html
    assert "This post is for paying subscribers only" in html
    assert "Subscribe now" in html
    assert "Already have an account?" in html
    assert f'/accounts/login/?next={article.get_absolute_url()}"' in html
    assert f'/pricing/?next={article.get_absolute_url()}"' in html


def test_nothing_past_the_preview_reaches_the_page_in_any_form(client):
    # Not hidden by CSS, not in a comment, a data attribute, a meta tag or JSON-LD.
    article = make_article(body=paid_body(secret="Zebra-unique-sentence about the quay."))
    _, html = page(client, article)
    assert PREVIEW_SENTENCE in html
    for fragment in ["Zebra-unique-sentence", "zebra-unique", "the quay", "mayor declined"]:
        assert fragment.lower() not in html.lower()


def test_preview_without_an_explicit_break_shows_the_first_three_blocks(client):
    article = make_article(body=paid_body(explicit_break=False))
    _, html = page(client, article)
    assert "A third paragraph, still in the preview." in html
    assert SECRET_SENTENCE not in html


def test_signed_in_reader_without_subscription_gets_an_upgrade_call(client, reader):
    article = make_article()
    client.force_login(reader)
    _, html = page(client, article)
    assert SECRET_SENTENCE not in html
    assert "This post is for paying subscribers only" in html
    assert "Upgrade to read" in html
    assert "Already have an account?" not in html


def test_subscriber_reads_the_whole_article_with_no_call_to_action(client, subscriber):
    article = make_article()
    client.force_login(subscriber)
    response, html = page(client, article)
    assert PREVIEW_SENTENCE in html
    assert SECRET_SENTENCE in html
    assert "paywall-break" not in html
    assert "This post is for paying subscribers only" not in html
    assert "private" in response["Cache-Control"]


def test_staff_read_the_whole_article(client, staff_without_group):
    article = make_article()
    client.force_login(staff_without_group)
    _, html = page(client, article)
    assert SECRET_SENTENCE in html


def test_registered_article_asks_anonymous_readers_to_sign_up_free(client):
    article = make_article(access=Article.Access.REGISTERED)
    _, html = page(client, article)
    assert SECRET_SENTENCE not in html
    assert "Create a free account to keep reading" in html
    assert f'/accounts/signup/?next={article.get_absolute_url()}"' in html
    assert f'/accounts/login/?next={article.get_absolute_url()}"' in html
    assert "paying subscribers" not in html


def test_registered_article_is_whole_for_any_signed_in_reader(client, reader):
    article = make_article(access=Article.Access.REGISTERED)
    client.force_login(reader)
    _, html = page(client, article)
    assert SECRET_SENTENCE in html


def test_public_article_is_whole_for_everyone(client):
    article = make_article(access=Article.Access.PUBLIC)
    _, html = page(client, article)
    assert SECRET_SENTENCE in html
    assert 'class="paywall"' not in html


def test_anonymous_preview_is_shareable_by_caches_but_varies_on_cookie(client):
    article = make_article()
    response, _ = page(client, article)
    assert "Cookie" in response["Vary"]
    assert "public" in response["Cache-Control"]
    assert "private" not in response["Cache-Control"]


def test_page_shows_byline_date_hero_and_tags(client):
    first, second = make_author(name="Amara Okafor"), make_author(name="Jonas Lindqvist")
    tag = make_tag(name="Housing")
    article = make_article(authors=[second, first], tags=[tag], access=Article.Access.PUBLIC)
    _, html = page(client, article)
    assert html.index("Jonas Lindqvist") < html.index("Amara Okafor")  # byline order kept
    assert f'href="{first.get_absolute_url()}"' in html
    assert f'href="{tag.get_absolute_url()}"' in html
    assert f'datetime="{article.published_at.isoformat()}"' in html


def test_structured_data_never_carries_the_body(client, subscriber):
    article = make_article(seo_description="Short SEO text.")
    _, html = page(client, article)
    json_ld = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert '"isAccessibleForFree": false' in json_ld
    assert "Short SEO text." in json_ld
    assert PREVIEW_SENTENCE not in json_ld
    client.force_login(subscriber)
    _, html = page(client, article)
    json_ld = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert SECRET_SENTENCE not in json_ld


def test_headline_with_markup_cannot_break_out_of_structured_data(client):
    article = make_article(headline="</script><script>alert(1)</script>", access="public")
    _, html = page(client, article)
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text
    assert "<script>alert(1)</script>" not in html


def test_drafts_and_scheduled_articles_are_not_found(client, subscriber):
    draft = make_article(status=Article.Status.DRAFT)
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=2))
    client.force_login(subscriber)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_a_scheduled_article_appears_once_its_time_comes(client, settings):
    scheduled = make_article(published_at=timezone.now() + timedelta(seconds=1))
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    Article.objects.filter(pk=scheduled.pk).update(
        published_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_unknown_slugs_and_wrong_sections_are_not_found(client):
    article = make_article()
    other = make_section()
    assert client.get("/no-such-section/no-such-article/").status_code == 404
    assert client.get(f"/{other.slug}/{article.slug}/").status_code == 404
    assert client.get(f"/{article.section.slug}/{'x' * 300}/").status_code == 404


def test_a_changed_slug_redirects_permanently_to_the_new_address(client):
    article = make_article(slug="old-slug")
    old_url = article.get_absolute_url()
    article.slug = "new-slug"
    article.save()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_a_changed_section_redirects_too(client):
    article = make_article()
    old_url = article.get_absolute_url()
    article.section = make_section(slug="world")
    article.save()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == f"/world/{article.slug}/"


def test_an_old_address_reused_by_the_article_no_longer_redirects(client):
    article = make_article(slug="first")
    article.slug = "second"
    article.save()
    article.slug = "first"
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 200
    response = client.get(article.get_absolute_url().replace("first", "second"))
    assert response.status_code == 301


def test_an_old_address_of_an_unpublished_article_is_not_found(client):
    article = make_article(slug="gone")
    old_url = article.get_absolute_url()
    article.slug = "gone-2"
    article.status = Article.Status.DRAFT
    article.save()
    assert client.get(old_url).status_code == 404


def test_only_get_and_head_are_allowed(client):
    article = make_article()
    assert client.post(article.get_absolute_url()).status_code == 405
    assert client.head(article.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("many", [False, True])
def test_article_page_queries_are_constant_for_anonymous_readers(
    client, django_assert_num_queries, many
):
    authors = [make_author() for _ in range(5 if many else 1)]
    tags = [make_tag() for _ in range(8 if many else 1)]
    article = make_article(authors=authors, tags=tags)
    if many:
        for _ in range(5):
            make_section()
            make_article(section=article.section)
    # article, bylines with authors, tags, navigation sections, more from its section; under
    # the paywall, the longest free trial on sale for its call to action
    with django_assert_num_queries(6):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("many", [False, True])
def test_article_page_queries_are_constant_for_subscribers(
    client, subscriber, django_assert_num_queries, many
):
    authors = [make_author() for _ in range(5 if many else 1)]
    tags = [make_tag() for _ in range(8 if many else 1)]
    article = make_article(authors=authors, tags=tags)
    for _ in range(5 if many else 1):
        make_article(section=article.section)
    client.force_login(subscriber)
    # session, user, the reader's billing state, then the five of the anonymous page
    with django_assert_num_queries(8):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200


def test_staff_see_where_the_paywall_falls_and_a_way_to_edit(client, staff_without_group):
    article = make_article()
    client.force_login(staff_without_group)
    _, html = page(client, article)
    marker = html.index("Readers without access stop here")
    assert html.index(PREVIEW_SENTENCE) < marker < html.index(SECRET_SENTENCE)
    assert f'href="/admin/articles/article/{article.pk}/change/"' in html


def test_subscribers_get_no_staff_tools(client, subscriber):
    article = make_article()
    client.force_login(subscriber)
    _, html = page(client, article)
    assert SECRET_SENTENCE in html  # the subscriber's full article
    assert "Readers without access stop here" not in html
    assert "/admin/" not in html


def test_renaming_a_section_keeps_its_articles_old_addresses_working(client):
    section = make_section(slug="local")
    first, second = make_article(section=section), make_article(section=section)
    old_urls = [first.get_absolute_url(), second.get_absolute_url()]
    section.slug = "city"
    section.save()
    for article, old_url in zip([first, second], old_urls, strict=True):
        response = client.get(old_url)
        assert response.status_code == 301
        assert response["Location"] == f"/city/{article.slug}/"
    assert client.get("/city/").status_code == 200
