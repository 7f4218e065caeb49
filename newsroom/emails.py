"""The one email layout: every email the site writes (newsletters, welcome, billing) uses it.

Templates extend `email/layout.html` and write plain CSS in its `<style>`; css-inline moves
that CSS onto each element, because Gmail and Outlook drop or ignore much of a `<style>` block.
The layout is tables of fixed maximum width (600 px), which Outlook's Word engine lays out
faithfully, with a text alternative beside it for clients that show no HTML.
"""

import re
from dataclasses import dataclass
from html import escape, unescape

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.html import strip_tags

from .site import absolute_url

# The layout's content column; images are given this width so Outlook does not draw them at
# their natural size.
CONTENT_WIDTH = 560

# The <style> is kept as well as inlined: its media queries (narrow screens) cannot be inlined.
_INLINER = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)

_IMG = re.compile(r"<img\b[^>]*>")
_ATTR = re.compile(r'\s(src|href)="([^"]*)"')
_HREF_TAG = re.compile(r"<a\b[^>]*>")
_RESPONSIVE_ATTRS = re.compile(r'\s(?:srcset|sizes|loading|width|height|style)="[^"]*"')


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def _absolute_attrs(tag: str) -> str:
    return _ATTR.sub(lambda m: f' {m.group(1)}="{escape(absolute_url(unescape(m.group(2))))}"', tag)


def for_email(html: str) -> str:
    """Sanitised article markup made fit for an inbox.

    Links and images get absolute addresses (an email has no page address to resolve them
    against); images lose their srcset and get an explicit width, which Outlook needs.
    """

    def image(match):
        tag = _absolute_attrs(_RESPONSIVE_ATTRS.sub("", match.group(0)))
        style = f"width:100%;max-width:{CONTENT_WIDTH}px;height:auto"
        sized = f' width="{CONTENT_WIDTH}" style="{style}"'
        return tag[:-1].rstrip("/").rstrip() + sized + ">"

    html = _IMG.sub(image, html or "")
    return _HREF_TAG.sub(lambda m: _absolute_attrs(m.group(0)), html)


def html_to_text(html: str) -> str:
    """A readable plain-text version of sanitised markup: one paragraph per block."""
    text = re.sub(r"</(p|h[1-6]|li|blockquote|figure|figcaption)>|<br\s*/?>", "\n\n", html or "")
    text = unescape(strip_tags(text))
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+", " ", text)).strip()


def inline_css(html: str) -> str:
    """The layout's `<style>` copied onto each element (and kept, for its media queries)."""
    return _INLINER.inline(html)


def layout_context(context: dict) -> dict:
    """What `email/layout.html` needs besides the email's own context."""
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "postal_address": settings.PUBLICATION_POSTAL_ADDRESS,
        **context,
    }


def render_email(template_prefix: str, context: dict) -> RenderedEmail:
    """Render `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html` (CSS inlined)."""
    context = layout_context(context)
    subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
    text = render_to_string(f"{template_prefix}.txt", context).strip() + "\n"
    html = inline_css(render_to_string(f"{template_prefix}.html", context))
    return RenderedEmail(subject=subject, text=text, html=html)


def build_message(
    rendered: RenderedEmail,
    *,
    to: list[str],
    from_email: str | None = None,
    reply_to: list[str] | None = None,
    headers: dict | None = None,
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=from_email,
        to=to,
        reply_to=reply_to,
        headers=headers,
    )
    message.attach_alternative(rendered.html, "text/html")
    return message
