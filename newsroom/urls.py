from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve

from accounts import views as accounts_views
from articles import sitemaps
from newsroom.health import ReadinessView, healthz
from newsroom.site import absolute


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /accounts/", ""]
    lines.append(f"Sitemap: {absolute('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


admin.site.site_header = f"{settings.SITE_NAME} admin"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Write, schedule and publish"


@require_safe
def favicon(request):
    # Browsers ask for /favicon.ico whatever the page says. Resolved per request: with the
    # manifest storage the hashed name exists only after collectstatic.
    return HttpResponsePermanentRedirect(static("favicon.svg"))


_public_hour = cache_control(public=True, max_age=3600)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", ReadinessView.as_view(), name="readyz"),
    path("admin/", admin.site.urls),
    # Before allauth's own, which it replaces (accounts/views.py says why).
    path("accounts/login/", accounts_views.login, name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("", include("readers.urls")),
    path("", include("subscriptions.urls")),
    path("", include("giftsubs.urls")),
    path("newsletters/", include("newsletters.urls")),
    path("", include("emails.urls")),
    # Public, the same for everyone: caches and crawlers may keep them an hour.
    path("sitemap.xml", _public_hour(sitemaps.index), name="sitemap"),
    path("sitemap-sections.xml", _public_hour(sitemaps.sections), name="sitemap_sections"),
    path(
        "sitemap-articles-<int:number>.xml",
        _public_hour(sitemaps.articles),
        name="sitemap_articles",
    ),
    path("robots.txt", robots_txt),
    path("favicon.ico", favicon),
]


def serve_media(request, path):
    # A name longer than the file system allows made the stat() in serve() fail: a 500.
    if any(len(part.encode()) > 255 for part in path.split("/")):
        raise Http404("No such file.")
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(re_path(rf"^{media_prefix}(?P<path>.*)$", serve_media))

# Last: section and article paths catch any other top-level slug.
urlpatterns.append(path("", include("pages.urls")))
urlpatterns.append(path("", include("articles.urls")))

# A database outage is a 503 with Retry-After, anything else the 500 page (newsroom/errors.py).
handler500 = "newsroom.errors.server_error"
