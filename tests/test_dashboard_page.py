"""The admin's front page is the publisher's dashboard: members, money, churn, trials and what
converts, from our own tables. Others on the staff see the usual model list."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from desk.models import DailyFigures, SignUp
from newsletters.models import Newsletter, NewsletterSubscription
from subscriptions.history import record_subscription
from subscriptions.models import ComplimentaryAccess, Offer, Plan
from tests.factories import make_article
from tests.html_helpers import page_text
from tests.stripe_helpers import store_subscription
from tests.users import verified_user

pytestmark = pytest.mark.django_db

DASHBOARD = "How the publication is doing"


def member(n, *, status="active", **fields):
    user = verified_user(f"member{n}@example.com")
    stored = store_subscription(user, status=status, **fields)
    record_subscription(stored)
    return stored


@pytest.fixture
def publication():
    """Four paying members (one past due), a trial, a comp, two free readers, one newsletter
    member, one cancellation in the last 30 days, and sign-ups from two articles."""
    plan = Plan.objects.create(name="Digital", monthly_amount=900, yearly_amount=12000)
    half = Offer.objects.create(code="HALF", name="Half", percent_off=50, duration="forever")
    harbour = make_article(headline="The harbour deal")
    bridge = make_article(headline="The bridge inquiry")
    member(1, plan=plan, source="article", source_article=harbour)
    member(2, plan=plan, interval="year", source="article", source_article=harbour)
    member(3, plan=plan, offer=half, source="offer")
    member(4, plan=plan, status="past_due", source="gift_link", source_article=bridge)
    member(5, plan=plan, status="trialing")
    gone = member(6, plan=plan, source="article", source_article=harbour)
    gone.status = "canceled"
    gone.save()
    record_subscription(gone)
    comped = verified_user("comped@example.com")
    ComplimentaryAccess.objects.create(user=comped, reason="Press")
    free = verified_user("free@example.com")
    SignUp.objects.create(user=free, source="article", source_article=bridge)
    letter = Newsletter.objects.create(name="Morning")
    NewsletterSubscription.objects.create(
        user=free, newsletter=letter, consented_at=timezone.now(), consent_source="signup"
    )
    DailyFigures.objects.create(day=timezone.localdate() - timedelta(30), paying=10, mrr=5000)
    return plan


def figure(text, label):
    match = re.search(rf"{re.escape(label)} (\S+)", text)
    assert match, f"{label} is not on the page"
    return match.group(1)


def test_a_publisher_sees_the_members_money_and_churn(client, publisher, publication):
    client.force_login(publisher)
    response = client.get("/admin/")
    assert response.status_code == 200
    text = page_text(response.content.decode())
    assert DASHBOARD in text
    assert figure(text, "Paying members") == "4"
    # 9.00 + 120.00/12 + 9.00 at half price + 9.00 past due.
    assert figure(text, "MRR") == "£32.50"
    assert figure(text, "Trials") == "1"
    assert figure(text, "Past due, at risk") == "1"
    assert figure(text, "Complimentary") == "1"
    assert figure(text, "Gift") == "0"
    # Readers: the six members, the comped and the free one; the cancelled member is free again.
    assert figure(text, "Free members") == "2"
    assert figure(text, "Newsletter subscribers") == "1"
    assert figure(text, "New paid") == "5"
    assert figure(text, "Cancellations") == "1"
    assert figure(text, "Monthly churn") == "10.0%"
    assert "30 days: -6" in text
    assert "90 days: no figures yet" in text


def test_what_converts_names_the_articles_offers_and_gift_links(client, publisher, publication):
    client.force_login(publisher)
    text = page_text(client.get("/admin/").content.decode())
    paid = text[text.index("Paid sign-ups by where they started") :]
    assert "The harbour deal Article paywall 3" in paid  # two paying, one who cancelled
    assert "HALF Offer 1" in paid
    assert "The bridge inquiry Gift link 1" in paid
    free = text[text.index("Free sign-ups by where they started") :]
    assert "The bridge inquiry Article paywall 1" in free


def test_the_charts_are_svg_with_a_title_a_description_and_their_numbers_as_a_table(
    client, publisher, publication
):
    client.force_login(publisher)
    html = client.get("/admin/").content.decode()
    start = html.index('<svg viewBox="0 0 640 220"')
    svg = html[start : html.index("</svg>", start)]
    assert 'role="img"' in svg
    assert '<title id="chart-paying-title">Paying members, the last year</title>' in svg
    assert "Paying members went from 10 on" in svg and "to 4 on" in svg
    assert "<polyline points=" in svg
    assert '<th scope="col">Paying members</th>' in html
    assert "<script" not in html[html.index(DASHBOARD) : html.index('id="models"')]
    text = page_text(html)
    assert f"{timezone.localdate():%-d %b %Y} 4" in text


def test_the_model_list_is_still_below_the_dashboard(client, publisher):
    client.force_login(publisher)
    html = client.get("/admin/").content.decode()
    assert html.index(DASHBOARD) < html.index("/admin/subscriptions/plan/")
    assert 'href="#models"' in html


@pytest.mark.parametrize("who", ["writer", "desk_editor", "staff_without_group"])
def test_staff_without_the_permission_see_the_usual_front_page(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get("/admin/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Write, schedule and publish" in html
    assert DASHBOARD not in html


def test_the_dashboard_costs_the_same_queries_with_few_and_many_members(
    client, publisher, django_assert_num_queries
):
    plan = Plan.objects.create(name="Digital", monthly_amount=900, yearly_amount=9000)
    client.force_login(publisher)
    client.get("/admin/")
    counts = []
    for batch in (1, 25):
        for n in range(batch):
            member(f"{batch}-{n}", plan=plan, interval="year" if n % 2 else "month")
        SignUp.objects.create(source="elsewhere")
        # The session, the user, their permissions (2); members now (5: subscriptions twice,
        # comps, readers, newsletter members); the 30 days' history; the roll-ups; paid and
        # free sign-ups; the admin's recent actions (the currency is the CURRENCY setting).
        with django_assert_num_queries(14) as captured:
            assert client.get("/admin/").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_a_free_sign_up_from_an_article_is_counted_for_that_article(client, publisher):
    article = make_article(headline="The ferry timetable", access="registered")
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new.reader@example.com",
            "password1": "a-long-pass-phrase-for-reading",
            "next": article.get_absolute_url(),
        },
    )
    assert response.status_code == 302
    sign_up = SignUp.objects.get(user__email="new.reader@example.com")
    assert (sign_up.source, sign_up.source_article) == ("article", article)
    client.force_login(publisher)
    text = page_text(client.get("/admin/").content.decode())
    free = text[text.index("Free sign-ups by where they started") :]
    assert "The ferry timetable Article paywall 1" in free
