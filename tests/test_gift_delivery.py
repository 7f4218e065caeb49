"""The recipient's email goes out on the delivery date, sent by a deferred task on the shared
clock: not before, and not at all for a gift refunded before its day."""

from datetime import timedelta

import pytest
from django.core import mail

from giftsubs import services
from newsroom import clock
from tests.gift_helpers import bought_gift, redeem_path
from tests.stripe_helpers import make_plan
from tests.task_helpers import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(stripe_standin):
    return make_plan(monthly=900, yearly=9000)


def emails_to(address):
    return [m for m in mail.outbox if address in m.to]


def test_a_gift_for_today_is_emailed_at_once_with_its_redeem_link(client, plan, settings):
    gift = bought_gift(client)
    run_queued_tasks()
    (email,) = emails_to("friend@example.com")
    assert email.subject == f"Ada has given you 3 months of {settings.SITE_NAME}"
    assert "Happy birthday!" in email.body
    assert redeem_path(gift) in email.body
    html = email.alternatives[0][0]
    assert "Redeem your gift" in html and redeem_path(gift) in html
    assert 'class="masthead"' in html  # the shared layout
    gift.refresh_from_db()
    assert gift.delivered_at is not None


def test_a_gift_for_a_later_day_waits_until_the_clock_passes_it(client, plan, stripe_standin):
    later = clock.localdate() + timedelta(days=10)
    gift = bought_gift(client, deliver_on=later.isoformat())
    run_queued_tasks()
    assert emails_to("friend@example.com") == []
    stripe_standin.advance(days=9)
    run_queued_tasks()
    assert emails_to("friend@example.com") == []
    stripe_standin.advance(days=1)
    run_queued_tasks()
    assert len(emails_to("friend@example.com")) == 1
    gift.refresh_from_db()
    assert gift.delivered_at is not None
    # Run twice (a worker died after sending): still one email.
    services.deliver(gift)
    run_queued_tasks()
    assert len(emails_to("friend@example.com")) == 1


def test_a_gift_refunded_before_its_day_is_never_sent(
    client, plan, stripe_standin, staff_without_group
):
    gift = bought_gift(client, deliver_on=(clock.localdate() + timedelta(days=3)).isoformat())
    services.refund(gift_id=gift.pk, actor=staff_without_group)
    stripe_standin.advance(days=4)
    run_queued_tasks()
    assert emails_to("friend@example.com") == []
