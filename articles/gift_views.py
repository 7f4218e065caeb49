"""Gift links on the site: a subscriber makes or revokes one; anyone opens one."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from .access import access_through_gift
from .gifts import (
    READER_COOKIE,
    GiftRefused,
    GiftState,
    make_gift_link,
    open_gift_link,
    reader_key_for,
)
from .models import Article, ArticleAuthor, GiftLink
from .views import render_article

# Why a link shows only the preview, told on the article's own page.
CLOSED = {
    GiftState.REVOKED: "This gift link has been switched off by the person who shared it.",
    GiftState.EXPIRED: "This gift link has expired.",
    GiftState.FULL: "This gift link has been opened by as many readers as it allows.",
}
READER_COOKIE_AGE = 365 * 24 * 60 * 60


def _gifted(response: HttpResponse) -> HttpResponse:
    """A gifted page differs per reader and carries paid text: no cache but the browser's,
    and neither search engines nor the next site's Referer learn the secret address."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _account_gifts() -> str:
    return reverse("accounts:account") + "#gift-links"


@require_POST
@login_required
def make_gift(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("section"), pk=pk)
    try:
        link = make_gift_link(
            giver=request.user, article=article, giver_name=request.POST.get("giver_name", "")
        )
    except GiftRefused as refused:
        context = {"article": article, "message": refused.message}
        return render(request, "articles/gift_refused.html", context, status=refused.status)
    address = settings.SITE_URL + link.get_absolute_url()
    messages.success(
        request,
        f"Your gift link to “{article.headline}” is ready: {address} — anyone with it can read "
        f"the story for {settings.GIFT_LINK_DAYS} days.",
    )
    return redirect(_account_gifts())


@require_POST
@login_required
def revoke_gift(request: HttpRequest, token: str) -> HttpResponse:
    link = get_object_or_404(GiftLink, token=token, giver=request.user)
    link.revoke()
    messages.success(request, f"Your gift link to “{link.article.headline}” no longer opens.")
    return redirect(_account_gifts())


@require_safe
def gift_link(request: HttpRequest, token: str) -> HttpResponse:
    link = (
        GiftLink.objects.filter(token=token)
        .select_related("article__section")
        .prefetch_related(
            Prefetch("article__bylines", queryset=ArticleAuthor.objects.select_related("author")),
            "article__tags",
        )
        .first()
    )
    if link is None or not link.article.is_published():
        response = render(request, "articles/gift_unknown.html", status=404)
        return _gifted(response)
    reader_key, new_cookie = reader_key_for(request, link)
    state = open_gift_link(link, reader_key=reader_key)
    access = access_through_gift(request.user, link.article, gift_open=state == GiftState.OPEN)
    response = render_article(
        request,
        link.article,
        access=access,
        gift={"link": link, "closed": CLOSED.get(state, "")},
        noindex=True,
    )
    if new_cookie and state == GiftState.OPEN:
        response.set_cookie(
            READER_COOKIE,
            new_cookie,
            max_age=READER_COOKIE_AGE,
            path="/gift/",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return _gifted(response)
