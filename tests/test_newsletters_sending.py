"""Sending a story: who gets what, fail-closed, never twice, and every batch the same cost."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from articles.models import Article
from newsletters import delivery, sending
from newsletters.models import Delivery, Send
from newsletters.sending import NotSendable, plan, start_send
from subscriptions.models import ComplimentaryAccess
from tests.factories import PREVIEW_SENTENCE, SECRET_SENTENCE, make_article
from tests.newsletter_helpers import make_newsletter, send_and_deliver, subscribed
from tests.stripe_helpers import store_subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsletter():
    return make_newsletter()


def member(django_user_model, email, newsletter, *, paying=False, verified=True):
    user = django_user_model.objects.create_user(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    if paying:
        store_subscription(user, status="active")
    return subscribed(user, newsletter)


@pytest.fixture
def crowd(django_user_model, newsletter):
    paying = [
        member(django_user_model, f"p{n}@example.com", newsletter, paying=True) for n in range(3)
    ]
    free = [member(django_user_model, f"f{n}@example.com", newsletter) for n in range(5)]
    return paying, free


def emails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_the_plan_says_who_gets_the_whole_story_and_who_the_preview(crowd, newsletter):
    article = make_article(access=Article.Access.PAID)
    assert plan(article=article, newsletter=newsletter, segment="everyone") == sending.Plan(3, 5)
    assert plan(article=article, newsletter=newsletter, segment="paying") == sending.Plan(3, 0)
    assert plan(article=article, newsletter=newsletter, segment="free") == sending.Plan(0, 5)
    public = make_article(access=Article.Access.PUBLIC)
    assert plan(article=public, newsletter=newsletter, segment="everyone") == sending.Plan(8, 0)


def test_members_who_unsubscribed_or_never_verified_are_not_counted(
    crowd, newsletter, django_user_model
):
    member(django_user_model, "unverified@example.com", newsletter, verified=False)
    gone = member(django_user_model, "gone@example.com", newsletter)
    gone.newsletter_subscriptions.update(unsubscribed_at=timezone.now())
    other = make_newsletter(name="Other")
    member(django_user_model, "other@example.com", other)
    article = make_article()
    assert plan(article=article, newsletter=newsletter, segment="everyone").total == 8


def test_a_sentence_past_the_break_reaches_every_paying_member_and_no_free_one(
    crowd, newsletter, staff_without_group
):
    paying, free = crowd
    article = make_article(access=Article.Access.PAID)
    send = send_and_deliver(
        article=article, newsletter=newsletter, segment="everyone", by=staff_without_group
    )
    send.refresh_from_db()
    assert send.state == Send.State.DONE
    assert len(mail.outbox) == 8
    for user in paying:
        (message,) = emails_to(user.email)
        for part in (message.body, message.alternatives[0].content):
            assert SECRET_SENTENCE in part and PREVIEW_SENTENCE in part
    for user in free:
        (message,) = emails_to(user.email)
        for part in (message.body, message.alternatives[0].content):
            assert PREVIEW_SENTENCE in part and SECRET_SENTENCE not in part
            assert "This story continues for subscribers" in part
    assert Delivery.objects.filter(state="sent").count() == 8
    assert Delivery.objects.filter(full=True).count() == 3


def test_access_is_decided_when_the_batch_is_sent_not_when_the_send_was_planned(
    crowd, newsletter, staff_without_group, django_user_model
):
    paying, free = crowd
    article = make_article(access=Article.Access.PAID)
    planned = plan(article=article, newsletter=newsletter, segment="everyone")
    # Between the send screen and the worker: one subscription lapses, one comp is granted.
    paying[0].subscriptions.update(status="canceled")
    ComplimentaryAccess.objects.create(user=free[0], reason="Press")
    assert planned == sending.Plan(3, 5)
    send_and_deliver(
        article=article, newsletter=newsletter, segment="everyone", by=staff_without_group
    )
    assert SECRET_SENTENCE not in emails_to(paying[0].email)[0].body
    assert SECRET_SENTENCE in emails_to(free[0].email)[0].body


def test_comps_trials_and_the_past_due_grace_follow_the_entitlement_rule(
    newsletter, staff_without_group, django_user_model, settings
):
    settings.SUBSCRIPTION_GRACE_DAYS = 3
    people = {
        "trial": ("trialing", None, True),
        "grace": ("past_due", timezone.now() - timedelta(days=1), True),
        "lapsed": ("past_due", timezone.now() - timedelta(days=5), False),
    }
    for name, (status, since, _) in people.items():
        user = member(django_user_model, f"{name}@example.com", newsletter)
        store_subscription(user, status=status, **({"past_due_since": since} if since else {}))
    comp = member(django_user_model, "comp@example.com", newsletter)
    ComplimentaryAccess.objects.create(user=comp, reason="Press")
    send_and_deliver(
        article=make_article(), newsletter=newsletter, segment="everyone", by=staff_without_group
    )
    for name, (_, _, full) in people.items():
        assert (SECRET_SENTENCE in emails_to(f"{name}@example.com")[0].body) is full
    assert SECRET_SENTENCE in emails_to("comp@example.com")[0].body


def test_each_email_has_its_members_own_unsubscribe_link_and_one_click_headers(
    crowd, newsletter, staff_without_group, client
):
    paying, free = crowd
    send_and_deliver(
        article=make_article(), newsletter=newsletter, segment="free", by=staff_without_group
    )
    assert len(mail.outbox) == 5
    (message,) = emails_to(free[0].email)
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body and link in message.alternatives[0].content
    assert link not in emails_to(free[1].email)[0].body
    response = client.post(link.split("localhost:8000", 1)[-1], {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not free[0].newsletter_subscriptions.active().exists()


def test_a_story_is_never_sent_twice_to_a_member_of_the_same_newsletter(
    crowd, newsletter, staff_without_group, django_user_model
):
    article = make_article()
    send_and_deliver(
        article=article, newsletter=newsletter, segment="paying", by=staff_without_group
    )
    assert len(mail.outbox) == 3
    late = member(django_user_model, "late@example.com", newsletter)
    assert plan(article=article, newsletter=newsletter, segment="everyone") == sending.Plan(
        0, 6, already=3
    )
    send_and_deliver(
        article=article, newsletter=newsletter, segment="everyone", by=staff_without_group
    )
    assert len(mail.outbox) == 9
    assert len(emails_to(late.email)) == 1
    assert all(len(emails_to(u.email)) == 1 for u in crowd[0])
    with pytest.raises(NotSendable, match="everyone has had it already"):
        start_send(
            article=article, newsletter=newsletter, segment="everyone", by=staff_without_group
        )
    assert len(mail.outbox) == 9


@pytest.mark.parametrize(
    "article_fields",
    [
        {"status": Article.Status.DRAFT},
        {"published_at": timezone.now() + timedelta(days=1)},
    ],
    ids=["draft", "scheduled"],
)
def test_an_unpublished_story_is_refused_and_nothing_is_recorded(
    crowd, newsletter, staff_without_group, article_fields
):
    article = make_article(**article_fields)
    with pytest.raises(NotSendable, match="is not published"):
        start_send(
            article=article, newsletter=newsletter, segment="everyone", by=staff_without_group
        )
    assert not Send.objects.exists() and not Delivery.objects.exists()
    assert mail.outbox == []


def test_a_send_with_nobody_to_receive_it_is_refused(newsletter, staff_without_group):
    with pytest.raises(NotSendable, match="No member of Every story"):
        start_send(
            article=make_article(),
            newsletter=newsletter,
            segment="everyone",
            by=staff_without_group,
        )
    assert not Send.objects.exists()


def test_an_invalid_address_is_skipped_with_a_reason_and_the_rest_are_sent(
    crowd, newsletter, staff_without_group, django_user_model
):
    broken = member(django_user_model, "fine@example.com", newsletter)
    django_user_model.objects.filter(pk=broken.pk).update(email="not an address")
    EmailAddress.objects.filter(user=broken).update(email="not an address")
    send = send_and_deliver(
        article=make_article(), newsletter=newsletter, segment="everyone", by=staff_without_group
    )
    skipped = Delivery.objects.get(send=send, user=broken)
    assert skipped.state == "skipped" and "Not a valid email address" in skipped.error
    assert len(mail.outbox) == 8
    send.refresh_from_db()
    assert send.state == Send.State.DONE


def test_a_member_who_unsubscribes_after_the_send_was_prepared_is_skipped(
    crowd, newsletter, staff_without_group, monkeypatch
):
    paying, free = crowd
    real_claim = delivery.claim

    def unsubscribe_first(send_id):
        free[0].newsletter_subscriptions.update(unsubscribed_at=timezone.now())
        return real_claim(send_id)

    monkeypatch.setattr(delivery, "claim", unsubscribe_first)
    send = send_and_deliver(
        article=make_article(), newsletter=newsletter, segment="everyone", by=staff_without_group
    )
    assert emails_to(free[0].email) == []
    row = Delivery.objects.get(send=send, user=free[0])
    assert row.state == "skipped" and "unsubscribed" in row.error


def test_a_suppressed_address_is_neither_counted_nor_sent_to(
    crowd, newsletter, staff_without_group
):
    from emails.models import Suppression

    paying, free = crowd
    Suppression.objects.create(address=free[0].email, reason="bounced", event_at=timezone.now())
    article = make_article()
    assert plan(article=article, newsletter=newsletter, segment="everyone").total == 7
    send_and_deliver(
        article=article, newsletter=newsletter, segment="everyone", by=staff_without_group
    )
    assert emails_to(free[0].email) == [] and len(mail.outbox) == 7


def test_an_address_suppressed_after_preparing_is_skipped_with_the_reason(
    crowd, newsletter, staff_without_group, monkeypatch
):
    from emails.models import Suppression

    paying, free = crowd
    real_claim = delivery.claim

    def bounce_first(send_id):
        Suppression.objects.get_or_create(
            address=free[1].email, defaults={"reason": "bounced", "event_at": timezone.now()}
        )
        return real_claim(send_id)

    monkeypatch.setattr(delivery, "claim", bounce_first)
    send = send_and_deliver(
        article=make_article(), newsletter=newsletter, segment="everyone", by=staff_without_group
    )
    row = Delivery.objects.get(send=send, user=free[1])
    assert row.state == "skipped" and "suppressed" in row.error
    assert emails_to(free[1].email) == []
