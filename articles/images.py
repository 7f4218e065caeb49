"""Uploaded images: capped when they arrive, resized copies (renditions) made once with Pillow.

An upload is re-encoded at most MAX_SIDE pixels on its long side before it is stored (which
also drops its EXIF data, GPS position included). Readers never receive that stored original:
pages, og:image and JSON-LD name the copies, written through the default storage (local disk
or S3) when the image is saved. A reader's request only reads the widths recorded on the
model; it never resizes and never asks the storage what exists.
"""

import logging
import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.utils.html import escape
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

MAX_SIDE = 2400
WIDTHS = (480, 800, 1200, 1600)
QUALITY = 82
ORIGINAL_QUALITY = 88
# The copy named by `src` (browsers without srcset, emails) and the one shared (og:image).
FALLBACK_WIDTH = 800
SHARE_WIDTH = 1200
# What each place shows an image at; the layout is in static/css/site.css.
SIZES = {
    "hero": "(min-width: 60rem) 48rem, 100vw",
    # The home page's lead: three fifths of the 72rem column beside its words, from 56rem.
    "lead": "(min-width: 74rem) 42rem, (min-width: 56rem) calc(60vw - 2.4rem), calc(100vw - 2rem)",
    # A card in a section block of the home page: a quarter of the column, two on a phone.
    "grid": "(min-width: 74rem) 17rem, (min-width: 34rem) 45vw, calc(100vw - 2rem)",
    # A card in a list (latest, section, author, tag, search): a thumbnail beside the words.
    "list": "(min-width: 50rem) 14rem, 28vw",
    "body": "(min-width: 60rem) 40rem, 100vw",
}
# Formats kept as they came; anything else Pillow reads (GIF, BMP, TIFF…) is stored as PNG.
_KEPT_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}


def _open(file) -> Image.Image:
    with Image.open(file) as original:
        image = ImageOps.exif_transpose(original)
        image.load()
        image.format = original.format
    return image


def _capped(image: Image.Image) -> tuple[bytes, str]:
    """The image at most MAX_SIDE px on its long side, re-encoded; and its file suffix."""
    source_format = image.format or ""
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out_format = source_format if source_format in _KEPT_FORMATS else "PNG"
    if out_format == "JPEG" and image.mode != "RGB":
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    buffer = BytesIO()
    options = {"quality": ORIGINAL_QUALITY} if out_format in ("JPEG", "WEBP") else {}
    image.save(buffer, out_format, **options)
    return buffer.getvalue(), _KEPT_FORMATS.get(out_format, ".png")


def cap_upload(field_file) -> tuple[int, int] | None:
    """Re-encode a new, not yet stored upload at most MAX_SIDE px on its long side.

    Returns the stored size, or None when there is nothing new to store (or Pillow cannot
    read it: the forms refuse such files; a shell user gets them capped by cap_stored).
    """
    if not field_file or getattr(field_file, "_committed", True):
        return None
    upload = field_file.file
    try:
        upload.seek(0)
        image = _open(upload)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        logger.warning("Could not read upload %s to cap it", field_file.name, exc_info=True)
        return None
    content, suffix = _capped(image)
    name = str(PurePosixPath(field_file.name).with_suffix(suffix))
    field_file.file = ContentFile(content, name=name)
    field_file.name = name
    # ImageFieldFile remembers the size it read from the upload; this is another file now.
    if hasattr(field_file, "_dimensions_cache"):
        del field_file._dimensions_cache
    return image.size


def cap_stored(field_file) -> tuple[int, int] | None:
    """The same cap for an image stored without passing a form (FieldFile.save, imports).

    Replaces the stored file with its capped copy (a new name) and returns its size; None when
    it was small enough already or cannot be read.
    """
    storage, name = field_file.storage, field_file.name
    try:
        with storage.open(name, "rb") as source:
            image = _open(source)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        return None
    if max(image.size) <= MAX_SIDE:
        return None
    content, suffix = _capped(image)
    field_file.name = storage.save(
        str(PurePosixPath(name).with_suffix(suffix)), ContentFile(content)
    )
    storage.delete(name)
    return image.size


def make_renditions(field_file) -> dict:
    """Write WebP copies next to the stored image; describe them.

    Every width of WIDTHS narrower than the image, plus the image's own width when it is
    narrower than the widest: so even a small image has a copy and the original is never needed.
    """
    storage, name = field_file.storage, field_file.name
    try:
        with storage.open(name, "rb") as source:
            image = _open(source)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        logger.warning("Could not read image %s for renditions", name, exc_info=True)
        return {"source": name, "widths": {}}

    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    stem = PurePosixPath(name)
    wanted = [width for width in WIDTHS if width < image.width]
    if image.width < WIDTHS[-1]:
        wanted.append(image.width)
    widths = {}
    for width in wanted:
        height = max(round(image.height * width / image.width), 1)
        resized = (
            image
            if width == image.width
            else image.resize((width, height), Image.Resampling.LANCZOS)
        )
        buffer = BytesIO()
        resized.save(buffer, "WEBP", quality=QUALITY, method=4)
        target = str(stem.with_name(f"{stem.stem}.w{width}.webp"))
        if storage.exists(target):
            storage.delete(target)
        widths[str(width)] = storage.save(target, ContentFile(buffer.getvalue()))
    return {"source": name, "width": image.width, "height": image.height, "widths": widths}


