from django import template

register = template.Library()

SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "cad": "CA$", "aud": "A$"}
ZERO_DECIMAL = {"jpy", "krw", "vnd", "clp", "isk", "huf", "twd", "ugx", "xaf", "xof"}


def format_money(amount, currency: str) -> str:
    """Minor units to display: 1000 usd -> $10.00."""
    if amount is None:
        return ""
    currency = (currency or "").lower()
    value = f"{int(amount):,}" if currency in ZERO_DECIMAL else f"{int(amount) / 100:,.2f}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{value}" if symbol else f"{value} {currency.upper()}"


@register.filter
def money(amount, currency):
    return format_money(amount, currency)


@register.simple_tag
def billing_summary(user):
    """What the account page shows: the reader's current subscription and complimentary access."""
    from ..models import LIVE, ComplimentaryAccess, Customer, Subscription

    if not user.is_authenticated:
        return {}
    live = (
        Subscription.objects.filter(user=user, status__in=LIVE)
        .select_related("plan", "offer")
        .first()
    )
    return {
        "subscription": live,
        "comp": ComplimentaryAccess.objects.current().filter(user=user).first(),
        "has_customer": Customer.objects.filter(user=user).exists(),
    }
