from django import template

from .. import images

register = template.Library()


@register.simple_tag
def card_picture(article, kind):
    """What a card shows of the hero at the size `kind` shows it (articles.images.SIZES).

    None when the story has no picture (or no copies of it): the card then has no image slot.
    """
    shown = images.picture(article.hero_image, article.hero_renditions)
    if shown is None:
        return None
    return {"picture": shown, "sizes": images.SIZES[kind]}
