"""Importing members: what a row would change (the dry run) and changing it (the import).

The same `plan` decides both, so the dry run says exactly what the import will do. Each row
is applied whole or not at all: Stripe is asked first, outside any transaction, then every
write of the row (account, Stripe link, subscriptions as Stripe has them, comp, newsletters,
note) commits together. Importing a file twice changes nothing the second time.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

import stripe
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from newsletters.models import Newsletter, NewsletterSubscription, Source
from newsletters.services import subscribe, unsubscribe
from subscriptions import services
from subscriptions.models import ComplimentaryAccess, Customer
from subscriptions.stripe_client import as_dict, get_client

from .import_csv import Row
from .models import MemberNote

CREATE, UPDATE, UNCHANGED, SKIP = "create", "update", "unchanged", "skip"


@dataclass
class Known:
    """What we already hold about one address."""

    user: object | None = None
    is_staff: bool = False
    name: str = ""
    note: str = ""
    labels: str = ""
    customer: str = ""  # the Stripe customer this member is linked to
    comped: bool = False  # current complimentary access
    receiving: set[int] = field(default_factory=set)  # newsletters received now
    ever: set[int] = field(default_factory=set)  # newsletters with any consent row


@dataclass
class Outcome:
    action: str
    changes: list[str] = field(default_factory=list)
    reason: str = ""


def load(emails: Iterable[str]) -> dict[str, Known]:
    """What we hold about these addresses (lower case), in five queries however many."""
    emails = list(emails)
    users = get_user_model().objects.annotate(lower=Lower("email")).filter(lower__in=emails)
    known: dict[str, Known] = {}
    by_id = {}
    for user in users:
        entry = Known(user=user, is_staff=user.is_staff, name=user.name)
        known[user.email.lower()] = entry
        by_id[user.pk] = entry
    for note in MemberNote.objects.filter(user_id__in=by_id):
        by_id[note.user_id].note, by_id[note.user_id].labels = note.note, note.labels
    for customer in Customer.objects.filter(user_id__in=by_id):
        by_id[customer.user_id].customer = customer.stripe_id
    for user_id in (
        ComplimentaryAccess.objects.current()
        .filter(user_id__in=by_id)
        .values_list("user_id", flat=True)
    ):
        by_id[user_id].comped = True
    for user_id, newsletter_id, left in NewsletterSubscription.objects.filter(
        user_id__in=by_id
    ).values_list("user_id", "newsletter_id", "unsubscribed_at"):
        by_id[user_id].ever.add(newsletter_id)
        if left is None:
            by_id[user_id].receiving.add(newsletter_id)
    return known


def customer_owners(customers: Iterable[str]) -> dict[str, str]:
    """{Stripe customer id: email of the member linked to it} for these ids."""
    return dict(
        Customer.objects.filter(stripe_id__in=list(customers)).values_list(
            "stripe_id", "user__email"
        )
    )


def offered_newsletters() -> list[int]:
    """The newsletters an imported member who receives email is subscribed to: those offered
    to new members (Ghost does the same with its "subscribe on sign-up" newsletters)."""
    return list(Newsletter.objects.offered_at_signup().values_list("pk", flat=True))


def plan(row: Row, known: Known | None, owners: dict[str, str], offered: list[int]) -> Outcome:
    """What importing `row` would do, and why."""
    now = timezone.now()
    if known is not None and known.is_staff:
        return Outcome(SKIP, reason="a staff account: imports never change staff")
    owner = owners.get(row.customer) if row.customer else None
    if owner and owner.lower() != row.email:
        return Outcome(SKIP, reason=f"Stripe customer {row.customer} belongs to {owner}")
    if known is not None and row.customer and known.customer and known.customer != row.customer:
        return Outcome(
            SKIP, reason=f"already linked to Stripe customer {known.customer}, not {row.customer}"
        )
    comp_wanted = row.comp and (row.comp_until is None or row.comp_until > now)
    changes = []
    if known is None:
        changes.append("new account (signs in by emailed code)")
        if row.subscribed and offered:
            changes.append(f"receives {len(offered)} newsletter(s), consent recorded as import")
        if comp_wanted:
            changes.append("complimentary access")
        if row.customer:
            changes.append(f"linked to Stripe customer {row.customer}")
        return Outcome(CREATE, changes)
    if row.name and row.name != known.name:
        changes.append("name")
    if (row.note and row.note != known.note) or (row.labels and row.labels != known.labels):
        changes.append("note and labels")
    # A member who left a newsletter here is never put back on it by an import.
    new_lists = [n for n in offered if n not in known.ever] if row.subscribed else []
    if new_lists:
        changes.append(f"receives {len(new_lists)} more newsletter(s)")
    if not row.subscribed and known.receiving:
        changes.append("stops receiving newsletters (the export says so)")
    if comp_wanted and not known.comped:
        changes.append("complimentary access")
    if row.customer and not known.customer:
        changes.append(f"linked to Stripe customer {row.customer}")
    return Outcome(UPDATE, changes) if changes else Outcome(UNCHANGED)


class StripeRefused(Exception):
    """Stripe has no such customer (or it was deleted): the row is skipped."""


def fetch_from_stripe(customer: str) -> list[tuple[str, object]]:
    """The customer's subscriptions as Stripe has them now ([(id, data)]), network only."""
    client = get_client()
    try:
        found = as_dict(client.v1.customers.retrieve(customer))
    except stripe.InvalidRequestError as error:
        if services.is_missing(error):
            raise StripeRefused(f"Stripe has no customer {customer}") from error
        raise
    if found.get("deleted"):
        raise StripeRefused(f"Stripe customer {customer} was deleted")
    listing = client.v1.subscriptions.list(
        params={"customer": customer, "status": "all", "limit": 100}
    )
    return [(s.id, services.fetch_subscription(s.id)) for s in listing.auto_paging_iter()]


