"""The site's one email backend (MAILERS["default"]): the one place every email passes.

It drops suppressed recipients, keeps an outbox copy when EMAIL_OUTBOX is on, and hands what is
left to the mailer named by its `deliver_with` option (console, SMTP or an anymail provider).
"""

import logging

from django.conf import settings
from django.core.mail import mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

from .models import OutboxMessage, Suppression

log = logging.getLogger(__name__)

# Newsletter and other bulk email carries List-Unsubscribe (RFC 8058); a reader's unsubscribe
# at the provider stops that, and only that.
BULK_HEADER = "List-Unsubscribe"
OUTBOX_KEEPS = 500


def is_bulk(message: EmailMessage) -> bool:
    return any(name.lower() == BULK_HEADER.lower() for name in message.extra_headers)


def drop_suppressed(message: EmailMessage) -> list[str]:
    """Remove suppressed addresses from the message; the addresses removed."""
    everyone = [*message.to, *message.cc, *message.bcc]
    if not everyone:
        return []
    from email.utils import parseaddr

    def bare(address: str) -> str:
        return parseaddr(address)[1].lower()

    blocked = set(
        Suppression.objects.blocking(
            [bare(a) for a in everyone], bulk=is_bulk(message)
        ).values_list("address", flat=True)
    )
    if not blocked:
        return []
    message.to = [a for a in message.to if bare(a) not in blocked]
    message.cc = [a for a in message.cc if bare(a) not in blocked]
    message.bcc = [a for a in message.bcc if bare(a) not in blocked]
    merge_data = getattr(message, "merge_data", None)
    if merge_data:  # anymail batch sends: one entry per recipient
        message.merge_data = {k: v for k, v in merge_data.items() if bare(k) not in blocked}
    return sorted(a for a in everyone if bare(a) in blocked)


def keep_in_outbox(message: EmailMessage) -> None:
    html = next(
        (
            content
            for content, mimetype in getattr(message, "alternatives", [])
            if mimetype == "text/html"
        ),
        "",
    )
    if message.content_subtype == "html":
        html = html or message.body
    OutboxMessage.objects.create(
        subject=str(message.subject)[:998],
        from_email=str(message.from_email)[:998],
        to="\n".join([*message.to, *message.cc, *message.bcc]),
        body=message.body if message.content_subtype != "html" else "",
        html=str(html),
    )
    # The demo's outbox is a window, not an archive.
    stale = OutboxMessage.objects.order_by("-sent_at", "-id").values_list("id", flat=True)[
        OUTBOX_KEEPS:
    ]
    if stale:
        OutboxMessage.objects.filter(id__in=list(stale)).delete()


class EmailBackend(BaseEmailBackend):
    def __init__(self, *, deliver_with: str, **kwargs):
        super().__init__(**kwargs)
        self.deliver_with = deliver_with
        self.delivery = None

    def open(self):
        if self.delivery is not None:
            return False
        self.delivery = mailers[self.deliver_with]
        self.delivery.open()
        return True

    def close(self):
        if self.delivery is not None:
            try:
                self.delivery.close()
            finally:
                self.delivery = None

    def send_messages(self, email_messages):
        deliverable = []
        for message in email_messages:
            dropped = drop_suppressed(message)
            if dropped:
                log.info("Not sending %r to suppressed %s", str(message.subject), dropped)
            if message.recipients():
                deliverable.append(message)
        if not deliverable:
            return 0
        opened = self.open()
        try:
            sent = self.delivery.send_messages(deliverable) or 0
        finally:
            if opened:
                self.close()
        # Only what the mailer took: a failed send that is retried shows once, when it goes.
        if settings.EMAIL_OUTBOX:
            for message in deliverable:
                keep_in_outbox(message)
        return sent
