"""Who may do what in the newsroom. The admin and the previews both ask here.

Writers create articles and edit their own drafts. Editors (and superusers) edit everything,
publish, schedule, unpublish, set the access level and place the paywall break.
"""

from .html import split_blocks
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


def paywall_break_position(html: str) -> int | None:
    """How many content blocks come before the paywall break; None without one."""
    for index, block in enumerate(split_blocks(html)):
        if block.is_paywall_break or block.contains_paywall_break:
            return index
    return None
