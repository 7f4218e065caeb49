"""Delivering a send: workers claim batches of delivery rows, send them, record the answers.

Never twice: a delivery row exists once per (newsletter, story, member) — a database
constraint — and is claimed by a worker before the provider is called. A row moves

    pending → claimed → sending → sent | failed        (or skipped before sending)

"claimed" means a worker holds it but has not called the provider yet; "sending" that the
provider was called. A worker that dies leaves its rows behind: claimed rows go back to
pending (nothing was handed over), sending rows become "unknown" and are never resent, since
the provider may have taken them. Everything else carries on from where it stopped.

Fail-closed: whether a member gets the whole story is decided per member at the moment their
batch is sent, by `articles.access.decide` over `subscriptions.entitlements.with_paid_access`
(the one access rule and the one entitlement rule); otherwise they get `Article.text.preview`,
the article page's own cut. Every batch costs the same handful of queries however large.

Longer than 400 lines on purpose: the never-twice state machine is audited in one module.
"""

import logging
import smtplib
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import mailers
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, Value, When
from django.db.models.functions import Lower
from django.tasks import default_task_backend, task
from django.utils import timezone

from articles.access import decide
from articles.models import Article, ArticleAuthor
from emails.models import Suppression
from newsroom.emails import RenderedEmail, build_message
from subscriptions.entitlements import with_paid_access

from .emails import render_story, sender, unsubscribe_headers
from .models import Delivery, DeliveryEvent, NewsletterSubscription, Send
from .tokens import unsubscribe_url

logger = logging.getLogger(__name__)

# Stands in for each member's own unsubscribe address in a rendered variant.
UNSUBSCRIBE_MARK = "NEWSROOM-UNSUBSCRIBE-URL"
# Bulk sending gives way to the emails a reader is waiting for (receipts, billing).
PRIORITY = -10
BAD = "Not a valid email address: not sent. Correct it in the admin to include the member."


def is_full(article: Article, *, staff: bool, paid: bool) -> bool:
    """The access rule, for a member described by their row."""
    return decide(article, signed_in=True, staff=staff, paid=lambda: paid).full


def valid_address(email: str) -> bool:
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def start_workers(send_id: int) -> None:
    """Workers side by side for one send; each claims its own batches."""
    for _ in range(settings.NEWSLETTER_PARALLEL_TASKS):
        deliver_send.enqueue(send_id)


# ---------------------------------------------------------------- claiming
def recover(send_id: int, *, now=None) -> tuple[int, int]:
    """Rows a dead worker left behind: claimed ones go back, sending ones become unknown."""
    now = now or timezone.now()
    stale = Delivery.objects.filter(
        send_id=send_id,
        claimed_at__lt=now - timedelta(seconds=settings.NEWSLETTER_CLAIM_TIMEOUT),
    )
    released = stale.filter(state=Delivery.State.CLAIMED).update(
        state=Delivery.State.PENDING, claim=None, claimed_at=None
    )
    unknown = stale.filter(state=Delivery.State.SENDING).update(
        state=Delivery.State.UNKNOWN,
        error="The worker stopped after handing this to the provider and before recording "
        "its answer. It may have been delivered, so it is not sent again.",
    )
    if released or unknown:
        logger.warning(
            "Send %s: %s deliveries back in the queue, %s unknown", send_id, released, unknown
        )
    return released, unknown


def claim(send_id: int) -> uuid.UUID | None:
    """Take up to NEWSLETTER_BATCH_SIZE waiting rows for this worker; None when none are left.

    SKIP LOCKED lets every worker claim at once without waiting on, or taking, another's rows.
    A paused or cancelled send has nothing to claim.
    """
    token = uuid.uuid4()
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(
                send_id=send_id, state=Delivery.State.PENDING, send__state=Send.State.SENDING
            )
            .order_by("pk")
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", flat=True)[: settings.NEWSLETTER_BATCH_SIZE]
        )
        if not ids:
            return None
        Delivery.objects.filter(pk__in=ids).update(
            state=Delivery.State.CLAIMED, claim=token, claimed_at=timezone.now()
        )
    return token


# ---------------------------------------------------------------- delivering
@dataclass
class Outcome:
    sent: bool
    message_id: str = ""
    error: str = ""
    state: str = ""


NOT_TAKEN = "Not sent: the site's email backend held it back (a suppressed address)."
NO_ANSWER = "The provider did not answer; it may have delivered this. Not sent again."
# SMTP answers that refuse a message outright (anything else may have been taken).
REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


