"""The Publisher group runs the business side: plans, offers, subscriptions, comps, the audit
log and the dashboard's permission. Writers see none of it; the demo's editor is a publisher."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_a_fresh_install_has_the_publisher_group_with_the_business_permissions():
    codenames = set(
        Group.objects.get(name="Publisher").permissions.values_list("codename", flat=True)
    )
    assert {
        "view_dashboard",
        "view_plan",
        "change_plan",
        "view_subscription",
        "view_complimentaryaccess",
        "add_complimentaryaccess",
        "view_offer",
        "view_customer",
        "view_auditentry",
        "send_newsletter",
    } <= codenames
    # Nothing editorial: a publisher does not write or publish stories.
    assert not codenames & {"add_article", "change_article", "publish_article"}


def test_a_publisher_sees_plans_subscriptions_comps_and_the_audit_log_in_the_admin(
    client, publisher
):
    client.force_login(publisher)
    response = client.get("/admin/")
    html = response.content.decode()
    assert response.status_code == 200
    for link in [
        "/admin/subscriptions/plan/",
        "/admin/subscriptions/subscription/",
        "/admin/subscriptions/complimentaryaccess/",
        "/admin/subscriptions/offer/",
        "/admin/desk/auditentry/",
    ]:
        assert link in html
    assert client.get("/admin/subscriptions/plan/").status_code == 200
    assert client.get("/admin/subscriptions/complimentaryaccess/add/").status_code == 200


def test_a_writer_sees_none_of_the_business_side(client, writer):
    client.force_login(writer)
    response = client.get("/admin/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/admin/articles/article/" in html
    assert "/admin/subscriptions/" not in html
    assert "/admin/desk/" not in html
    assert not writer.has_perm("desk.view_dashboard")
    assert client.get("/admin/subscriptions/plan/").status_code == 403


def test_the_demo_editor_is_a_publisher_and_sees_the_plans(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--articles", "1", stdout=StringIO())
    editor = Group.objects.get(name="Publisher").user_set.get()
    assert editor.email == "editor@example.com"
    assert editor.groups.filter(name="Editor").exists()
    client.force_login(editor)
    response = client.get("/admin/subscriptions/plan/")
    assert response.status_code == 200
    assert "Select plan to change" in response.content.decode()
