"""Real `manage.py db_worker` processes send a newsletter to a real SMTP server (a small fake
one on a free port). One is killed mid-send; the next resumes what was never handed over,
marks what was handed over without an answer "unknown", and nobody gets the story twice."""

import signal
import time
from collections import Counter

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from newsletters import sending
from newsletters.models import Delivery, Send
from tests.factories import SECRET_SENTENCE, make_article
from tests.fake_smtp import FakeSMTPServer
from tests.newsletter_helpers import make_newsletter, subscribed
from tests.stripe_helpers import store_subscription
from tests.worker_process import run_worker_batch, start_worker

pytestmark = pytest.mark.django_db(transaction=True)

MEMBERS = 12


@pytest.fixture
def smtp():
    server = FakeSMTPServer(delay=0.0).start()
    yield server
    server.stop()


def smtp_env(server, **extra):
    return {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(server.port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_PROVIDER": "smtp",
        **extra,
    }


@pytest.fixture
def crowd():
    newsletter = make_newsletter()
    users = []
    for n in range(MEMBERS):
        user = get_user_model().objects.create_user(email=f"w{n}@example.com")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        if n % 3 == 0:
            store_subscription(user, status="active")
        users.append(subscribed(user, newsletter))
    return newsletter, users


def body_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_worker_process_sends_each_member_their_share(crowd, smtp):
    newsletter, users = crowd
    send = sending.start_send(
        article=make_article(), newsletter=newsletter, segment="everyone", by=None
    )
    output = run_worker_batch(**smtp_env(smtp))
    send.refresh_from_db()
    assert send.state == Send.State.DONE, output
    received = {addresses[0]: message for addresses, message in smtp.received}
    assert sorted(received) == sorted(u.email for u in users)
    for n, user in enumerate(users):
        assert (SECRET_SENTENCE in body_of(received[user.email])) is (n % 3 == 0)
        assert received[user.email]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_killed_worker_is_resumed_and_nobody_gets_the_story_twice(crowd, smtp):
    newsletter, users = crowd
    smtp.delay = 0.25  # a busy provider: time to stop the worker in the middle
    send = sending.start_send(
        article=make_article(), newsletter=newsletter, segment="everyone", by=None
    )
    small_batches = smtp_env(smtp, NEWSLETTER_BATCH_SIZE="3", NEWSLETTER_PARALLEL_TASKS="1")
    worker = start_worker("--queue-name", "*", "--interval", "0.1", **small_batches)
    deadline = time.monotonic() + 60
    rows = Delivery.objects.filter(send=send)
    # Stop it once some went out and a batch is in the provider's hands.
    while rows.filter(state="sent").count() < 3 or not rows.filter(state="sending").exists():
        assert worker.poll() is None, worker.stdout.read()
        assert time.monotonic() < deadline, "the worker sent nothing"
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    smtp.delay = 0
    held = rows.filter(state__in=["claimed", "sending"]).count()

    # The next worker takes the dead one's task and rows for abandoned after a second.
    time.sleep(1.5)
    output = run_worker_batch(
        timeout=120,
        **smtp_env(smtp, NEWSLETTER_CLAIM_TIMEOUT="1", TASKS_STALE_AFTER="1"),
    )
    send.refresh_from_db()
    assert send.state == Send.State.DONE, output
    states = dict(Delivery.objects.filter(send=send).values_list("email", "state"))
    assert set(states.values()) <= {"sent", "unknown"}, states
    assert 1 <= list(states.values()).count("unknown") <= held
    received = Counter(smtp.recipients())
    assert max(received.values()) == 1  # never twice
    for user in users:
        if states[user.email] == "sent":
            assert received[user.email] == 1
