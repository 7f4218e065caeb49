"""A reader's copy of their data: everything we keep about them, as one JSON document.

Every query is filtered on the one reader; nothing about another reader (who opened their gift
links, say) is included beyond counts.
"""

from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.db.models import Count
from django.utils import timezone

from articles.models import GiftLink
from newsletters.models import ConsentEvent, NewsletterSubscription
from newsroom.site import absolute
from subscriptions.models import (
    ComplimentaryAccess,
    DuplicateSubscription,
    MeteredRead,
    PaymentActionNotice,
    PaymentFailureNotice,
    Subscription,
)

FORMAT_VERSION = 1


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def reader_data(user) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "exported_at": _when(timezone.now()),
        "account": {
            "email": user.email,
            "name": user.name,
            "joined_at": _when(user.date_joined),
            "last_sign_in_at": _when(user.last_login),
            "has_password": user.has_usable_password(),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
        ],
        "passkeys": [
            {"name": str(a), "added_at": _when(a.created_at), "last_used_at": _when(a.last_used_at)}
            for a in Authenticator.objects.filter(
                user=user, type=Authenticator.Type.WEBAUTHN
            ).order_by("created_at")
        ],
        "sign_ins": [
            {
                "signed_in_at": _when(s.created_at),
                "last_seen_at": _when(s.last_seen_at),
                "ip": s.ip,
                "user_agent": s.user_agent,
            }
            for s in UserSession.objects.filter(user=user).order_by("-created_at")
        ],
        "subscriptions": _subscriptions(user),
        "complimentary_access": [
            {"reason": c.reason, "granted_at": _when(c.created_at), "ends_at": _when(c.expires_at)}
            for c in ComplimentaryAccess.objects.filter(user=user).order_by("created_at")
        ],
        "invoices": _invoices(user),
        "newsletters": _newsletters(user),
        "gift_links": [
            {
                "article": link.article.headline,
                "address": absolute(link.get_absolute_url()),
                "made_at": _when(link.created_at),
                "expires_at": _when(link.expires_at),
                "switched_off_at": _when(link.revoked_at),
                "max_readers": link.max_readers,
                "readers": link.reader_count,
            }
            for link in GiftLink.objects.filter(giver=user)
            .select_related("article")
            .annotate(reader_count=Count("readers"))
            .order_by("created_at")
        ],
        "metered_reads": [
            {"article": read.article.headline, "read_at": _when(read.read_at)}
            for read in MeteredRead.objects.filter(user=user)
            .select_related("article")
            .order_by("read_at")
        ],
    }


def _subscriptions(user) -> list[dict[str, Any]]:
    return [
        {
            "stripe_subscription": s.stripe_id,
            "stripe_customer": s.stripe_customer_id,
            "plan": s.plan.name if s.plan else "",
            "interval": s.interval,
            "status": s.status,
            "cancel_at_period_end": s.cancel_at_period_end,
            "current_period_end": _when(s.current_period_end),
            "ended_at": _when(s.ended_at),
            "started_at": _when(s.created_at),
            "offer": s.offer.name if s.offer else "",
            "signed_up_from": s.source,
        }
        for s in Subscription.objects.filter(user=user)
        .select_related("plan", "offer")
        .order_by("created_at")
    ]


def _invoices(user) -> list[dict[str, Any]]:
    """The invoices we keep a record of; Stripe holds the invoices themselves."""
    rows: list[dict[str, Any]] = [
        {"invoice": n.invoice_id, "event": "payment failed: we emailed you", "at": _when(n.sent_at)}
        for n in PaymentFailureNotice.objects.filter(user=user)
    ]
    rows += [
        {
            "invoice": n.invoice_id,
            "event": "payment needed your confirmation: we emailed you",
            "at": _when(n.sent_at),
        }
        for n in PaymentActionNotice.objects.filter(user=user)
    ]
    rows += [
        {
            "invoice": d.invoice_id,
            "event": "a second subscription was cancelled and refunded",
            "amount_refunded": d.amount_refunded,
            "currency": d.currency,
            "at": _when(d.created_at),
        }
        for d in DuplicateSubscription.objects.filter(user=user)
    ]
    return sorted(rows, key=lambda row: row["at"] or "")


def _newsletters(user) -> dict[str, Any]:
    return {
        "choices": [
            {
                "newsletter": s.newsletter.name,
                "receiving": s.is_active,
                "consented_at": _when(s.consented_at),
                "consent_given_on": s.consent_source,
                "left_at": _when(s.unsubscribed_at),
                "left_from": s.unsubscribe_source,
            }
            for s in NewsletterSubscription.objects.filter(user=user)
            .select_related("newsletter")
            .order_by("newsletter__name")
        ],
        "consent_history": [
            {
                "newsletter": e.newsletter.name,
                "action": e.action,
                "where": e.source,
                "at": _when(e.at),
            }
            for e in ConsentEvent.objects.filter(user=user)
            .select_related("newsletter")
            .order_by("at", "id")
        ],
    }
