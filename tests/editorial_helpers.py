"""Builders for the editorial tests: staff in the migration's groups, and admin form posts."""

from articles.models import Article

ADD_URL = "/admin/articles/article/add/"
LIST_URL = "/admin/articles/article/"


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def _inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def article_post(article=None, *, editor=True, **overrides):
    """The POST the admin's change form sends, for the fields a role's form has."""
    data = {
        "headline": article.headline if article else "A new story",
        "slug": article.slug if article else "a-new-story",
        "standfirst": article.standfirst if article else "",
        "section": str(article.section_id) if article else "",
        "body": article.body if article else "<p>Hello.</p>",
        "hero_alt": "",
        "hero_caption": "",
        "seo_title": "",
        "seo_description": "",
    }
    if editor:
        published = article.published_at if article else None
        data |= {
            "status": article.status if article else Article.Status.DRAFT,
            "published_at_0": published.strftime("%Y-%m-%d") if published else "",
            "published_at_1": published.strftime("%H:%M:%S") if published else "",
            "access": article.access if article else Article.Access.PAID,
        }
    bylines = list(article.bylines.all()) if article else []
    data |= _inline_management("bylines", total=len(bylines), initial=len(bylines))
    for index, byline in enumerate(bylines):
        data |= {
            f"bylines-{index}-id": str(byline.pk),
            f"bylines-{index}-article": str(article.pk),
            f"bylines-{index}-author": str(byline.author_id),
            f"bylines-{index}-order": str(byline.order),
        }
    data |= _inline_management("images")
    data |= {key: value for key, value in overrides.items() if value is not None}
    return data
