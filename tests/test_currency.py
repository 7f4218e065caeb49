"""One publication currency: plans in another are refused in the admin and on import; the
pricing page shows what the yearly plan saves; the demo sells in pounds."""

from io import StringIO

import pytest
from django.core.management import call_command

from devtools.seed.billing import CATALOGUE
from devtools.seed.billing import CURRENCY as DEMO_CURRENCY
from subscriptions.models import Plan
from subscriptions.stripe_client import get_client
from tests.stripe_helpers import make_plan

pytestmark = pytest.mark.django_db


def test_the_publication_sells_in_pounds_by_default(settings):
    assert settings.CURRENCY == "gbp"
    assert Plan(name="New").currency == "gbp"


def admin_form(**changes):
    data = {
        "name": "Digital",
        "benefits": "",
        "active": "on",
        "order": "1",
        "trial_days": "0",
        "stripe_product_id": "",
        "monthly_price_id": "price_m",
        "monthly_amount": "900",
        "yearly_price_id": "price_y",
        "yearly_amount": "9000",
        "currency": "gbp",
    }
    data.update(changes)
    return data


def test_a_plan_in_another_currency_is_refused_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/subscriptions/plan/add/", admin_form(currency="usd"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "This publication sells in GBP; a price in USD cannot be sold here." in html
    assert not Plan.objects.exists()


def test_a_plan_in_the_publications_currency_is_saved_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/subscriptions/plan/add/", admin_form())
    assert response.status_code == 302
    assert Plan.objects.get().currency == "gbp"


def test_importing_prices_in_another_currency_creates_no_plan(stripe_standin):
    client = get_client()
    product = client.v1.products.create(params={"name": "Dollar plan"})
    client.v1.prices.create(
        params={
            "product": product.id,
            "currency": "usd",
            "unit_amount": 900,
            "recurring": {"interval": "month"},
        }
    )
    out, err = StringIO(), StringIO()
    call_command("stripe_import_plans", stdout=out, stderr=err)
    assert "Skipped Dollar plan: This publication sells in GBP; a price in USD" in err.getvalue()
    assert "1 refused (another currency)" in out.getvalue()
    assert not Plan.objects.exists()


def test_the_pricing_page_shows_what_the_yearly_plan_saves(client, stripe_standin):
    make_plan(name="Digital", monthly=900, yearly=9000, currency="gbp")
    response = client.get("/pricing/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>£9.00</strong> a month" in html
    # Twelve months at £9.00 are £108.00; the year costs £90.00.
    assert '<span class="plan-saving">(saves £18.00 on twelve months)</span>' in html


def test_a_yearly_price_that_saves_nothing_says_nothing(client, stripe_standin):
    make_plan(name="Digital", monthly=900, yearly=10800, currency="gbp")
    response = client.get("/pricing/")
    assert response.status_code == 200
    assert "<strong>£108.00</strong> a year" in response.content.decode()
    assert "plan-saving" not in response.content.decode()


def test_the_demo_catalogue_is_in_pounds():
    assert DEMO_CURRENCY == "gbp"
    assert all(entry["yearly"] < 12 * entry["monthly"] for entry in CATALOGUE)
