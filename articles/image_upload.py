"""The writing room's background requests: an image dropped, pasted or picked in the editor,
its alt text and caption, and the live length and preview figures.

Reached through the article admin (ArticleAdmin.get_urls), so only signed-in staff get here and
every POST is CSRF-checked; each view then asks the admin's own permission rules. Answers are
JSON, errors included, for the editor's script to show.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.http import JsonResponse
from django.views.decorators.http import require_POST
from PIL import Image, UnidentifiedImageError

from . import images
from .models import ArticleImage
from .writing import writing_stats

# What a browser may upload: formats every reader's browser shows, after our re-encoding.
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
ACCEPTED_TEXT = "JPEG, PNG, WebP or GIF"
# A picture of more pixels than this is refused before it is decoded (a "decompression bomb").
MAX_PIXELS = 60_000_000
DRAFT_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class UploadRefused(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


def _refusal(error: UploadRefused) -> JsonResponse:
    return JsonResponse({"error": error.message}, status=error.status)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def check_image(upload) -> None:
    """Refuse what is not a picture we can use, before anything is stored."""
    if upload is None:
        raise UploadRefused("Choose an image file to upload.")
    limit = settings.ARTICLE_IMAGE_MAX_BYTES
    if upload.size > limit:
        raise UploadRefused(
            f"“{upload.name}” is {_megabytes(upload.size)}; an image can be at most "
            f"{_megabytes(limit)}. Export it smaller and try again.",
            status=413,
        )
    not_an_image = UploadRefused(
        f"“{upload.name}” is not an image this site can use ({ACCEPTED_TEXT})."
    )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise not_an_image
            if image.width * image.height > MAX_PIXELS:
                raise UploadRefused(
                    f"“{upload.name}” is {image.width} × {image.height} pixels; "
                    f"pictures of up to {MAX_PIXELS // 1_000_000} megapixels are accepted."
                )
            image.verify()
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, SyntaxError):
        raise not_an_image from None
    finally:
        upload.seek(0)


def _description(request) -> tuple[str, str]:
    alt = (request.POST.get("alt") or "").strip()
    caption = (request.POST.get("caption") or "").strip()
    try:
        MaxLengthValidator(250)(alt)
        MaxLengthValidator(300)(caption)
    except ValidationError:
        raise UploadRefused(
            "Alt text can be at most 250 characters, a caption at most 300."
        ) from None
    return alt, caption


def _answer(image: ArticleImage, describe_url: str, status: int = 200) -> JsonResponse:
    shown = images.picture(image.image, image.renditions)
    if shown is None:  # the copies could not be made: nothing a reader could be shown
        image.delete()
        raise UploadRefused("The picture could not be read to make its copies; try another.")
    return JsonResponse(
        {
            "id": image.pk,
            "src": shown.src,
            "srcset": shown.srcset,
            "width": shown.width,
            "height": shown.height,
            "alt": image.alt,
            "caption": image.caption,
            "describe_url": describe_url,
        },
        status=status,
    )


def _article_for(model_admin, request, object_id):
    article = model_admin.get_object(request, object_id)
    if article is None:
        raise UploadRefused("No such article.", status=404)
    if not model_admin.has_change_permission(request, article):
        raise UploadRefused("You may not change this article.", status=403)
    return article


def _draft_token(model_admin, request) -> str:
    token = request.POST.get("draft", "")
    if not DRAFT_TOKEN.match(token):
        raise UploadRefused("This page is out of date; reload it and try again.")
    if not model_admin.has_add_permission(request):
        raise UploadRefused("You may not write articles.", status=403)
    return token


@require_POST
def upload_view(request, object_id=None, *, model_admin, describe_url):
    """Store a picture for an article (or for a new one, by its page's draft token)."""
    try:
        if object_id is not None:
            article, token = _article_for(model_admin, request, object_id), ""
        else:
            article, token = None, _draft_token(model_admin, request)
        upload = request.FILES.get("image")
        check_image(upload)
        alt, caption = _description(request)
        # ArticleImage.save caps it at images.MAX_SIDE and makes its copies.
        image = ArticleImage.objects.create(
            article=article,
            draft_token=token,
            image=upload,
            alt=alt,
            caption=caption,
            uploaded_by=request.user,
        )
        return _answer(image, describe_url(image.pk), status=201)
    except UploadRefused as error:
        return _refusal(error)


@require_POST
def describe_view(request, image_id, *, model_admin, describe_url):
    """Set the alt text and caption of an uploaded picture (typed beside it in the editor)."""
    try:
        image = ArticleImage.objects.filter(pk=image_id).select_related("article").first()
        if image is None:
            raise UploadRefused("No such image.", status=404)
        if image.article is not None:
            _article_for(model_admin, request, image.article.pk)
        elif image.uploaded_by_id != request.user.pk:
            raise UploadRefused("You may not change this image.", status=403)
        alt, caption = _description(request)
        if not alt:
            raise UploadRefused("Describe the picture for readers who cannot see it.")
        image.alt, image.caption = alt, caption
        image.save(update_fields=["alt", "caption"])
        return _answer(image, describe_url(image.pk))
    except UploadRefused as error:
        return _refusal(error)


@require_POST
def stats_view(request, *, model_admin):
    """Words, reading time and the preview of the body being written (articles/writing.py)."""
    if not (model_admin.has_change_permission(request) or model_admin.has_add_permission(request)):
        return JsonResponse({"error": "You may not write articles."}, status=403)
    stats = writing_stats(request.POST.get("body", ""), request.POST.get("access", ""))
    return JsonResponse(stats.as_json())
