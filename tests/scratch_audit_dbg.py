import pytest
pytestmark = pytest.mark.django_db
def test_dbg(client, stripe_standin):
    from tests.stripe_helpers import make_plan
    plan = make_plan()
    r = client.post("/subscribe/checkout/", {"plan": plan.pk, "next": "http:evil.example"})
    print("DBG", r.status_code, r.content.decode()[:3000])
