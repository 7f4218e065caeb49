import pytest

from tests.factories import make_section

pytestmark = pytest.mark.django_db


def header(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    return html.split('<header class="site-header" id="menu">')[1].split("</header>")[0]


def test_anonymous_readers_can_sign_in_or_subscribe(client):
    html = header(client)
    assert ">Sign in</a>" in html
    assert ">Subscribe</a>" in html
    assert ">Account</a>" not in html


def test_a_signed_in_reader_without_a_subscription_is_still_offered_one(client, reader):
    client.force_login(reader)
    html = header(client)
    assert ">Account</a>" in html
    assert ">Subscribe</a>" in html
    assert ">Admin</a>" not in html


def test_a_subscriber_is_not_asked_to_subscribe_again(client, subscriber):
    client.force_login(subscriber)
    nav = header(client)
    assert "Sign out" in nav
    assert ">Subscribe</a>" not in nav


def test_staff_get_a_way_into_the_admin(client, staff_without_group):
    client.force_login(staff_without_group)
    html = header(client)
    assert 'href="/admin/">Admin</a>' in html
    assert ">Subscribe</a>" not in html


def test_every_section_and_search_are_in_the_navigation(client):
    sections = [make_section(name=f"Desk {n}") for n in range(3)]
    html = header(client)
    for section in sections:
        assert f'href="{section.get_absolute_url()}">{section.name}</a>' in html
    assert 'href="/search/">Search</a>' in html


@pytest.mark.parametrize("sections", [1, 12])
def test_the_header_costs_one_query_for_sections_and_one_for_the_billing_state(
    client, reader, django_assert_num_queries, sections
):
    for n in range(sections):
        make_section(name=f"Desk {n}")
    client.force_login(reader)
    # top stories, section blocks (both empty), session, user, billing state, navigation
    with django_assert_num_queries(6):
        response = client.get("/")
    assert response.status_code == 200