class Renderer:
    """Renders each variant of a send once per worker run, with a mark for the member's link."""

    def __init__(self, send: Send):
        self.send = send
        self.article = (
            Article.objects.select_related("section")
            .prefetch_related(
                Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author"))
            )
            .get(pk=send.article_id)
        )
        self._variants: dict[bool, Any] = {}

    def variant(self, full: bool):
        if full not in self._variants:
            self._variants[full] = render_story(
                self.article,
                newsletter=self.send.newsletter,
                full=full,
                unsubscribe_url=UNSUBSCRIBE_MARK,
            )
        return self._variants[full]


def _load_batch(send: Send, token: uuid.UUID) -> list[dict]:
    """The claimed rows with what the rules need about each member now: two queries."""
    rows: list[dict[str, Any]] = [
        dict(row) for row in Delivery.objects.filter(claim=token).values("pk", "user_id")
    ]
    still_subscribed = NewsletterSubscription.objects.active().filter(
        user=OuterRef("pk"), newsletter=send.newsletter_id
    )
    users = {
        user["pk"]: user
        for user in with_paid_access(
            get_user_model().objects.filter(pk__in=[r["user_id"] for r in rows if r["user_id"]])
        )
        .annotate(
            subscribed=Exists(still_subscribed),
            suppressed=Exists(Suppression.objects.filter(address=Lower(OuterRef("email")))),
        )
        .values("pk", "email", "is_active", "is_staff", "paid_access", "subscribed", "suppressed")
    }
    for row in rows:
        row["user"] = users.get(row["user_id"])
    return rows


def _skip_reason(user) -> str:
    if user is None or not user.get("is_active"):
        return "The member's account was closed before sending."
    if not user["subscribed"]:
        return "The member unsubscribed before sending."
    if user["suppressed"]:
        return "The address is suppressed (it bounced, complained or unsubscribed at the provider)."
    if not valid_address(user["email"]):
        return BAD
    return ""


def _personal(variant: RenderedEmail, mark: str) -> RenderedEmail:
    return RenderedEmail(
        subject=variant.subject,
        text=variant.text.replace(UNSUBSCRIBE_MARK, mark),
        html=variant.html.replace(UNSUBSCRIBE_MARK, mark),
    )


def _refused(error: Exception) -> bool:
    """The provider answered and turned the message down: it was certainly not sent."""
    if isinstance(error, REFUSALS):
        return True
    # Anymail's API errors carry the provider's HTTP status when it answered at all.
    return getattr(error, "status_code", None) is not None


def _per_member(connection, renderer: Renderer, recipients, outcomes, handed_over) -> None:
    """One message per member through one connection: SMTP, the console, the outbox."""
    newsletter = renderer.send.newsletter
    for row in recipients:
        url = unsubscribe_url(user_id=row["user_id"], newsletter_id=newsletter.pk)
        message_id = make_msgid(domain=settings.NEWSLETTER_MESSAGE_ID_DOMAIN)
        message = message_for(
            _personal(renderer.variant(row["full"]), url),
            newsletter,
            to=[row["user"]["email"]],
            headers={**unsubscribe_headers(url), "Message-ID": message_id},
        )
        handed_over.add(row["pk"])
        try:
            taken = connection.send_messages([message])
        except Exception as error:
            if not _refused(error):
                raise  # no clear answer: the caller marks this one unknown
            outcomes[row["pk"]] = Outcome(sent=False, error=_describe(error))
        else:
            if not taken:  # the site's backend held it back (a suppressed address)
                outcomes[row["pk"]] = Outcome(sent=False, error=NOT_TAKEN)
                continue
            status = getattr(message, "anymail_status", None)
            esp_id = getattr(status, "message_id", None)
            outcomes[row["pk"]] = Outcome(sent=True, message_id=str(esp_id or message_id))


def message_for(variant, newsletter, *, to, headers):
    return build_message(
        variant,
        to=to,
        from_email=sender(newsletter),
        reply_to=[newsletter.reply_to] if newsletter.reply_to else None,
        headers=headers,
    )


