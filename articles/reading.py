"""How long a story takes to read, and what to read next: the one rule for each.

Reading time counts the whole story's words (not only the preview), at a pace for news prose;
it says nothing of the text itself, so it is the same for every reader.
"""

from functools import lru_cache

from django.utils.html import strip_tags

from .models import Article

WORDS_PER_MINUTE = 230
MORE_FROM_SECTION = 3


@lru_cache(maxsize=512)
def word_count(html: str) -> int:
    # A space before every tag: "<p>one</p><p>two</p>" is two words, not "onetwo".
    return len(strip_tags((html or "").replace("<", " <")).split())


def reading_minutes(html: str) -> int:
    """Whole minutes, at least one: "4 min read"."""
    return max(1, round(word_count(html) / WORDS_PER_MINUTE))


def more_from_section(article: Article) -> list[Article]:
    """The section's newest other stories, in one query (no bylines, no body)."""
    return list(
        Article.objects.published()
        .filter(section_id=article.section_id)
        .exclude(pk=article.pk)
        .select_related("section")
        .only("headline", "slug", "standfirst", "access", "published_at", "section__slug")
        .order_by("-published_at", "-id")[:MORE_FROM_SECTION]
    )
