"""A member's page in the admin: subscription history, invoices from Stripe with links to its
dashboard, the emails we sent them, and the actions the viewer may take."""

import pytest
from django.core import mail

from subscriptions.services import sync_subscription
from tests.desk_helpers import desk_staff, member_in
from tests.stripe_helpers import make_plan, subscribe_at_stripe
from tests.users import verified_user

pytestmark = pytest.mark.django_db


def page_of(member) -> str:
    return f"/admin/desk/member/{member.pk}/change/"


@pytest.fixture
def staff(client):
    user = desk_staff()
    client.force_login(user)
    return user


@pytest.fixture
def paying(stripe_standin):
    plan = make_plan(name="Digital")
    member = verified_user("paying@example.com", name="Pat Paying")
    sub = subscribe_at_stripe(member, plan)
    sync_subscription(stripe_subscription_id=sub["id"], user=member)
    return member


def test_the_page_shows_status_subscription_and_the_invoice_linked_to_stripe(client, staff, paying):
    response = client.get(page_of(paying))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Pat Paying" in page
    assert '<dd class="member-status">Paying</dd>' in page
    assert "Digital" in page and "Active" in page
    (invoice, amount) = response.context["invoices"][0]
    assert invoice.status == "paid"
    assert amount == "$9.00"
    assert f'href="https://dashboard.stripe.com/test/invoices/{invoice.id}"' in page


def test_the_page_lists_the_emails_we_sent_the_member(client, staff, paying):
    mail.send_mail("Your receipt", "Thank you.", None, [paying.email])
    mail.send_mail("Someone else's", "Hello.", None, ["other@example.com"])
    assert len(mail.outbox) == 2

    page = client.get(page_of(paying)).content.decode()

    assert "Your receipt" in page
    assert "Someone else" not in page


def test_a_free_member_has_no_invoice_and_no_stripe_call_is_needed(client, staff):
    member = member_in("free", "free@example.com")

    response = client.get(page_of(member))

    assert response.status_code == 200
    assert "No invoice." in response.content.decode()
    assert "No subscription." in response.content.decode()


def test_the_viewer_sees_only_the_actions_they_may_take(client, paying):
    client.force_login(desk_staff("viewer@example.com", codenames=["view_member"]))

    page = client.get(page_of(paying)).content.decode()

    assert "Pat Paying" in page
    for action in ("Give complimentary access", "Cancel the subscription", "Refund the last"):
        assert action not in page


def test_a_writer_cannot_open_a_members_page(client, writer, paying):
    client.force_login(writer)

    assert client.get(page_of(paying)).status_code == 403


def test_a_page_for_no_member_is_a_404(client, staff):
    assert client.get("/admin/desk/member/999999/change/").status_code == 404
    assert client.get("/admin/desk/member/nope/change/").status_code in (302, 404)
