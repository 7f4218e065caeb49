"""Amounts as readers see them: Stripe's minor units to "$10.00". Used by pages and emails."""

SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "cad": "CA$", "aud": "A$"}
ZERO_DECIMAL = {"jpy", "krw", "vnd", "clp", "isk", "huf", "twd", "ugx", "xaf", "xof"}


def format_money(amount: int | None, currency: str) -> str:
    """Minor units to display: 1000 usd -> $10.00."""
    if amount is None:
        return ""
    currency = (currency or "").lower()
    value = f"{int(amount):,}" if currency in ZERO_DECIMAL else f"{int(amount) / 100:,.2f}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{value}" if symbol else f"{value} {currency.upper()}"