def apply(row: Row, *, source: str, offered: list[int]) -> Outcome:
    """Import one row, all of it or none of it. Safe to run again."""
    fetched: list[tuple[str, object]] = []
    if row.customer:
        try:
            fetched = fetch_from_stripe(row.customer)
        except StripeRefused as refusal:
            return Outcome(SKIP, reason=str(refusal))
    with services.customer_lock(row.customer or None), transaction.atomic():
        known = load([row.email]).get(row.email)
        outcome = plan(row, known, customer_owners([row.customer]), offered)
        if outcome.action == SKIP:
            return outcome
        user = known.user if known is not None else _create(row)
        _write(row, user, known, source=source, offered=offered)
        for stripe_id, data in fetched:
            services.store_fetched(stripe_subscription_id=stripe_id, data=data, user=user)
    return outcome


def _create(row: Row):
    user = get_user_model()(email=row.email, name=row.name)
    user.set_unusable_password()
    if row.created_at:
        user.date_joined = row.created_at
    user.save()
    # They proved this address on the platform they come from; signing in by code proves
    # it again.
    EmailAddress.objects.create(user=user, email=row.email, verified=True, primary=True)
    return user


def _write(row: Row, user, known: Known | None, *, source: str, offered: list[int]) -> None:
    if known is not None and row.name and row.name != known.name:
        type(user).objects.filter(pk=user.pk).update(name=row.name)
    note, _ = MemberNote.objects.get_or_create(
        user=user, defaults={"imported_from": source, "imported_at": timezone.now()}
    )
    if (row.note and row.note != note.note) or (row.labels and row.labels != note.labels):
        note.note, note.labels = row.note or note.note, row.labels or note.labels
        note.save(update_fields=["note", "labels"])
    ever = known.ever if known is not None else set()
    if row.subscribed:
        lists = Newsletter.objects.filter(pk__in=[n for n in offered if n not in ever])
        subscribe(user=user, newsletters=lists, source=Source.IMPORT)
    elif known is not None and known.receiving:
        unsubscribe(user=user, newsletters=None, source=Source.IMPORT)
    comp_wanted = row.comp and (row.comp_until is None or row.comp_until > timezone.now())
    if comp_wanted and not (known is not None and known.comped):
        ComplimentaryAccess.objects.create(
            user=user, reason=row.comp_reason, expires_at=row.comp_until
        )
    if row.customer and not (known is not None and known.customer):
        Customer.objects.create(user=user, stripe_id=row.customer)
