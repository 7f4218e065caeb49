"""A story as a newsletter email: the whole story, or the web page's preview and a Subscribe
button. Which one a member gets is decided by the caller through `articles.access.decide`; the
text comes from `Article.text`, the same cut the article page shows.
"""

from email.utils import formataddr, parseaddr
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse

from articles.images import picture
from newsroom.emails import RenderedEmail, build_message, for_email, render_email
from newsroom.site import absolute_url

from .models import Newsletter

# RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the List-Unsubscribe URL.
ONE_CLICK = "List-Unsubscribe=One-Click"


def render_story(
    article, *, newsletter: Newsletter, full: bool, unsubscribe_url: str
) -> RenderedEmail:
    """Render the story for one kind of member. `full` must come from the access rule."""
    path = article.get_absolute_url()
    body = article.text.full if full else article.text.preview
    hero = picture(article.hero_image, article.hero_renditions)
    context = {
        "article": article,
        "newsletter": newsletter,
        "full": full,
        # Only ever one of the two: the text a member without access may read is the preview.
        "body_html": for_email(body),
        "body_text": body,
        "article_url": absolute_url(path),
        "view_in_browser_url": absolute_url(path),
        "subscribe_url": absolute_url(reverse("subscriptions:pricing")) + "?next=" + quote(path),
        # The copy made for sharing, never the stored original (which may be 2,400 px).
        "hero_url": absolute_url(hero.share_url) if hero else "",
        "unsubscribe_url": unsubscribe_url,
        "account_url": absolute_url(reverse("accounts:account")),
        "preheader": article.standfirst,
    }
    return render_email("newsletters/email/story", context)


def sender(newsletter: Newsletter) -> str:
    """The newsletter's name in front of the site's sending address."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((newsletter.sender_name or settings.SITE_NAME, address))


def unsubscribe_headers(unsubscribe_url: str) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": ONE_CLICK}


def story_message(rendered: RenderedEmail, *, newsletter: Newsletter, to: str, unsubscribe_url):
    return build_message(
        rendered,
        to=[to],
        from_email=sender(newsletter),
        reply_to=[newsletter.reply_to] if newsletter.reply_to else None,
        headers=unsubscribe_headers(unsubscribe_url),
    )
