"""The demo seed: plans in Stripe (the stand-in) and here, and a real subscription for the
demo subscriber."""

from io import StringIO

import pytest

from devtools.seed import billing as demo
from subscriptions.entitlements import has_paid_access
from subscriptions.models import Offer, Plan, Subscription

pytestmark = pytest.mark.django_db


def test_seed_creates_the_catalogue_and_a_real_subscription(stripe_standin, reader):
    out = StringIO()
    demo.seed(subscriber=reader, stdout=out)
    assert list(Plan.objects.on_sale().values_list("name", flat=True)) == ["Digital", "Supporter"]
    stored = Subscription.objects.get(user=reader)
    assert stored.status == "active"
    remote = stripe_standin.store.data["subscriptions"][stored.stripe_id]
    assert remote["status"] == "active"
    assert has_paid_access(type(reader).objects.get(pk=reader.pk))
    assert "subscribes to Digital" in out.getvalue()


def test_seeding_again_changes_nothing(stripe_standin, reader):
    demo.seed(subscriber=reader, stdout=StringIO())
    demo.seed(subscriber=reader, stdout=StringIO())
    assert Plan.objects.count() == 2
    assert Subscription.objects.count() == 1
    assert len(stripe_standin.store.data["subscriptions"]) == 1
    assert len(stripe_standin.store.data["prices"]) == 4
    assert len(stripe_standin.store.data["customers"]) == 1


def test_seeding_after_the_stand_in_lost_its_state_subscribes_again(stripe_standin, reader):
    demo.seed(subscriber=reader, stdout=StringIO())
    stripe_standin.reset()
    demo.seed(subscriber=reader, stdout=StringIO())
    live = Subscription.objects.filter(status="active")
    assert live.count() == 1
    assert live.get().stripe_id in stripe_standin.store.data["subscriptions"]


def test_seeding_without_stripe_warns_and_carries_on(reader, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    out = StringIO()
    demo.seed(subscriber=reader, stdout=out)
    assert "Warning: Stripe is unreachable" in out.getvalue()
    assert not Subscription.objects.exists()


def test_seed_makes_the_demo_offer_once_and_again_for_a_fresh_stand_in(
    client, stripe_standin, reader
):
    out = StringIO()
    demo.seed(subscriber=reader, stdout=out)
    assert "Offer: /offer/WELCOME/ (50% off for 3 months)." in out.getvalue()
    demo.seed(subscriber=reader, stdout=StringIO())
    assert Offer.objects.count() == 1
    assert len(stripe_standin.store.data["promotion_codes"]) == 1
    page = client.get("/offer/WELCOME/")
    assert page.status_code == 200
    assert "Welcome: half price for three months" in page.content.decode()

    stripe_standin.reset()
    demo.seed(subscriber=reader, stdout=StringIO())
    offer = Offer.objects.get()
    assert offer.stripe_promotion_code_id in stripe_standin.store.data["promotion_codes"]


def test_seeding_a_fresh_database_beside_an_older_stand_in_still_subscribes_the_subscriber(
    stripe_standin, reader
):
    # The stand-in's state file outlived the database: it already holds the WELCOME code.
    demo.seed(subscriber=reader, stdout=StringIO())
    Offer.objects.all().delete()
    Subscription.objects.all().delete()
    out = StringIO()
    demo.seed(subscriber=reader, stdout=out)
    assert "Warning: the demo offer was not made" in out.getvalue()
    assert "subscribes to Digital" in out.getvalue()
    assert has_paid_access(type(reader).objects.get(pk=reader.pk))
