import json

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from newsroom.site import absolute, absolute_url
from subscriptions.entitlements import trial_offer_days

from . import images, reading
from . import search as search_rules
from .access import Reason, access_for
from .models import Article, ArticleAuthor, ArticleRedirect, Author, Section, Tag
from .pagination import ArchivePaginator, requested_page

HOME_LATEST = 10
HOME_PER_SECTION = 4
ANONYMOUS_MAX_AGE = 60
# A CDN may serve a page this long past max-age while it fetches a fresh one.
STALE_WHILE_REVALIDATE = 30


def _reader_cache_headers(request, response):
    """One page for every anonymous reader; anything shaped by an account stays private."""
    patch_vary_headers(response, ["Cookie"])
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(
            response,
            public=True,
            max_age=ANONYMOUS_MAX_AGE,
            s_maxage=ANONYMOUS_MAX_AGE,
            stale_while_revalidate=STALE_WHILE_REVALIDATE,
        )
    return response


def _paginate(request, queryset):
    number = requested_page(request.GET.get("page"))
    paginator = ArchivePaginator(queryset, settings.ARTICLES_PER_PAGE, number=number)
    return paginator.get_page(number)


@require_safe
def home(request):
    published = Article.objects.published().for_listing()
    latest = list(published[: HOME_LATEST + 1])
    lead, latest = (latest[0], latest[1:]) if latest else (None, [])

    # The section blocks carry on from the top stories rather than repeating them.
    on_top = [article.pk for article in ([lead] if lead else []) + latest]
    by_section: dict[Section, list[Article]] = {}
    for article in published.exclude(pk__in=on_top).latest_per_section(HOME_PER_SECTION):
        by_section.setdefault(article.section, []).append(article)
    sections = sorted(by_section.items(), key=lambda item: (item[0].order, item[0].name))

    context = {"lead": lead, "latest": latest, "sections": sections}
    return _reader_cache_headers(request, render(request, "articles/home.html", context))


def _listing(request, template, name, obj, **article_filter):
    """A paginated page of published teasers about one section, author or tag."""
    articles = Article.objects.published().for_listing().filter(**article_filter)
    context = {name: obj, "page": _paginate(request, articles)}
    if isinstance(obj, Section):
        context["current_section"] = obj
    return _reader_cache_headers(request, render(request, template, context))


@require_safe
def section_detail(request, section_slug):
    section = Section.objects.filter(slug=section_slug).first()
    if section is None:
        # A story's address on a site we imported from (Ghost's /<slug>/), kept as a redirect
        # with no section (content_import).
        return _redirect_from_old_address("", section_slug)
    return _listing(request, "articles/section.html", "section", section, section=section)


@require_safe
def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    return _listing(request, "articles/author.html", "author", author, authors=author)


@require_safe
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    return _listing(request, "articles/tag.html", "tag", tag, tags=tag)


@require_safe
def search(request):
    """Search what this reader may find: public stories whole, others by their teaser.

    Matching a paid body would tell a reader which words stand past the paywall; the rule
    lives in articles/search.py.
    """
    query = search_rules.clean_query(request.GET.get("q", ""))
    page, corrected = None, None
    if query:
        page, corrected = search_rules.find(
            query,
            lambda results: Paginator(results, settings.ARTICLES_PER_PAGE).get_page(
                request.GET.get("page")
            ),
        )
    context = {
        "query": query,
        "corrected": corrected,
        "page": page,
        "candidates": search_rules.SEARCH_CANDIDATES,
    }
    return _reader_cache_headers(request, render(request, "articles/search.html", context))


def _published_article(section_slug, slug):
    articles = (
        Article.objects.published()
        .select_related("section")
        .prefetch_related(
            Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author")), "tags"
        )
    )
    return articles.filter(section__slug=section_slug, slug=slug).first()


@require_safe
def article_detail(request, section_slug, slug):
    article = _published_article(section_slug, slug)
    if article is None:
        return _redirect_from_old_address(section_slug, slug)
    return render_article(request, article)


def _redirect_from_old_address(section_slug, slug):
    """A permanent redirect from an address a story once had (renamed here, or on a site we
    imported from, kept with no section), to its address now; 404 unless it is published."""
    old = (
        ArticleRedirect.objects.filter(section_slug=section_slug, slug=slug)
        .select_related("article__section")
        .first()
    )
    if old is None or not old.article.is_published():
        raise Http404("No such page.")
    return redirect(old.article, permanent=True)


def render_article(request, article, *, access=None, banner=None, noindex=False, gift=None):
    """Render an article with exactly the text the reader may read.

    Shared by the public page and the staff previews, so that they cannot disagree.
    """
    access = access if access is not None else access_for(request.user, article)
    paying_cta = access.reason in (Reason.SUBSCRIPTION_REQUIRED, Reason.UPGRADE_REQUIRED)
    hero = images.picture(article.hero_image, article.hero_renditions)
    context = {
        # The hero's copies; the stored original is never named on the page.
        "hero": hero,
        "hero_sizes": images.SIZES["hero"],
        "hero_share_url": absolute_url(hero.share_url) if hero else "",
        "article": article,
        "current_section": article.section,
        "access": access,
        "preview": article.text.preview,
        # Past the preview: only ever computed into the page for a reader who may read it.
        "rest": article.text.rest if access.full else "",
        "show_cta": not access.full,
        # The same for every anonymous reader: it depends on a setting, not on who asks.
        "metered_allowance": settings.METERED_FREE_STORIES,
        "gift_days": settings.GIFT_LINK_DAYS,
        # Asked only under a paywall that sells a subscription: "Start your 7-day free trial".
        "trial_days": trial_offer_days(request.user) if paying_cta else 0,
        "json_ld": _json_ld(request, article, access, hero),
        "reading_minutes": reading.reading_minutes(article.body),
        "more_from_section": reading.more_from_section(article),
        "banner": banner,
        "noindex": noindex,
        # Opened through a gift link: who gave it, or why it no longer opens.
        "gift": gift,
        # Staff reading the live page see where the paywall falls and a way to edit; previews
        # show exactly what their reader would, so they get neither.
        "staff_tools": banner is None and gift is None and request.user.is_staff,
    }
    response = render(request, "articles/article_detail.html", context)
    if article.access != Article.Access.PUBLIC:
        # Search caches and archive services must not keep a copy a reader with access was
        # served (the template says the same in a robots meta tag). Previews replace this with
        # their stricter "noindex, nofollow".
        response["X-Robots-Tag"] = "noarchive"
    return _reader_cache_headers(request, response)


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _json_ld(request, article, access, hero):
    """Structured data for search engines. It never carries the body, paid or not."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": article.meta_description,
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": (
            article.revised_at or article.published_at or article.updated_at
        ).isoformat(),
        "author": [
            {
                "@type": "Person",
                "name": author.name,
                "url": absolute(author.get_absolute_url()),
            }
            for author in article.byline
        ],
        "articleSection": article.section.name,
        "mainEntityOfPage": absolute(article.get_absolute_url()),
        "isAccessibleForFree": article.access == Article.Access.PUBLIC,
    }
    if hero is not None:
        data["image"] = {
            "@type": "ImageObject",
            "url": absolute_url(hero.share_url),
            "width": hero.share_width,
            "height": hero.share_height,
        }
    if article.access != Article.Access.PUBLIC:
        # Google's markup for paywalled content: the part past the preview is marked.
        data["hasPart"] = {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": ".article-rest",
        }
    return json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
