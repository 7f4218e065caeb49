"""Where free sign-ups come from: the page the sign-up form was to return the reader to.

Recorded when allauth says a reader signed up (`user_signed_up`), from the form's `next`: an
article (its paywall's "Sign up free") or a gift link's page; anything else is "elsewhere".
"""

from django.http import HttpRequest
from django.urls import Resolver404, resolve

from articles.models import Article, GiftLink

from .models import SignUp


def _source(next_url: str) -> tuple[str, Article | None]:
    path = next_url.split("?", 1)[0] if next_url.startswith("/") else ""
    try:
        match = resolve(path) if path and not path.startswith("//") else None
    except Resolver404:
        match = None
    if match is None:
        return SignUp.Source.ELSEWHERE, None
    if match.view_name == "articles:detail":
        article = (
            Article.objects.published()
            .filter(section__slug=match.kwargs["section_slug"], slug=match.kwargs["slug"])
            .first()
        )
        if article is not None:
            return SignUp.Source.ARTICLE, article
    if match.view_name == "articles:gift_link":
        link = GiftLink.objects.filter(token=match.kwargs["token"]).select_related("article")
        found = link.first()
        if found is not None:
            return SignUp.Source.GIFT_LINK, found.article
    return SignUp.Source.ELSEWHERE, None


def record_sign_up(*, request: HttpRequest | None, user) -> SignUp:
    next_url = ""
    if request is not None:
        raw = request.POST.get("next") or request.GET.get("next") or ""
        next_url = raw if isinstance(raw, str) else ""
    source, article = _source(next_url)
    sign_up, _ = SignUp.objects.update_or_create(
        user=user, defaults={"source": source, "source_article": article}
    )
    return sign_up


def signed_up(sender, request=None, user=None, **kwargs) -> None:
    if user is not None:
        record_sign_up(request=request, user=user)
