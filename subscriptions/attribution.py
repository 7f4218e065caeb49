"""Where a checkout started, so the admin can count conversions per article and offer.

The source rides in the Checkout Session's and the subscription's metadata, and the synced
subscription keeps it: `source` is article, gift_link, offer or pricing; `source_article` the
article whose paywall or gift link led there.
"""

from django.apps import apps
from django.urls import Resolver404, resolve

from .models import Source

# What the pricing page passes on when a reader came from a gift link's banner.
VIA_GIFT = "gift"


def _article_at(path: str) -> int | None:
    try:
        match = resolve(path.split("?", 1)[0])
    except Resolver404:
        return None
    if match.view_name != "articles:detail":
        return None
    Article = apps.get_model("articles", "Article")
    return (
        Article.objects.published()
        .filter(section__slug=match.kwargs["section_slug"], slug=match.kwargs["slug"])
        .values_list("pk", flat=True)
        .first()
    )


def checkout_source(*, offer_code: str, next_url: str, via: str) -> dict[str, str]:
    """The metadata naming where this checkout started."""
    if offer_code:
        return {"source": Source.OFFER}
    article = _article_at(next_url) if next_url else None
    if article is None:
        return {"source": Source.PRICING}
    source = Source.GIFT_LINK if via == VIA_GIFT else Source.ARTICLE
    return {"source": source, "source_article": str(article)}


def stored_source(metadata: dict) -> dict:
    """Subscription fields from the metadata `checkout_source` wrote; {} when there is none."""
    source = metadata.get("source")
    if source not in Source.values:
        return {}
    values = {"source": source, "source_article": None}
    article_id = str(metadata.get("source_article") or "")
    if article_id.isascii() and article_id.isdigit():
        Article = apps.get_model("articles", "Article")
        values["source_article"] = Article.objects.filter(pk=int(article_id)).first()
    return values
