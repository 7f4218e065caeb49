"""Readers are no longer given stored originals (articles/images.py): images that had no copies
(narrower than the smallest width, or stored before copies existed) get them, and bodies point
at their images' copies instead of the originals."""

from django.db import migrations


def make_missing_copies(apps, schema_editor):
    from articles import images

    Article = apps.get_model("articles", "Article")
    ArticleImage = apps.get_model("articles", "ArticleImage")
    for article in Article.objects.exclude(hero_image="").iterator():
        if not (article.hero_renditions or {}).get("widths"):
            renditions = images.make_renditions(article.hero_image)
            Article.objects.filter(pk=article.pk).update(hero_renditions=renditions)
    for image in ArticleImage.objects.exclude(image="").iterator():
        if not (image.renditions or {}).get("widths"):
            image.renditions = images.make_renditions(image.image)
            ArticleImage.objects.filter(pk=image.pk).update(renditions=image.renditions)
    for article in Article.objects.filter(images__isnull=False).distinct().iterator():
        body = images.with_body_srcsets(article.body, ArticleImage.objects.filter(article=article))
        if body != article.body:
            Article.objects.filter(pk=article.pk).update(body=body)


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_speed_and_search")]

    operations = [migrations.RunPython(make_missing_copies, migrations.RunPython.noop)]
