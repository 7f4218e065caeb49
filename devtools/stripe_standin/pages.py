"""Hosted Checkout and Customer Portal pages: plain HTML forms, no JavaScript."""

from __future__ import annotations

from html import escape
from typing import Any

from .common import fmt_amount, fmt_date
from .consent import terms_box
from .resources.tax import COUNTRIES
from .store import Store

CSS = """
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
  background:#f6f8fa;color:#1a1f36}
.banner{background:#ffde92;color:#5c3d00;text-align:center;padding:.4rem;font-size:.85rem}
main{max-width:34rem;margin:2rem auto;padding:0 1rem}
.card{background:#fff;border:1px solid #e3e8ee;border-radius:10px;padding:1.5rem;
  margin-bottom:1rem;box-shadow:0 1px 3px rgba(0,0,0,.05)}
h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1.1rem;margin:0 0 .5rem}
label{display:block;font-weight:600;font-size:.9rem;margin:.8rem 0 .25rem}
input,select{width:100%;padding:.55rem .65rem;font:inherit;border:1px solid #c1c9d2;
  border-radius:6px}
input:focus,select:focus,button:focus,a:focus{outline:3px solid #635bff;outline-offset:1px}
.row{display:flex;gap:.75rem}.row>div{flex:1}
button{font:inherit;font-weight:600;padding:.6rem 1rem;border-radius:6px;border:0;
  background:#635bff;color:#fff;cursor:pointer;margin-top:1rem}
button.secondary{background:#fff;color:#1a1f36;border:1px solid #c1c9d2}
button.danger{background:#df1b41}
.full{width:100%}
table{width:100%;border-collapse:collapse}td,th{padding:.35rem 0;text-align:left}
td.amount{text-align:right;white-space:nowrap}
.error{background:#fde8ec;color:#8a0b24;border:1px solid #f5b5c2;padding:.6rem .8rem;
  border-radius:6px}
.ok{background:#e6f6ec;color:#0b5a2a;border:1px solid #a8dfbc;padding:.6rem .8rem;
  border-radius:6px}
.muted{color:#5c6b7a;font-size:.9rem}
.actions form{display:inline-block;margin-right:.5rem}
a{color:#4b44d6}
"""


def layout(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · Stripe stand-in (test mode)</title>"
        f"<style>{CSS}</style></head><body>"
        '<div class="banner" role="note">Stripe stand-in — test mode. '
        "No real payments are made.</div>"
        f"<main>{body}</main></body></html>"
    )


def message_page(title: str, text: str, link: tuple[str, str] | None = None) -> str:
    body = f'<div class="card"><h1>{escape(title)}</h1><p>{escape(text)}</p>'
    if link and link[0]:
        body += f'<p><a href="{escape(link[0])}">{escape(link[1])}</a></p>'
    return layout(title, body + "</div>")


def _alert(error: str | None, message: str | None) -> str:
    out = ""
    if error:
        out += f'<p class="error" role="alert" id="form-error">{escape(error)}</p>'
    if message:
        out += f'<p class="ok" role="status">{escape(message)}</p>'
    return out


