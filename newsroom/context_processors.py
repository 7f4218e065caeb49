from django.conf import settings

from articles.models import Section


def site(request):
    # Lazy, so pages that never show the navigation never pay for its query.
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "nav_sections": Section.objects.navigation,
    }
