"""Who may do what in the newsroom. The admin and the previews both ask here.

Writers create articles and edit their own drafts. Editors (and superusers) edit everything,
publish, schedule, unpublish, set the access level and place the paywall break.
"""

import re
from html import unescape

from django.conf import settings

from .html import cut, paywall_break_position
from .models import Article


def can_publish(user) -> bool:
    return user.has_perm("articles.publish_article")


def can_edit_any(user) -> bool:
    return user.has_perm("articles.edit_any_article")


def can_set_access(user) -> bool:
    return user.has_perm("articles.set_article_access")


def visible_articles(user, queryset=None):
    """The articles this member of staff may open in the admin and preview."""
    queryset = Article.objects.all() if queryset is None else queryset
    if can_edit_any(user):
        return queryset
    return queryset.filter(authors__user=user)


def is_own_article(user, article: Article) -> bool:
    return article.pk is not None and article.bylines.filter(author__user=user).exists()


def can_change_article(user, article: Article | None) -> bool:
    if not user.has_perm("articles.change_article"):
        return False
    if article is None or can_edit_any(user):
        return True
    # A writer's own draft, and nothing that is published or scheduled.
    return article.status == Article.Status.DRAFT and is_own_article(user, article)


# Fragments shorter than this ("Yes.", "Third.") are too common to say they were moved.
_MIN_MOVED_CHARS = 12


def _fragments(html: str) -> dict[str, str]:
    """The sentences of `html`, keyed by their text with tags dropped, whitespace collapsed and
    case folded (the value keeps the writer's spelling, for the message).

    Block and line-break tags end a fragment too, so list items and lines count on their own.
    """
    text = unescape(re.sub(r"<[^>]+>", "\n", html))
    pieces = (" ".join(piece.split()) for piece in re.split(r"\n+|(?<=[.!?])\s+", text))
    return {piece.casefold(): piece for piece in pieces if len(piece) >= _MIN_MOVED_CHARS}


def paid_text_moved_into_preview(old_body: str, new_body: str) -> str | None:
    """The first piece of text a writer's edit brings from past the editor's break into the
    preview, or None when the preview holds nothing new from past the break.

    Compared on what the preview contains, not on where the break sits: a writer could keep the
    break's index and still swap a hidden paragraph above it, or paste a hidden sentence into a
    preview paragraph. The similarity rule: the edit keeps the editor's paywall when the preview
    has the same number of blocks (checked by the break's position, see ArticleForm) and no
    sentence of the old hidden part, unless the old preview had it too, appears in the new
    preview. Rewording inside the preview (a typo, a better sentence of one's own) passes.
    Only applies where an editor placed a break; without one the preview is the rule's.
    """
    if paywall_break_position(old_body) is None:
        return None
    old = cut(old_body, preview_blocks=settings.PAYWALL_PREVIEW_BLOCKS)
    new = cut(new_body, preview_blocks=settings.PAYWALL_PREVIEW_BLOCKS)
    new_preview = _fragments(new.preview)
    moved = (_fragments(old.rest).keys() - _fragments(old.preview).keys()) & new_preview.keys()
    # In the order the new preview has them, so the message names the first one.
    return next((text for key, text in new_preview.items() if key in moved), None)
