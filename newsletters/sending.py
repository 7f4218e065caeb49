"""Emailing a story to a newsletter: who would get what, starting a send, steering it.

A send is confirmed by an editor, prepared by a task (one delivery row per member, all or
nothing) and delivered by workers (`delivery.py`).
"""

import logging
from dataclasses import dataclass
from itertools import batched

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.mail import mailers
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import Lower
from django.tasks import task
from django.utils import timezone

from articles.models import Article
from emails.models import Suppression
from newsroom.emails import RenderedEmail
from subscriptions.entitlements import with_paid_access

from .delivery import (
    BAD,
    PRIORITY,
    is_full,
    message_for,
    start_workers,
    valid_address,
)
from .emails import render_story, unsubscribe_headers
from .models import Delivery, Newsletter, Segment, Send
from .tokens import unsubscribe_url

logger = logging.getLogger(__name__)

PREPARE_CHUNK = 5000
SKIPPED = Delivery.State.SKIPPED


class NotSendable(Exception):
    """This story cannot be sent; the message says why, for the editor."""


@dataclass(frozen=True)
class Plan:
    full: int = 0
    preview: int = 0
    already: int = 0

    @property
    def total(self) -> int:
        return self.full + self.preview


def members(newsletter: Newsletter, segment: str):
    """Who a send reaches: active members receiving the newsletter, at a verified address."""
    users = with_paid_access(
        get_user_model().objects.filter(
            is_active=True,
            newsletter_subscriptions__newsletter=newsletter,
            newsletter_subscriptions__unsubscribed_at__isnull=True,
        )
    ).filter(
        Exists(
            EmailAddress.objects.filter(
                user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
            )
        )
    )
    # Addresses the provider told us to stop writing to (bounces, complaints, unsubscribes).
    users = users.exclude(Exists(Suppression.objects.filter(address=Lower(OuterRef("email")))))
    if segment == Segment.PAYING:
        return users.filter(paid_access=True)
    if segment == Segment.FREE:
        return users.filter(paid_access=False)
    return users


def _received(newsletter, article):
    return Delivery.objects.filter(newsletter=newsletter, article=article, user=OuterRef("pk"))


def plan(*, article: Article, newsletter: Newsletter, segment: str) -> Plan:
    """Who would get what if sent now: one grouped query."""
    groups = (
        members(newsletter, segment)
        .annotate(received=Exists(_received(newsletter, article)))
        .values("paid_access", "is_staff", "received")
        .annotate(n=Count("pk"))
        .order_by()
    )
    full = preview = already = 0
    for group in groups:
        if group["received"]:
            already += group["n"]
        elif is_full(article, staff=group["is_staff"], paid=group["paid_access"]):
            full += group["n"]
        else:
            preview += group["n"]
    return Plan(full=full, preview=preview, already=already)


def ensure_published(article: Article) -> None:
    if not Article.objects.published().filter(pk=article.pk).exists():
        raise NotSendable(
            f"“{article.headline}” is not published, so it cannot be emailed. Publish it first; "
            "nothing was sent."
        )


def start_send(*, article: Article, newsletter: Newsletter, segment: str, by) -> Send:
    """Record the send and queue its preparation; raises NotSendable, sending nothing."""
    ensure_published(article)
    if segment not in Segment.values:
        raise NotSendable("Choose who receives it: everyone, free members or paying members.")
    planned = plan(article=article, newsletter=newsletter, segment=segment)
    if planned.total == 0:
        raise NotSendable(
            f"No member of {newsletter.name} in that group would receive it"
            + (" (everyone has had it already)" if planned.already else "")
            + ". Nothing was sent."
        )
    with transaction.atomic():
        send = Send.objects.create(
            newsletter=newsletter,
            article=article,
            segment=segment,
            created_by=by,
            planned_full=planned.full,
            planned_preview=planned.preview,
        )
        # Inside the transaction: the task exists exactly when the send does.
        prepare_send.enqueue(send.pk)
    logger.info("Send %s of article %s to %s queued by %s", send.pk, article.pk, newsletter, by)
    return send


# ---------------------------------------------------------------- preparing
@task(priority=PRIORITY)
def prepare_send(send_id: int) -> int:
    """Make one delivery row per member, all at once or not at all, then start the workers."""
    send = Send.objects.select_related("article", "newsletter").get(pk=send_id)
    if send.state != Send.State.PREPARING:
        return 0
    with transaction.atomic():
        if not Article.objects.published().filter(pk=send.article_id).exists():
            Send.objects.filter(pk=send.pk).update(
                state=Send.State.CANCELLED, finished_at=timezone.now()
            )
            logger.warning("Send %s cancelled: its article was unpublished", send.pk)
            return 0
        recipients = (
            members(send.newsletter, send.segment)
            .exclude(Exists(_received(send.newsletter, send.article)))
            .order_by("pk")
            .values_list("pk", "email")
        )
        made = 0
        # In slices, so a worker never holds a row object per member at once.
        for chunk in batched(
            recipients.iterator(chunk_size=PREPARE_CHUNK), PREPARE_CHUNK, strict=False
        ):
            Delivery.objects.bulk_create(
                [
                    Delivery(
                        send=send,
                        newsletter_id=send.newsletter_id,
                        article_id=send.article_id,
                        user_id=pk,
                        email=email,
                        **({} if valid_address(email) else {"state": SKIPPED, "error": BAD}),
                    )
                    for pk, email in chunk
                ],
                ignore_conflicts=True,
            )
            made += len(chunk)
        if not Send.objects.filter(pk=send.pk, state=Send.State.PREPARING).update(
            state=Send.State.SENDING
        ):
            # Cancelled while we prepared: keep none of it.
            transaction.set_rollback(True)
            return 0
        start_workers(send.pk)
    return made


# ---------------------------------------------------------------- the editor's controls
def pause(send: Send) -> bool:
    """Workers stop claiming at once; batches already claimed finish."""
    return bool(
        Send.objects.filter(pk=send.pk, state=Send.State.SENDING).update(state=Send.State.PAUSED)
    )


def resume(send: Send) -> bool:
    with transaction.atomic():
        if not Send.objects.filter(pk=send.pk, state=Send.State.PAUSED).update(
            state=Send.State.SENDING
        ):
            return False
        start_workers(send.pk)
    return True


def cancel(send: Send) -> int | None:
    """Stop for good: members not yet sent to will not be. Returns how many were left out,
    or None when the send had already finished."""
    live = [Send.State.PREPARING, Send.State.SENDING, Send.State.PAUSED]
    with transaction.atomic():
        if not Send.objects.filter(pk=send.pk, state__in=live).update(
            state=Send.State.CANCELLED, finished_at=timezone.now()
        ):
            return None
        return Delivery.objects.filter(send=send, state=Delivery.State.PENDING).update(
            state=Delivery.State.SKIPPED, error="Cancelled before it was sent."
        )


def send_test(*, article: Article, newsletter: Newsletter, user) -> None:
    """Both versions, to the editor, now: what paying and what free members will get."""
    url = unsubscribe_url(user_id=user.pk, newsletter_id=newsletter.pk)
    with mailers.default as connection:
        for full, label in ((True, "whole story"), (False, "preview")):
            rendered = render_story(article, newsletter=newsletter, full=full, unsubscribe_url=url)
            rendered = RenderedEmail(
                subject=f"[Test: {label}] {rendered.subject}",
                text=rendered.text,
                html=rendered.html,
            )
            message = message_for(
                rendered, newsletter, to=[user.email], headers=unsubscribe_headers(url)
            )
            connection.send_messages([message])
