"""The admin's list of Stripe events: pending, failed and processed ones with their error and
attempts, and a Retry (action and button) only for staff allowed to, written to the audit log."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from desk.models import AuditEntry
from subscriptions.models import StripeEvent, Subscription
from tests.stripe_helpers import event, make_plan, subscribe_at_stripe
from tests.task_helpers import run_queued_tasks
from tests.users import verified_user

pytestmark = pytest.mark.django_db

LIST = "/admin/subscriptions/stripeevent/"


def staff_who_may(*codenames):
    user = verified_user(f"staff-{'-'.join(codenames)}@example.com", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="subscriptions", codename__in=codenames)
    )
    return user


@pytest.fixture
def operator():
    return staff_who_may("view_stripeevent", "retry_stripeevent")


@pytest.fixture
def onlooker():
    return staff_who_may("view_stripeevent")


@pytest.fixture
def three_events(stripe_standin, reader):
    """One processed, one failed after its attempts (Stripe unreachable), one pending."""
    sub = subscribe_at_stripe(reader, make_plan())
    payload = event("customer.subscription.created", sub, event_id="evt_failed")
    failed = StripeEvent.objects.create(
        event_id="evt_failed",
        type=payload["type"],
        payload=json.dumps(payload),
        attempts=8,
        last_error="APIConnectionError: Stripe could not be reached",
        gave_up_at=timezone.now(),
    )
    StripeEvent.objects.create(
        event_id="evt_done", type="invoice.paid", processed_at=timezone.now(), attempts=1
    )
    StripeEvent.objects.create(event_id="evt_waiting", type="invoice.paid", attempts=2)
    return failed


@pytest.mark.parametrize(
    ("status", "shown", "hidden"),
    [
        ("failed", "evt_failed", ["evt_done", "evt_waiting"]),
        ("pending", "evt_waiting", ["evt_done", "evt_failed"]),
        ("processed", "evt_done", ["evt_failed", "evt_waiting"]),
    ],
)
def test_the_list_filters_events_by_status(client, operator, three_events, status, shown, hidden):
    client.force_login(operator)
    page = client.get(LIST, {"status": status})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Select stripe event to view" in text
    assert shown in text
    for event_id in hidden:
        assert event_id not in text


def test_the_list_shows_the_error_and_the_attempts(client, operator, three_events):
    client.force_login(operator)
    text = client.get(LIST, {"status": "failed"}).content.decode()
    assert "APIConnectionError: Stripe could not be reached" in text
    assert '<td class="field-attempts">8</td>' in text


def test_retrying_a_failed_event_applies_it_and_is_written_to_the_audit_log(
    client, operator, three_events
):
    client.force_login(operator)
    response = client.post(
        LIST,
        {"action": "retry_selected", "_selected_action": [three_events.pk]},
        follow=True,
    )
    assert "Queued 1 event(s) to be processed again." in response.content.decode()
    again = StripeEvent.objects.get(pk=three_events.pk)
    assert (again.status, again.attempts) == ("pending", 0)
    run_queued_tasks()
    assert StripeEvent.objects.get(pk=three_events.pk).status == "processed"
    assert Subscription.objects.get().status == "active"
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.target_label) == (
        operator,
        "stripe_event.retry",
        "evt_failed",
    )


def test_the_retry_button_on_an_events_page_retries_it(client, operator, three_events):
    client.force_login(operator)
    page = client.get(f"{LIST}{three_events.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "This event is failed: APIConnectionError" in text
    assert '<button type="submit" class="button">Retry</button>' in text
    response = client.post(f"{LIST}{three_events.pk}/retry/")
    assert response.status_code == 302
    run_queued_tasks()
    assert StripeEvent.objects.get(pk=three_events.pk).status == "processed"
    assert AuditEntry.objects.filter(action="stripe_event.retry").count() == 1


def test_a_processed_event_is_not_retried(client, operator, three_events):
    client.force_login(operator)
    done = StripeEvent.objects.get(event_id="evt_done")
    response = client.post(
        LIST, {"action": "retry_selected", "_selected_action": [done.pk]}, follow=True
    )
    assert "Left 1 event(s) that were processed already." in response.content.decode()
    assert StripeEvent.objects.get(pk=done.pk).status == "processed"
    assert not AuditEntry.objects.exists()


def test_staff_who_may_only_look_get_no_retry(client, onlooker, three_events):
    client.force_login(onlooker)
    page = client.get(f"{LIST}{three_events.pk}/change/")
    assert page.status_code == 200
    assert "evt_failed" in page.content.decode()
    assert ">Retry</button>" not in page.content.decode()
    assert "retry_selected" not in client.get(LIST).content.decode()
    # A hand-made POST gets no further than a click.
    assert client.post(f"{LIST}{three_events.pk}/retry/").status_code == 403
    client.post(LIST, {"action": "retry_selected", "_selected_action": [three_events.pk]})
    assert StripeEvent.objects.get(pk=three_events.pk).status == "failed"
    assert not AuditEntry.objects.exists()


def test_the_retry_address_refuses_a_get(client, operator, three_events):
    client.force_login(operator)
    assert client.get(f"{LIST}{three_events.pk}/retry/").status_code == 405
    assert StripeEvent.objects.get(pk=three_events.pk).status == "failed"
