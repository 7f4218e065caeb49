from django import template
from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from subscriptions.entitlements import has_paid_access

from ..gifts import links_left
from ..models import GiftLink

register = template.Library()

# The account page lists the newest links; older ones have long expired.
LINKS_SHOWN = 20


@register.simple_tag
def gift_summary(user):
    """The account page's gift links: the quota left this month and the reader's links.

    Empty for a reader who may not gift and never did, so they see no section at all.
    """
    if not user.is_authenticated:
        return {}
    links = list(
        GiftLink.objects.filter(giver=user)
        .select_related("article__section")
        .annotate(reader_count=Count("readers"))[:LINKS_SHOWN]
    )
    # has_paid_access is cached on the user: the header asked it already.
    if not links and not has_paid_access(user):
        return {}
    return {
        "links": links,
        "left": links_left(user),
        "per_month": settings.GIFT_LINKS_PER_MONTH,
        "now": timezone.now(),
    }