def _batched(connection, renderer: Renderer, recipients, outcomes, handed_over) -> None:
    """One provider call per variant, many members each, with per-member merge data."""
    newsletter = renderer.send.newsletter
    field = settings.NEWSLETTER_MERGE_FIELD % "unsubscribe_url"
    for full in (True, False):
        group = [row for row in recipients if row["full"] is full]
        if not group:
            continue
        variant = renderer.variant(full)
        by_email = {row["user"]["email"]: row for row in group}
        urls = {
            email: unsubscribe_url(user_id=row["user_id"], newsletter_id=newsletter.pk)
            for email, row in by_email.items()
        }
        message = message_for(
            _personal(variant, field),
            newsletter,
            to=list(by_email),
            headers={"List-Unsubscribe-Post": unsubscribe_headers("")["List-Unsubscribe-Post"]},
        )
        message.merge_data = {email: {"unsubscribe_url": url} for email, url in urls.items()}
        message.merge_headers = {
            email: {"List-Unsubscribe": f"<{url}>"} for email, url in urls.items()
        }
        message.merge_metadata = {email: {"delivery": row["pk"]} for email, row in by_email.items()}
        message.track_opens = message.track_clicks = settings.NEWSLETTER_TRACKING
        handed_over.update(by_email[email]["pk"] for email in by_email)
        try:
            connection.send_messages([message])
        except Exception as error:
            if not _refused(error):
                raise  # no answer from the provider: the caller records these as unknown
            for row in group:
                outcomes[row["pk"]] = Outcome(sent=False, error=_describe(error))
            continue
        for email, row in by_email.items():
            status = message.anymail_status.recipients.get(email)
            ok = status is not None and status.status in ("sent", "queued")
            outcomes[row["pk"]] = Outcome(
                sent=ok,
                message_id=str(getattr(status, "message_id", "") or ""),
                error="" if ok else f"The provider answered {getattr(status, 'status', None)}.",
            )
    return outcomes


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def uses_batch_api(connection) -> bool:
    """Anymail's provider backends take many recipients per call with per-recipient data.

    The site's own backend (emails.backend) hands messages on to the mailer it names.
    """
    if not settings.NEWSLETTER_MERGE_FIELD:
        return False
    handed_to = getattr(connection, "deliver_with", None)
    if handed_to:
        mailer: dict[str, Any] = settings.MAILERS.get(handed_to, {})
        path = mailer.get("BACKEND", "")
        return path.startswith("anymail.backends.")
    return hasattr(connection, "esp_name")


def deliver(send: Send, token: uuid.UUID, renderer: Renderer, connection) -> int:
    """Send one claimed batch and record each member's outcome. Returns how many were sent."""
    rows = _load_batch(send, token)
    skipped, recipients = {}, []
    for row in rows:
        reason = _skip_reason(row["user"])
        if reason:
            skipped[row["pk"]] = reason
            continue
        user = row["user"]
        row["full"] = is_full(renderer.article, staff=user["is_staff"], paid=user["paid_access"])
        recipients.append(row)
    full_ids = [row["pk"] for row in recipients if row["full"]]
    # Marked before the provider is called: from here on a crash means "unknown", not "resend".
    Delivery.objects.filter(claim=token).update(
        state=Case(
            When(pk__in=list(skipped) or [0], then=Value(Delivery.State.SKIPPED)),
            default=Value(Delivery.State.SENDING),
        ),
        full=Case(When(pk__in=full_ids or [0], then=Value(True)), default=Value(False)),
    )
    send_with = _batched if uses_batch_api(connection) else _per_member
    outcomes: dict[int, Outcome] = {}
    handed_over: set[int] = set()
    try:
        send_with(connection, renderer, recipients, outcomes, handed_over)
    except Exception:
        # What the provider was given but did not answer for may have gone out: never resend
        # it, report it in the admin. What it was never given goes back in the queue.
        logger.exception("Send %s: batch %s ended without the provider's answer", send.pk, token)
        for pk in handed_over - outcomes.keys():
            outcomes[pk] = Outcome(sent=False, state=Delivery.State.UNKNOWN, error=NO_ANSWER)
        untried = [row["pk"] for row in recipients if row["pk"] not in handed_over]
        Delivery.objects.filter(pk__in=untried).update(
            state=Delivery.State.PENDING, claim=None, claimed_at=None
        )
        recipients = [row for row in recipients if row["pk"] in handed_over]
    _record(outcomes, skipped, emails={row["pk"]: row["user"]["email"] for row in recipients})
    return sum(1 for outcome in outcomes.values() if outcome.sent)


