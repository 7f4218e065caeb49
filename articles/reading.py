"""How long a story takes to read: the one rule.

Reading time counts the whole story's words (not only the preview), at a pace for news prose;
it says nothing of the text itself, so it is the same for every reader.
"""

from functools import lru_cache

from django.utils.html import strip_tags

WORDS_PER_MINUTE = 230


@lru_cache(maxsize=512)
def word_count(html: str) -> int:
    # A space before every tag: "<p>one</p><p>two</p>" is two words, not "onetwo".
    return len(strip_tags((html or "").replace("<", " <")).split())


def reading_minutes(html: str) -> int:
    """Whole minutes, at least one: "4 min read"."""
    return max(1, round(word_count(html) / WORDS_PER_MINUTE))
