from django import template

from .. import images

register = template.Library()


@register.simple_tag
def hero_srcset(article):
    return images.srcset(article.hero_image, article.hero_renditions or {})


@register.simple_tag
def hero_sizes(kind="hero"):
    return images.CARD_SIZES if kind == "card" else images.HERO_SIZES
