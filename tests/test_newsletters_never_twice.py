"""Never twice: rows are claimed before the provider is called; a worker that dies leaves
claimed rows to be resumed and handed-over rows marked unknown, never resent."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.mail import mailers
from django.utils import timezone

from newsletters import delivery, sending
from newsletters.models import Delivery, Send
from tests.factories import make_article
from tests.newsletter_helpers import make_newsletter, send_and_deliver, subscribed
from tests.stripe_helpers import store_subscription
from tests.task_helpers import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsletter():
    return make_newsletter()


@pytest.fixture
def members(django_user_model, newsletter):
    def make(count, *, start=0):
        users = []
        for n in range(start, start + count):
            user = django_user_model.objects.create_user(email=f"m{n}@example.com")
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            if n % 2:
                store_subscription(user, status="active")
            users.append(subscribed(user, newsletter))
        return users

    return make


def prepared(newsletter, article, staff_without_group, monkeypatch):
    """A send with its deliveries made, and no worker started yet."""
    monkeypatch.setattr(sending, "start_workers", lambda send_id: None)
    send = sending.start_send(
        article=article, newsletter=newsletter, segment="everyone", by=staff_without_group
    )
    run_queued_tasks()
    send.refresh_from_db()
    assert send.state == Send.State.SENDING
    monkeypatch.undo()
    return send


def addressed():
    return sorted(message.to[0] for message in mail.outbox)


def test_a_killed_worker_leaves_claimed_rows_resumed_and_handed_over_rows_unknown(
    members, newsletter, staff_without_group, monkeypatch, settings
):
    settings.NEWSLETTER_BATCH_SIZE = 3
    users = members(10)
    send = prepared(newsletter, make_article(), staff_without_group, monkeypatch)
    # Worker A claimed a batch and died before calling the provider.
    first = delivery.claim(send.pk)
    # Worker B claimed one, marked it handed to the provider, and died before recording.
    second = delivery.claim(send.pk)
    Delivery.objects.filter(claim=second).update(state=Delivery.State.SENDING)
    long_ago = timezone.now() - timedelta(seconds=settings.NEWSLETTER_CLAIM_TIMEOUT + 5)
    Delivery.objects.filter(claim__in=[first, second]).update(claimed_at=long_ago)
    in_doubt = sorted(Delivery.objects.filter(claim=second).values_list("email", flat=True))

    delivery.deliver_send.enqueue(send.pk)
    run_queued_tasks()

    send.refresh_from_db()
    assert send.state == Send.State.DONE
    assert addressed() == sorted(u.email for u in users if u.email not in in_doubt)
    unknown = Delivery.objects.filter(send=send, state=Delivery.State.UNKNOWN)
    assert sorted(unknown.values_list("email", flat=True)) == in_doubt
    assert "not sent again" in unknown.first().error
    counts = delivery.progress(send)
    assert (counts["sent"], counts["unknown"], counts["total"]) == (7, 3, 10)


def test_a_batch_claimed_by_a_live_worker_is_left_alone(
    members, newsletter, staff_without_group, monkeypatch
):
    members(4)
    send = prepared(newsletter, make_article(), staff_without_group, monkeypatch)
    held = delivery.claim(send.pk)  # fresh: its worker is still busy with it
    delivery.deliver_send.enqueue(send.pk)
    run_queued_tasks()
    assert len(mail.outbox) == 0
    assert Delivery.objects.filter(claim=held, state=Delivery.State.CLAIMED).count() == 4
    send.refresh_from_db()
    assert send.state == Send.State.SENDING  # not done while a worker holds rows


def test_the_provider_going_silent_mid_batch_marks_the_rest_unknown_and_sends_on(
    members, newsletter, staff_without_group, monkeypatch, settings
):
    settings.NEWSLETTER_BATCH_SIZE = 4
    members(8)
    backend = type(mailers.default)
    real = backend.send_messages
    calls = []

    def flaky(self, messages):
        calls.append(messages[0].to[0])
        if len(calls) == 2:
            raise ConnectionResetError("connection reset by peer")
        return real(self, messages)

    monkeypatch.setattr(backend, "send_messages", flaky)
    send = send_and_deliver(
        article=make_article(), newsletter=newsletter, segment="everyone", by=staff_without_group
    )
    counts = delivery.progress(send)
    # Only the message handed over without an answer is in doubt; the two after it in its
    # batch were never tried, so they went back in the queue and out with a later batch.
    assert (counts["unknown"], counts["sent"], counts["total"]) == (1, 7, 8)
    assert len(mail.outbox) == 7
    assert calls[1] not in addressed()
    assert Delivery.objects.get(state=Delivery.State.UNKNOWN).email == calls[1]


def test_a_refusal_by_the_provider_is_a_failure_with_its_reason(
    members, newsletter, staff_without_group, monkeypatch
):
    import smtplib

    members(3)
    backend = type(mailers.default)
    real = backend.send_messages

    def refuse_one(self, messages):
        if messages[0].to == ["m1@example.com"]:
            raise smtplib.SMTPRecipientsRefused({"m1@example.com": (550, b"No such user")})
        return real(self, messages)

    monkeypatch.setattr(backend, "send_messages", refuse_one)
    send = send_and_deliver(
        article=make_article(), newsletter=newsletter, segment="everyone", by=staff_without_group
    )
    failed = Delivery.objects.get(send=send, state=Delivery.State.FAILED)
    assert failed.email == "m1@example.com" and "SMTPRecipientsRefused" in failed.error
    assert addressed() == ["m0@example.com", "m2@example.com"]


def test_a_paused_send_sends_nothing_until_resumed(
    members, newsletter, staff_without_group, monkeypatch
):
    members(5)
    send = prepared(newsletter, make_article(), staff_without_group, monkeypatch)
    assert sending.pause(send)
    delivery.deliver_send.enqueue(send.pk)
    run_queued_tasks()
    assert mail.outbox == []
    assert sending.resume(send)
    run_queued_tasks()
    assert len(mail.outbox) == 5
    send.refresh_from_db()
    assert send.state == Send.State.DONE


def test_a_cancelled_send_sends_nothing_more_and_says_how_many_were_left_out(
    members, newsletter, staff_without_group, monkeypatch
):
    members(5)
    send = prepared(newsletter, make_article(), staff_without_group, monkeypatch)
    assert sending.cancel(send) == 5
    delivery.deliver_send.enqueue(send.pk)
    run_queued_tasks()
    assert mail.outbox == []
    assert not sending.resume(send)
    assert sending.cancel(send) is None
    assert delivery.progress(send)["skipped"] == 5


@pytest.mark.parametrize("size", [2, 20])
def test_every_batch_costs_the_same_number_of_queries(
    members, newsletter, staff_without_group, monkeypatch, settings, django_assert_num_queries, size
):
    settings.NEWSLETTER_BATCH_SIZE = size
    members(size)
    send = prepared(newsletter, make_article(), staff_without_group, monkeypatch)
    renderer = delivery.Renderer(send)
    renderer.variant(True), renderer.variant(False)  # rendered once per worker run
    token = delivery.claim(send.pk)
    # load the rows, load the members with their access, mark handed over, record; and the
    # site's email backend reads the suppressed addresses once for the open connection
    with mailers.default as connection, django_assert_num_queries(5):
        assert delivery.deliver(send, token, renderer, connection) == size
