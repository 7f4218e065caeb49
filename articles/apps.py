from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from newsroom.pagecache import content_changed

        from . import models

        def changed(**kwargs):
            content_changed()

        # Everything a reader page shows: the article, its section, bylines, topics, images
        # and old addresses. Saved or deleted, the cached anonymous pages go at once.
        for model in (
            models.Article,
            models.Section,
            models.Author,
            models.Tag,
            models.ArticleAuthor,
            models.ArticleImage,
            models.ArticleRedirect,
        ):
            for signal in (post_save, post_delete):
                signal.connect(changed, sender=model, weak=False, dispatch_uid=f"pages-{model}")
        m2m_changed.connect(
            changed, sender=models.Article.tags.through, weak=False, dispatch_uid="pages-tags"
        )
