"""Unpublished articles on the site: staff previews, "view as" and secret preview links.

Every preview renders through views.render_article with an explicit access decision, so it
shows exactly what that reader would get, and is never stored by a shared cache.
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_safe

from .access import AccessDecision, Reason, decide
from .models import Article, PreviewLink
from .permissions import visible_articles
from .views import render_article

PERSONAS = {
    "anonymous": "an anonymous reader",
    "reader": "a free reader",
    "subscriber": "a subscriber",
}


def _articles():
    return Article.objects.select_related("section").prefetch_related("bylines__author", "tags")


def _state(article) -> str:
    if article.is_published():
        return "published"
    if article.is_scheduled():
        when = date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
        return f"scheduled for {when}"
    return "draft, not visible to readers"


def _private(response, *, noindex=False):
    # Previews differ per viewer and may show what is not public yet: no shared caching.
    response["Cache-Control"] = "private, no-store"
    if noindex:
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
    return response


def access_as(persona: str, article: Article) -> AccessDecision:
    """What a reader of this kind would be allowed, by the same rule as real readers."""
    return decide(
        article,
        signed_in=persona != "anonymous",
        staff=False,
        paid=lambda: persona == "subscriber",
    )


@require_safe
@staff_member_required
def staff_preview(request, pk):
    article = get_object_or_404(visible_articles(request.user, _articles()), pk=pk)
    response = render_article(
        request,
        article,
        access=AccessDecision(True, Reason.STAFF),
        banner=f"Preview — {_state(article)}",
        noindex=True,
    )
    return _private(response, noindex=True)


@require_safe
@staff_member_required
def view_as(request, pk, persona):
    if persona not in PERSONAS:
        raise Http404("No such kind of reader.")
    article = get_object_or_404(visible_articles(request.user, _articles()), pk=pk)
    access = access_as(persona, article)
    ends = "reads it all" if access.full else "sees the preview, then the paywall"
    response = render_article(
        request,
        article,
        access=access,
        banner=f"Preview as {PERSONAS[persona]}, who {ends} — {_state(article)}",
        noindex=True,
    )
    return _private(response, noindex=True)


@require_safe
def preview_link(request, token):
    link = (
        PreviewLink.objects.active()
        .filter(token=token)
        .select_related("article__section")
        .prefetch_related("article__bylines__author", "article__tags")
        .first()
    )
    if link is None:
        raise Http404("This preview link does not exist or has been revoked.")
    if link.article.is_published():
        # Once the story is out, a link handed round for review must not get past the paywall:
        # its holder reads the public page, under the same rule as every reader.
        return _private(redirect(link.article), noindex=True)
    response = render_article(
        request,
        link.article,
        access=AccessDecision(True, Reason.STAFF),
        banner=f"Preview shared by the newsroom — {_state(link.article)}",
        noindex=True,
    )
    return _private(response, noindex=True)
