from django import template

from newsroom.emails import html_to_text

register = template.Library()


@register.filter
def as_text(html: str) -> str:
    return html_to_text(html)
