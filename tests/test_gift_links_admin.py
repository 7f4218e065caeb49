"""Publisher gift links: editors make them in the admin, without a quota, and switch links off."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article, GiftLink
from tests.factories import SECRET_SENTENCE, make_article

pytestmark = pytest.mark.django_db


def form(article, **overrides):
    expires = timezone.localtime() + timedelta(days=3)
    data = {
        "article": article.pk,
        "giver_name": "The Newsroom",
        "max_readers": 500,
        "expires_at_0": expires.strftime("%Y-%m-%d"),
        "expires_at_1": expires.strftime("%H:%M:%S"),
    }
    data.update(overrides)
    return data


def test_an_editor_makes_a_publisher_link_that_no_quota_limits(client, desk_editor, settings):
    settings.GIFT_LINKS_PER_MONTH = 0
    article = make_article()
    client.force_login(desk_editor)
    add = client.get("/admin/articles/giftlink/add/")
    assert add.status_code == 200
    assert 'value="500"' not in add.content.decode()
    assert 'name="giver_name"' in add.content.decode()

    response = client.post("/admin/articles/giftlink/add/", form(article))
    assert response.status_code == 302, response.content.decode()[:3000]
    link = GiftLink.objects.get()
    assert link.from_publisher
    assert link.giver == desk_editor
    assert link.max_readers == 500
    opened = Client().get(link.get_absolute_url()).content.decode()
    assert SECRET_SENTENCE in opened
    assert "The Newsroom gave you this story." in opened

    listing = client.get("/admin/articles/giftlink/").content.decode()
    assert "1 of 500" in listing  # the reader above
    assert "Opens" in listing


def test_a_publisher_link_cannot_be_made_for_a_draft(client, desk_editor):
    draft = make_article(status=Article.Status.DRAFT)
    client.force_login(desk_editor)
    response = client.post("/admin/articles/giftlink/add/", form(draft))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not GiftLink.objects.exists()


def test_editors_switch_links_off_from_the_list(client, desk_editor, subscriber):
    article = make_article()
    link = GiftLink.objects.create(
        article=article,
        giver=subscriber,
        giver_name="Sam",
        max_readers=25,
        expires_at=timezone.now() + timedelta(days=1),
    )
    client.force_login(desk_editor)
    response = client.post(
        "/admin/articles/giftlink/",
        {"action": "switch_off", "_selected_action": [link.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 gift link(s) switched off." in response.content.decode()
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert SECRET_SENTENCE not in Client().get(link.get_absolute_url()).content.decode()


def test_writers_cannot_make_gift_links(client, writer):
    client.force_login(writer)
    assert client.get("/admin/articles/giftlink/add/").status_code == 403