def checkout_page(
    store: Store,
    session: dict[str, Any],
    *,
    error: str | None = None,
    values: dict[str, str] | None = None,
) -> str:
    values = values or {}
    title = "Stripe stand-in Checkout"
    back = ""
    if session.get("cancel_url"):
        back = f'<p><a href="{escape(session["cancel_url"])}">← Back</a></p>'
    if session["status"] != "open":
        state = "has expired" if session["status"] == "expired" else "is already complete"
        return layout(
            title,
            f'<div class="card"><h1>{title}</h1><p>This checkout session {state}.</p>{back}</div>',
        )
    rows = ""
    state = store.sub_state.get(session["id"], {})
    for li in state.get("line_items", []):
        price = store.data["prices"][li["price"]]
        qty = f" × {li['quantity']}" if li["quantity"] != 1 else ""
        rows += (
            f"<tr><td>{escape(store.product_name(price))}{qty}</td>"
            f'<td class="amount">{escape(store.price_label(price))}</td></tr>'
        )
    discount = state.get("discount")
    if discount:
        coupon = store.data["coupons"][discount["coupon"]]
        promo = store.data["promotion_codes"].get(discount.get("promotion_code") or "")
        label = promo["code"] if promo else (coupon["name"] or coupon["id"])
        off = session["total_details"]["amount_discount"]
        rows += (
            f"<tr><td>Discount ({escape(label)})</td>"
            f'<td class="amount">−{escape(fmt_amount(off, session["currency"] or "usd"))}</td></tr>'
        )
    trial = state.get("trial_period_days")
    trial_note = (
        f'<p class="muted">Includes a {trial}-day free trial. You won\'t be charged today.</p>'
        if trial
        else ""
    )
    email = values.get("email")
    if email is None:
        email = session.get("customer_email") or ""
        if session.get("customer"):
            cus = store.data["customers"].get(session["customer"]) or {}
            email = cus.get("email") or email
    total = fmt_amount(session["amount_total"], session["currency"] or "usd")
    # A one-time payment (a gift, say) is paid, not subscribed to.
    action = "Pay" if session["mode"] == "payment" else "Subscribe"
    tax = state.get("tax") or {}
    if tax.get("enabled") and session["amount_total"]:
        total += " plus tax, from your billing address"

    def field(name: str, label: str, **attrs: str) -> str:
        extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
        described = ' aria-describedby="form-error"' if error else ""
        return (
            f'<label for="{name}">{escape(label)}</label>'
            f'<input id="{name}" name="{name}" value="{escape(values.get(name, ""))}"'
            f"{extra}{described}>"
        )

    body = (
        f'{back}<div class="card"><h1>{title}</h1>'
        f'<h2>{action}</h2><table aria-label="Order summary">{rows}</table>{trial_note}'
        f"<p><strong>Due today: {escape(total)}</strong></p></div>"
        f'<div class="card"><form method="post" action="/checkout/{escape(session["id"])}"'
        " novalidate>"
        f"{_alert(error, None)}"
        '<label for="email">Email</label>'
        f'<input id="email" name="email" type="email" autocomplete="email" required '
        f'value="{escape(email)}">'
        + field(
            "card_number",
            "Card number",
            inputmode="numeric",
            autocomplete="cc-number",
            placeholder="4242 4242 4242 4242",
            required="required",
        )
        + '<div class="row"><div>'
        + field(
            "card_expiry",
            "Expiry (MM / YY)",
            autocomplete="cc-exp",
            placeholder="12 / 34",
            required="required",
        )
        + "</div><div>"
        + field(
            "card_cvc",
            "CVC",
            inputmode="numeric",
            autocomplete="cc-csc",
            placeholder="123",
            required="required",
        )
        + "</div></div>"
        + field("card_name", "Name on card", autocomplete="cc-name")
        + (_address_fields(values, field) if tax.get("collect_address") else "")
        + terms_box(session, ticked=values.get("terms_of_service") == "accepted")
        + f'<button type="submit" class="full">{action}</button>'
        '<p class="muted">Test cards: 4242 4242 4242 4242 succeeds · '
        "4000 0000 0000 0002 is declined · 4000 0000 0000 0341 attaches but later "
        "charges fail.</p></form></div>"
    )
    return layout(title, body)


def _address_fields(values: dict[str, str], field) -> str:
    """The billing address Checkout asks for (billing_address_collection, Stripe Tax)."""
    chosen = values.get("address_country", "")
    options = '<option value="">Choose…</option>' + "".join(
        f'<option value="{code}"{" selected" if code == chosen else ""}>{escape(name)}</option>'
        for code, name in COUNTRIES.items()
    )
    return (
        "<fieldset><legend>Billing address</legend>"
        f'<label for="address_country">Country</label>'
        f'<select id="address_country" name="address_country" required>{options}</select>'
        + field("address_line1", "Address line 1", autocomplete="address-line1")
        + field("address_city", "City", autocomplete="address-level2")
        + field("address_postal_code", "Postal code", autocomplete="postal-code")
        + "</fieldset>"
    )


def portal_page(
    store: Store,
    bps: dict[str, Any],
    *,
    message: str | None = None,
    error: str | None = None,
) -> str:
    title = "Stripe stand-in Billing portal"
    if (bps.get("flow") or {}).get("type") == "subscription_cancel" and not message:
        return cancel_flow_page(store, bps, error=error)
    cus = store.data["customers"].get(bps["customer"]) or {}
    subs = [s for s in store.data["subscriptions"].values() if s["customer"] == bps["customer"]]
    subs.reverse()
    prices = [p for p in store.data["prices"].values() if p["active"] and p["type"] == "recurring"]
    return_link = ""
    if bps.get("return_url"):
        return_link = f'<p><a href="{escape(bps["return_url"])}">← Return to Newsroom</a></p>'
    parts = [
        return_link,
        f'<div class="card"><h1>{title}</h1>'
        f'<p class="muted">Signed in as {escape(cus.get("email") or bps["customer"])}</p>'
        f"{_alert(error, message)}</div>",
    ]
    if not subs:
        parts.append('<div class="card"><p>You have no subscriptions.</p></div>')
    action = f"/portal/{escape(bps['id'])}"
    for sub in subs:
        item = sub["items"]["data"][0]
        price = item["price"]
        sid = escape(sub["id"])
        end = item["current_period_end"]
        if sub["status"] == "canceled":
            note = f"Canceled on {fmt_date(sub['ended_at'])}."
        elif sub["cancel_at_period_end"]:
            note = f"Cancels on {fmt_date(end)}."
        elif sub["status"] == "trialing":
            note = f"Trial ends on {fmt_date(sub['trial_end'])}."
        else:
            note = f"Renews on {fmt_date(end)}."
        html = (
            f'<section class="card" aria-labelledby="h-{sid}">'
            f'<h2 id="h-{sid}">{escape(store.product_name(price))}</h2>'
            f"<p>{escape(store.price_label(price))} · Status: <strong>{escape(sub['status'])}"
            f"</strong><br>{escape(note)}</p>"
        )
        if sub["status"] != "canceled":
            options = "".join(
                f'<option value="{escape(p["id"])}">{escape(store.product_name(p))} — '
                f"{escape(store.price_label(p))}</option>"
                for p in prices
                if p["id"] != price["id"] and p["currency"] == sub["currency"]
            )
            if options:
                html += (
                    f'<form method="post" action="{action}">'
                    '<input type="hidden" name="action" value="switch">'
                    f'<input type="hidden" name="subscription" value="{sid}">'
                    f'<label for="price-{sid}">Switch plan</label>'
                    f'<select id="price-{sid}" name="price">{options}</select>'
                    '<button type="submit">Switch plan</button></form>'
                )
            html += '<div class="actions">'
            if sub["cancel_at_period_end"]:
                html += _button(action, sid, "resume", "Resume subscription", "")
            else:
                html += _button(
                    action, sid, "cancel_at_period_end", "Cancel at period end", "secondary"
                )
            html += _button(action, sid, "cancel_now", "Cancel now", "danger")
            html += "</div>"
        parts.append(html + "</section>")
    return layout(title, "".join(parts))


