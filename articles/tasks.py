"""Background work of the articles app."""

import logging
from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from jobs.tasks import schedule

from . import images
from .models import ArticleImage

log = logging.getLogger(__name__)

# An image dropped into a new article's editor waits this long for the article's first save.
ABANDONED_AFTER = timedelta(days=1)


def delete_abandoned_uploads(*, now=None) -> int:
    """Delete images uploaded for new articles that were never saved, with their copies."""
    cutoff = (now or timezone.now()) - ABANDONED_AFTER
    abandoned = list(ArticleImage.objects.filter(article__isnull=True, uploaded_at__lt=cutoff))
    for image in abandoned:
        images.delete_image_files(image.image, image.renditions)
        image.delete()
    return len(abandoned)


@task()
def delete_abandoned_uploads_periodically() -> int:
    deleted = delete_abandoned_uploads()
    if deleted:
        log.info("Deleted %d image(s) uploaded for articles that were never saved", deleted)
    schedule(delete_abandoned_uploads_periodically, in_seconds=6 * 60 * 60)
    return deleted