@dataclass(frozen=True)
class Picture:
    """What a page needs to show an image: never the stored original."""

    src: str
    srcset: str
    width: int
    height: int
    share_url: str
    share_width: int
    share_height: int


def picture(field_file, renditions: dict | None) -> Picture | None:
    """The copies of an image as a page names them; None when it has none (nothing is shown)."""
    renditions = renditions or {}
    if not field_file or renditions.get("source") != field_file.name or not renditions["widths"]:
        return None
    storage = field_file.storage
    by_width = sorted((int(width), name) for width, name in renditions["widths"].items())
    width, height = renditions["width"], renditions["height"]

    def copy_for(wanted: int) -> tuple[int, str]:
        # The narrowest copy at least as wide as wanted, else the widest there is.
        return next(((w, n) for w, n in by_width if w >= wanted), by_width[-1])

    share_width, share_name = copy_for(SHARE_WIDTH)
    return Picture(
        src=storage.url(copy_for(FALLBACK_WIDTH)[1]),
        srcset=", ".join(f"{storage.url(name)} {w}w" for w, name in by_width),
        width=width,
        height=height,
        share_url=storage.url(share_name),
        share_width=share_width,
        share_height=max(round(height * share_width / width), 1),
    )


def _discard(storage, renditions: dict) -> None:
    """Delete the copies of an image that is no longer used, so they do not pile up."""
    for name in (renditions or {}).get("widths", {}).values():
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete old rendition %s", name, exc_info=True)


def delete_image_files(field_file, renditions: dict) -> None:
    """Delete a stored image and its copies (an upload nobody kept)."""
    _discard(field_file.storage, renditions)
    if field_file:
        field_file.storage.delete(field_file.name)


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
    stored = {}
    size = cap_stored(article.hero_image)
    if size:
        article.hero_width, article.hero_height = size
        stored = {
            "hero_image": article.hero_image.name,
            "hero_width": size[0],
            "hero_height": size[1],
        }
    article.hero_renditions = make_renditions(article.hero_image)
    type(article).objects.filter(pk=article.pk).update(
        hero_renditions=article.hero_renditions, **stored
    )


def refresh_image_renditions(article_image) -> None:
    if not article_image.image:
        return
    if (article_image.renditions or {}).get("source") == article_image.image.name:
        return
    _discard(article_image.image.storage, article_image.renditions)
    stored = {"image": article_image.image.name} if cap_stored(article_image.image) else {}
    article_image.renditions = make_renditions(article_image.image)
    type(article_image).objects.filter(pk=article_image.pk).update(
        renditions=article_image.renditions, **stored
    )


_IMG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\ssrc="([^"]*)"')
_SRC_ATTR = re.compile(r'\ssrc="[^"]*"')
_RESPONSIVE_ATTRS = re.compile(r'\s(?:srcset|sizes|loading|decoding|width|height)="[^"]*"')


def with_body_srcsets(body: str, article_images) -> str:
    """Point the body's uploaded images at their copies. The body is sanitised (nh3) markup.

    An image is known by the address of its original or of any of its copies, so this can run
    on every save; the original's address does not stay in the body.
    """
    by_url: dict[str, Picture] = {}
    for article_image in article_images:
        shown = picture(article_image.image, article_image.renditions)
        if shown is None:
            continue
        storage = article_image.image.storage
        urls = [article_image.image.url] + [
            storage.url(name) for name in article_image.renditions["widths"].values()
        ]
        by_url.update({escape(url): shown for url in urls})

    def rewrite(match):
        tag = match.group(0)
        src = _SRC.search(tag)
        if not src or src.group(1) not in by_url:
            return tag
        shown = by_url[src.group(1)]
        tag = _SRC_ATTR.sub(f' src="{escape(shown.src)}"', _RESPONSIVE_ATTRS.sub("", tag))
        extra = (
            f' srcset="{escape(shown.srcset)}" sizes="{SIZES["body"]}"'
            f' width="{shown.width}" height="{shown.height}" loading="lazy" decoding="async"'
        )
        return tag[:-1].rstrip("/").rstrip() + extra + ">"

    return _IMG.sub(rewrite, body or "")