def cancel_flow_page(store: Store, bps: dict[str, Any], *, error: str | None = None) -> str:
    """The portal's cancellation deep link (flow_data type subscription_cancel): one
    subscription, its retention offer first when the session has one, then "Cancel"."""
    from .resources.portal import coupon_terms

    title = "Cancel your subscription"
    flow = bps["flow"]["subscription_cancel"]
    sub = store.data["subscriptions"][flow["subscription"]]
    item = sub["items"]["data"][0]
    sid = escape(sub["id"])
    action = f"/portal/{escape(bps['id'])}"
    back = ""
    if bps.get("return_url"):
        back = f'<p><a href="{escape(bps["return_url"])}">← Keep my subscription</a></p>'
    parts = [
        back,
        f'<div class="card"><h1>{title}</h1>{_alert(error, None)}'
        f"<p>{escape(store.product_name(item['price']))} · "
        f"{escape(store.price_label(item['price']))}</p>"
        f"<p>If you cancel, your subscription stays active until "
        f"{escape(fmt_date(item['current_period_end']))} and is not renewed.</p></div>",
    ]
    retention = flow.get("retention")
    accepted = store.sub_state.get(bps["id"], {}).get("retention_accepted")
    if retention and not accepted:
        coupon = store.data["coupons"][retention["coupon_offer"]["coupon"]]
        parts.append(
            '<section class="card" aria-labelledby="retention">'
            f'<h2 id="retention">Before you go: {escape(coupon_terms(coupon))}</h2>'
            "<p>Stay with us and the discount starts with your next payment.</p>"
            '<div class="actions">'
            + _button(action, sid, "accept_retention", "Accept offer", "")
            + "</div></section>"
        )
    parts.append(
        '<div class="card"><div class="actions">'
        + _button(action, sid, "cancel_at_period_end", "Cancel subscription", "danger")
        + "</div></div>"
    )
    return layout(title, "".join(parts))


def _button(action: str, sid: str, name: str, label: str, cls: str) -> str:
    return (
        f'<form method="post" action="{action}">'
        f'<input type="hidden" name="action" value="{name}">'
        f'<input type="hidden" name="subscription" value="{sid}">'
        f'<button type="submit" class="{cls}">{escape(label)}</button></form>'
    )


def index_page(base: str) -> str:
    return layout(
        "Stripe stand-in",
        '<div class="card"><h1>Stripe stand-in</h1><p>A local test double for the Stripe '
        f"API. Point stripe-python at <code>{escape(base)}</code>.</p>"
        '<p class="muted">Control endpoints live under <code>/_standin/</code>.</p></div>',
    )


def invoice_page(store: Store, invoice: dict) -> str:
    """A hosted invoice: what is due, and a button standing for the bank's confirmation."""
    amount = escape(fmt_amount(invoice["amount_due"], invoice["currency"]))
    tax = sum(t["amount"] for t in invoice.get("total_taxes") or [])
    if tax:
        amount += escape(f", including {fmt_amount(tax, invoice['currency'])} tax")
    title = "Invoice"
    if invoice["status"] == "paid":
        body = (
            f'<div class="card"><h1>{title}</h1>'
            f'<p class="ok" role="status">Paid: {amount}. Thank you.</p></div>'
        )
        return layout(title, body)
    body = (
        f'<div class="card"><h1>{title}</h1>'
        f"<p>Your bank asks you to confirm this payment of <strong>{amount}</strong>.</p>"
        f'<form method="post" action="/invoice/{escape(invoice["id"])}">'
        '<button type="submit">Confirm payment</button></form></div>'
    )
    return layout(title, body)
