"""The admin's members list: readers with status, plan, member since, newsletters and where
they signed up from; filters on each, search by email or name; a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from desk.models import MemberNote
from newsletters.models import Newsletter, Source
from newsletters.services import subscribe
from subscriptions.models import Plan
from tests.desk_helpers import desk_staff, member_in
from tests.users import verified_user

pytestmark = pytest.mark.django_db

URL = "/admin/desk/member/"


@pytest.fixture
def staff(client):
    user = desk_staff()
    client.force_login(user)
    return user


@pytest.fixture
def weekly():
    return Newsletter.objects.create(name="The Weekly", sender_name="The Newsroom")


@pytest.fixture
def digital():
    return Plan.objects.create(name="Digital", monthly_price_id="price_m")


def rows(response) -> list[str]:
    return [member.email for member in response.context["cl"].result_list]


def test_the_list_shows_each_readers_status_plan_newsletters_and_origin(
    client, staff, weekly, digital
):
    paying = member_in("paying", "paying@example.com", plan=digital, source="article")
    subscribe(user=paying, newsletters=[weekly], source=Source.SIGNUP)
    imported = member_in("complimentary", "imported@example.com")
    MemberNote.objects.create(user=imported, imported_from="ghost")

    response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Select member to view" in page
    row = page[page.index("paying@example.com") :].split("</tr>")[0]
    for cell in ("Paying", "Digital", "The Weekly", "An article&#x27;s paywall"):
        assert cell in row
    row = page[page.index("imported@example.com") :].split("</tr>")[0]
    assert "Complimentary" in row and "Ghost import" in row


def test_staff_are_not_members(client, staff):
    member_in("free", "reader@example.com")

    response = client.get(URL)

    assert rows(response) == ["reader@example.com"]


@pytest.mark.parametrize(
    "status", ["free", "trial", "paying", "past_due", "complimentary", "cancelled"]
)
def test_the_status_filter_lists_only_members_in_that_status(client, staff, status):
    for each in ["free", "trial", "paying", "past_due", "complimentary", "cancelled"]:
        member_in(each, f"{each}@example.com")

    response = client.get(URL, {"status": status})

    assert response.status_code == 200
    assert rows(response) == [f"{status}@example.com"]


def test_the_plan_newsletter_and_origin_filters(client, staff, weekly, digital):
    on_plan = member_in("paying", "on-plan@example.com", plan=digital, source="offer")
    member_in("paying", "no-plan@example.com")
    reads = member_in("free", "reads@example.com")
    subscribe(user=reads, newsletters=[weekly], source=Source.SIGNUP)

    assert rows(client.get(URL, {"plan": digital.pk})) == [on_plan.email]
    assert rows(client.get(URL, {"newsletter": weekly.pk})) == [reads.email]
    assert rows(client.get(URL, {"origin": "offer"})) == [on_plan.email]
    assert set(rows(client.get(URL, {"origin": "signup"}))) == {
        "no-plan@example.com",
        "reads@example.com",
    }


def test_search_finds_members_by_email_or_name(client, staff):
    verified_user("ada@example.com", name="Ada Lovelace")
    verified_user("grace@example.com", name="Grace Hopper")

    assert rows(client.get(URL, {"q": "lovelace"})) == ["ada@example.com"]
    assert rows(client.get(URL, {"q": "grace@"})) == ["grace@example.com"]


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_with_few_and_many_members(client, staff, weekly, digital):
    def add(n, start):
        for i in range(start, start + n):
            member = member_in(
                ["paying", "free", "complimentary"][i % 3], f"m{i}@example.com", plan=digital
            )
            subscribe(user=member, newsletters=[weekly], source=Source.SIGNUP)

    add(2, 0)
    few = _queries(client)
    add(30, 2)
    many = _queries(client)

    # session, user, permissions (own and groups'); plans, newsletters (the filters); the
    # count twice, the page, its newsletters.
    assert few == many == 10


def test_a_writer_cannot_see_members(client, writer):
    client.force_login(writer)

    assert client.get(URL).status_code == 403