def _record(outcomes: dict[int, Outcome], skipped: dict[int, str], *, emails) -> None:
    """Every outcome of the batch in one statement: the address used, and what happened."""
    now = timezone.now()
    rows = [
        (
            pk,
            outcome.state or (Delivery.State.SENT if outcome.sent else Delivery.State.FAILED),
            now if outcome.sent else None,
            outcome.message_id[:255],
            outcome.error[:500],
            emails[pk],
        )
        for pk, outcome in outcomes.items()
    ] + [(pk, Delivery.State.SKIPPED, None, "", reason, None) for pk, reason in skipped.items()]
    if not rows:
        return
    if connection.vendor == "postgresql":
        _record_postgresql(rows)
        return
    fields = ["state", "sent_at", "message_id", "error", "email"]
    objects = [Delivery(pk=row[0], **dict(zip(fields, row[1:], strict=True))) for row in rows]
    Delivery.objects.bulk_update([o for o in objects if o.email], fields)
    Delivery.objects.bulk_update([o for o in objects if not o.email], fields[:-1])


# Django's bulk_update writes a CASE per field and row, which costs seconds for a batch of
# hundreds; PostgreSQL joins the batch's values as arrays instead, in milliseconds.
_UPDATE_FROM_ARRAYS = """
    UPDATE {table} AS d
    SET state = v.state, sent_at = v.sent_at, message_id = v.message_id, error = v.error,
        email = COALESCE(v.email, d.email)
    FROM unnest(%s::bigint[], %s::text[], %s::timestamptz[], %s::text[], %s::text[], %s::text[])
        AS v(id, state, sent_at, message_id, error, email)
    WHERE d.id = v.id
"""


def _record_postgresql(rows: list[tuple]) -> None:
    columns = [list(column) for column in zip(*rows, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(_UPDATE_FROM_ARRAYS.format(table=Delivery._meta.db_table), columns)


@task(priority=PRIORITY)
def deliver_send(send_id: int) -> dict:
    """Claim and send batches for a while, then hand over to a fresh task if work remains.

    Each run is bounded (NEWSLETTER_TASK_SECONDS), so no task runs long enough to be taken for
    a dead worker's; NEWSLETTER_PARALLEL_TASKS of these run side by side on different workers.
    """
    deadline = time.monotonic() + settings.NEWSLETTER_TASK_SECONDS
    send = Send.objects.select_related("newsletter").get(pk=send_id)
    recover(send_id)
    renderer = Renderer(send)
    sent = batches = 0
    with mailers.default as connection:
        while time.monotonic() < deadline and (token := claim(send_id)) is not None:
            sent += deliver(send, token, renderer, connection)
            batches += 1
    follow_up(send_id)
    return {"batches": batches, "sent": sent}


def follow_up(send_id: int) -> None:
    """Finish the send, or make sure something will come back to it."""
    waiting = Delivery.objects.filter(send_id=send_id).aggregate(
        pending=Count("pk", filter=Q(state=Delivery.State.PENDING)),
        in_flight=Count("pk", filter=Q(state__in=[Delivery.State.CLAIMED, Delivery.State.SENDING])),
    )
    state = Send.objects.filter(pk=send_id).values_list("state", flat=True).first()
    if state != Send.State.SENDING:
        return
    if waiting["pending"]:
        deliver_send.enqueue(send_id)
    elif waiting["in_flight"] and default_task_backend.supports_defer:
        # Another worker holds rows; if it died, come back once its claim has expired.
        later = timezone.now() + timedelta(seconds=settings.NEWSLETTER_CLAIM_TIMEOUT + 1)
        deliver_send.using(run_after=later).enqueue(send_id)
    elif not waiting["in_flight"]:
        Send.objects.filter(pk=send_id, state=Send.State.SENDING).update(
            state=Send.State.DONE, finished_at=timezone.now()
        )


def progress(send: Send) -> dict[str, int]:
    """Counts by state, one query: what the admin shows."""
    states = Delivery.State
    counts = Delivery.objects.filter(send=send).aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(state=states.SENT)),
        failed=Count("pk", filter=Q(state=states.FAILED)),
        unknown=Count("pk", filter=Q(state=states.UNKNOWN)),
        skipped=Count("pk", filter=Q(state=states.SKIPPED)),
        waiting=Count("pk", filter=Q(state__in=[states.PENDING, states.CLAIMED, states.SENDING])),
        full=Count("pk", filter=Q(state=states.SENT, full=True)),
    )
    counts["preview"] = counts["sent"] - counts["full"]
    return counts


def provider_reports(send: Send) -> dict[str, int]:
    """What the provider's tracking webhooks said about this send's emails: one query."""
    reported = dict(
        DeliveryEvent.objects.filter(delivery__send=send)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {kind: reported.get(kind, 0) for kind in DeliveryEvent.Kind.values}
