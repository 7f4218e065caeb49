"""Resized copies of uploaded images, made with Pillow when an image is saved.

A reader's request only reads the widths recorded on the model; it never resizes and never
asks the disk what exists. An image without copies is served as it was uploaded.
"""

import logging
import re
from io import BytesIO
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.utils.html import escape
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

WIDTHS = (480, 960, 1600)
QUALITY = 82
HERO_SIZES = "(min-width: 60rem) 48rem, 100vw"
CARD_SIZES = "(min-width: 60rem) 20rem, 100vw"
BODY_SIZES = "(min-width: 60rem) 40rem, 100vw"


def make_renditions(field_file) -> dict:
    """Write WebP copies narrower than the original next to it; describe them all."""
    storage, name = field_file.storage, field_file.name
    try:
        with storage.open(name, "rb") as source, Image.open(source) as original:
            image = ImageOps.exif_transpose(original)
            image.load()
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        logger.warning("Could not read image %s for renditions", name, exc_info=True)
        return {"source": name, "widths": {}}

    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    stem = PurePosixPath(name)
    widths = {}
    for width in WIDTHS:
        if width >= image.width:
            break  # never upscale; the original serves the largest size
        height = round(image.height * width / image.width)
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
        buffer = BytesIO()
        resized.save(buffer, "WEBP", quality=QUALITY, method=4)
        target = str(stem.with_name(f"{stem.stem}.w{width}.webp"))
        if storage.exists(target):
            storage.delete(target)
        widths[str(width)] = storage.save(target, ContentFile(buffer.getvalue()))
    return {"source": name, "width": image.width, "height": image.height, "widths": widths}


def srcset(field_file, renditions: dict) -> str:
    """The srcset for an image; empty when it has no copies (the original is used)."""
    if not field_file or renditions.get("source") != field_file.name or not renditions["widths"]:
        return ""
    storage = field_file.storage
    candidates = [f"{storage.url(name)} {width}w" for width, name in renditions["widths"].items()]
    candidates.append(f"{field_file.url} {renditions['width']}w")
    return ", ".join(candidates)


def _discard(storage, renditions: dict) -> None:
    """Delete the copies of an image that is no longer used, so they do not pile up."""
    for name in (renditions or {}).get("widths", {}).values():
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete old rendition %s", name, exc_info=True)


def refresh_hero_renditions(article) -> None:
    """Bring the hero's copies in line with the hero image; a no-op when they already are."""
    current = article.hero_renditions or {}
    if not article.hero_image:
        if current:
            _discard(article.hero_image.storage, current)
            type(article).objects.filter(pk=article.pk).update(hero_renditions={})
            article.hero_renditions = {}
        return
    if current.get("source") == article.hero_image.name:
        return
    _discard(article.hero_image.storage, current)
    article.hero_renditions = make_renditions(article.hero_image)
    type(article).objects.filter(pk=article.pk).update(hero_renditions=article.hero_renditions)


def refresh_image_renditions(article_image) -> None:
    if not article_image.image:
        return
    if (article_image.renditions or {}).get("source") == article_image.image.name:
        return
    _discard(article_image.image.storage, article_image.renditions)
    article_image.renditions = make_renditions(article_image.image)
    type(article_image).objects.filter(pk=article_image.pk).update(
        renditions=article_image.renditions
    )


_IMG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\ssrc="([^"]*)"')
_RESPONSIVE_ATTRS = re.compile(r'\s(?:srcset|sizes|loading)="[^"]*"')


def with_body_srcsets(body: str, article_images) -> str:
    """Give the body's uploaded images their srcset. The body is sanitised (nh3) markup."""
    by_url: dict[str, str] = {}
    for article_image in article_images:
        candidates = srcset(article_image.image, article_image.renditions or {})
        if candidates:
            by_url[escape(article_image.image.url)] = candidates

    def rewrite(match):
        tag = match.group(0)
        src = _SRC.search(tag)
        if not src or src.group(1) not in by_url:
            return tag
        tag = _RESPONSIVE_ATTRS.sub("", tag)
        extra = f' srcset="{escape(by_url[src.group(1)])}" sizes="{BODY_SIZES}" loading="lazy"'
        return tag[:-1].rstrip("/").rstrip() + extra + ">"

    return _IMG.sub(rewrite, body or "")
