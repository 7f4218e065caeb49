"""The site's standing pages (about, contact, privacy, terms of sale, refunds): editable in the
admin, at fixed addresses, linked from every page's footer."""

import pytest

from articles.models import validate_section_slug
from devtools.seed import pages as demo_pages
from pages.models import Page

pytestmark = pytest.mark.django_db

ADDRESSES = {
    "about": "/about/",
    "contact": "/contact/",
    "privacy": "/privacy/",
    "terms": "/terms/",
    "refunds": "/refunds/",
}


def test_every_page_of_the_demo_is_at_its_address(client):
    assert demo_pages.seed() == 5
    for kind, address in ADDRESSES.items():
        page = Page.objects.get(kind=kind)
        assert page.get_absolute_url() == address
        response = client.get(address)
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<h1 id="page-title">{page.title}</h1>' in html


def test_seeding_again_keeps_an_editors_changes():
    demo_pages.seed()
    Page.objects.filter(kind="terms").update(title="Our terms")
    assert demo_pages.seed() == 0
    assert Page.objects.get(kind="terms").title == "Our terms"


def test_the_footer_links_to_every_page(client):
    response = client.get("/")
    assert response.status_code == 200
    footer = response.content.decode().split('<footer class="site-footer">')[1]
    for address in ADDRESSES.values():
        assert f'href="{address}"' in footer


def test_a_page_not_written_yet_is_not_found(client):
    assert client.get("/privacy/").status_code == 404


def test_a_page_body_is_sanitised_like_an_article():
    page = Page.objects.create(
        kind="about", title="About", body='<p>Hello</p><script>alert("x")</script>'
    )
    assert page.body == "<p>Hello</p>"


def test_an_editor_changes_a_page_in_the_admin(client, admin_user):
    demo_pages.seed()
    page = Page.objects.get(kind="refunds")
    client.force_login(admin_user)
    response = client.post(
        f"/admin/pages/page/{page.pk}/change/",
        {"kind": "refunds", "title": "Refunds", "body": "<p>Within 30 days.</p>"},
    )
    assert response.status_code == 302
    assert "Within 30 days." in client.get("/refunds/").content.decode()


def test_no_section_may_take_a_pages_address():
    for slug in ADDRESSES:
        with pytest.raises(Exception, match="used by the site itself"):
            validate_section_slug(slug)


@pytest.mark.parametrize("sections", [1, 12], ids=["few", "many"])
def test_a_page_costs_the_page_and_the_navigation(client, django_assert_num_queries, sections):
    from tests.factories import make_section

    for _ in range(sections):
        make_section()
    demo_pages.seed()
    with django_assert_num_queries(2):
        response = client.get("/terms/")
    assert response.status_code == 200
    assert "Terms of sale" in response.content.decode()
