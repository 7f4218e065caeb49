"""Giving and withdrawing consent: the subscription row and its history change together."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .models import ConsentEvent, Newsletter, NewsletterSubscription, Source


@transaction.atomic
def subscribe(*, user, newsletters: Iterable[Newsletter], source: Source) -> list[Newsletter]:
    """Record consent for each newsletter the member does not already receive.

    Returns the newsletters newly subscribed to; ones already active keep their original
    consent record, so re-ticking a box does not rewrite when consent was first given.
    """
    now = timezone.now()
    added = []
    for newsletter in newsletters:
        row, created = NewsletterSubscription.objects.get_or_create(
            user=user,
            newsletter=newsletter,
            defaults={"consented_at": now, "consent_source": source},
        )
        if not created:
            if row.is_active:
                continue
            row.consented_at, row.consent_source = now, source
            row.unsubscribed_at, row.unsubscribe_source = None, ""
            row.save()
        given = ConsentEvent.Action.GIVEN
        ConsentEvent.objects.create(
            user=user, newsletter=newsletter, action=given, source=source, at=now
        )
        added.append(newsletter)
    return added


@transaction.atomic
def unsubscribe(*, user, newsletters: Iterable[Newsletter] | None, source: Source) -> list[str]:
    """Withdraw consent from the given newsletters (None: every newsletter).

    Returns the names of the newsletters the member no longer receives; unsubscribing twice
    is not an error and records nothing the second time.
    """
    rows = NewsletterSubscription.objects.active().filter(user=user).select_related("newsletter")
    if newsletters is not None:
        rows = rows.filter(newsletter__in=list(newsletters))
    rows = list(rows.select_for_update(of=("self",)))
    now = timezone.now()
    NewsletterSubscription.objects.filter(pk__in=[r.pk for r in rows]).update(
        unsubscribed_at=now, unsubscribe_source=source
    )
    ConsentEvent.objects.bulk_create(
        ConsentEvent(
            user=user,
            newsletter=row.newsletter,
            action=ConsentEvent.Action.WITHDRAWN,
            source=source,
            at=now,
        )
        for row in rows
    )
    return [row.newsletter.name for row in rows]


@transaction.atomic
def set_choices(*, user, chosen: Iterable[Newsletter], source: Source) -> None:
    """Make the member's newsletters exactly `chosen` (the account page's boxes)."""
    chosen = list(chosen)
    subscribe(user=user, newsletters=chosen, source=source)
    current = NewsletterSubscription.objects.active().filter(user=user)
    dropped = Newsletter.objects.filter(
        pk__in=current.exclude(newsletter__in=chosen).values("newsletter")
    )
    unsubscribe(user=user, newsletters=dropped, source=source)
