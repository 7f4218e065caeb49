"""The site's one email backend (MAILERS["default"]): the one place every email passes.

It drops suppressed recipients, hands what is left to the mailer named by its `deliver_with`
option (console, SMTP or an anymail provider), then keeps an outbox copy when EMAIL_OUTBOX is
on. One query finds the suppressions of a call, whatever its size; a connection opened for many
calls (`with mailers.default as connection:`, as a newsletter batch does) reads the list of
suppressed addresses once, when first needed, and keeps it until it is closed.

A dropped recipient is reported the way providers report a refusal, in anymail's terms:
`message.anymail_status.recipients[address].status == "rejected"` (and a message left with
nobody to send to is not handed to the mailer at all).
"""

import logging
from email.utils import parseaddr

from anymail.message import AnymailRecipientStatus, AnymailStatus
from django.conf import settings
from django.core.mail import mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

from .models import BLOCKS_EVERYTHING, OutboxMessage, SentEmail, Suppression

log = logging.getLogger(__name__)

OUTBOX_KEEPS = 500


def bare(address: str) -> str:
    return parseaddr(address)[1].lower()


def is_bulk(message: EmailMessage) -> bool:
    """Newsletters and other bulk email carry List-Unsubscribe (RFC 8058), in the message's
    headers or, in a batch send, in each recipient's merge headers."""
    names = list(message.extra_headers)
    for headers in (getattr(message, "merge_headers", None) or {}).values():
        names.extend(headers)
    return any(name.lower().startswith("list-unsubscribe") for name in names)


def _everyone(message: EmailMessage) -> list[str]:
    return [*message.to, *message.cc, *message.bcc]


def suppressed(addresses=None) -> dict[str, str]:
    """{address: reason} for the given addresses, or for every suppressed address."""
    rows = (
        Suppression.objects.all()
        if addresses is None
        else Suppression.objects.filter(address__in=addresses)
    )
    return dict(rows.order_by().values_list("address", "reason"))


def drop_suppressed(messages: list[EmailMessage], reasons=None) -> dict[int, list[str]]:
    """Remove suppressed addresses from each message; {index: addresses removed}.

    `reasons` ({address: reason}) may be given by a caller that already read them."""
    addresses = {bare(a) for m in messages for a in _everyone(m)}
    if not addresses:
        return {}
    if reasons is None:
        reasons = suppressed(addresses)
    dropped = {}
    for index, message in enumerate(messages):
        bulk = is_bulk(message)
        blocked = {
            address
            for address in map(bare, _everyone(message))
            if address in reasons and (bulk or reasons[address] in BLOCKS_EVERYTHING)
        }
        if not blocked:
            continue
        dropped[index] = [a for a in _everyone(message) if bare(a) in blocked]
        message.to = [a for a in message.to if bare(a) not in blocked]
        message.cc = [a for a in message.cc if bare(a) not in blocked]
        message.bcc = [a for a in message.bcc if bare(a) not in blocked]
        for name in ("merge_data", "merge_headers", "merge_metadata"):  # anymail batch sends
            per_recipient = getattr(message, name, None)
            if per_recipient:
                setattr(
                    message,
                    name,
                    {k: v for k, v in per_recipient.items() if bare(k) not in blocked},
                )
    return dropped


def _report_rejected(message: EmailMessage, addresses: list[str]) -> None:
    status = getattr(message, "anymail_status", None)
    if status is None:
        status = AnymailStatus()
        # anymail reads the result from this attribute, which it adds to messages it sends.
        message.anymail_status = status  # type: ignore[attr-defined]
    statuses = dict(status.recipients)
    statuses.update({bare(a): AnymailRecipientStatus(None, "rejected") for a in addresses})
    status.set_recipient_status(statuses)


def keep_in_outbox(messages: list[EmailMessage]) -> None:
    def html_of(message):
        alternatives = getattr(message, "alternatives", [])
        html = next((str(c) for c, mimetype in alternatives if mimetype == "text/html"), "")
        return html or (message.body if message.content_subtype == "html" else "")

    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            subject=str(m.subject)[:998],
            from_email=str(m.from_email)[:998],
            to="\n".join(_everyone(m)),
            body=str(m.body) if m.content_subtype != "html" else "",
            html=html_of(m),
        )
        for m in messages
    )
    # The demo's outbox is a window, not an archive.
    stale = OutboxMessage.objects.values_list("id", flat=True)[OUTBOX_KEEPS:]
    OutboxMessage.objects.filter(id__in=list(stale)).delete()


def sent_records(messages: list[EmailMessage]) -> list[SentEmail]:
    """One SentEmail per recipient of each email that is not bulk (newsletters keep their own
    record), so the publisher can see what a member was sent."""
    return [
        SentEmail(address=bare(address)[:254], subject=str(m.subject)[:998])
        for m in messages
        if not is_bulk(m)
        for address in _everyone(m)
    ]


class EmailBackend(BaseEmailBackend):
    def __init__(self, *, deliver_with: str, **kwargs):
        super().__init__(**kwargs)
        self.deliver_with = deliver_with
        self.delivery: BaseEmailBackend | None = None
        self.snapshot: dict[str, str] | None = None
        # What a connection opened for many calls sent, written once when it closes.
        self.sent: list[SentEmail] = []

    def open(self):
        if self.delivery is not None:
            return False
        self.delivery = mailers[self.deliver_with]
        self.delivery.open()
        return True

    def close(self):
        self.snapshot = None
        sent, self.sent = self.sent, []
        if sent:
            SentEmail.objects.bulk_create(sent)
        if self.delivery is not None:
            try:
                self.delivery.close()
            finally:
                self.delivery = None

    def send_messages(self, email_messages):
        messages = list(email_messages)
        held_open = self.delivery is not None
        if held_open:  # opened by the caller for many calls
            if self.snapshot is None:
                self.snapshot = suppressed()
            dropped = drop_suppressed(messages, self.snapshot)
        else:
            dropped = drop_suppressed(messages)
        for index, addresses in dropped.items():
            log.info("Not sending %r to suppressed %s", str(messages[index].subject), addresses)
        deliverable = [m for m in messages if m.recipients()]
        sent = 0
        if deliverable:
            opened = self.open()
            assert self.delivery is not None  # open() set it, or the caller had
            try:
                sent = self.delivery.send_messages(deliverable) or 0
            finally:
                if opened:
                    self.close()
            # Only what the mailer took: a failed send that is retried shows once, when it goes.
            if held_open:
                self.sent.extend(sent_records(deliverable))
            else:
                SentEmail.objects.bulk_create(sent_records(deliverable))
            if settings.EMAIL_OUTBOX:
                keep_in_outbox(deliverable)
        for index, addresses in dropped.items():
            _report_rejected(messages[index], addresses)
        return sent
