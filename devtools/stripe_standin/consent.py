"""Checkout's terms-of-service consent: `consent_collection` and `custom_text`, as Stripe has them.

With `consent_collection[terms_of_service]=required` the hosted page shows a box the customer
must tick (Stripe links the account's terms; `custom_text[terms_of_service_acceptance]` replaces
the sentence beside the box, Markdown links allowed). The completed session records
`consent.terms_of_service = "accepted"`.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from .common import StripeError

CUSTOM_TEXT_KEYS = ("after_submit", "shipping_address", "submit", "terms_of_service_acceptance")
MAX_MESSAGE = 1200
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")


def consent_collection(params: dict[str, Any]) -> dict[str, Any] | None:
    raw = params.get("consent_collection")
    if raw in (None, ""):
        return None
    if not isinstance(raw, dict):
        raise StripeError("Invalid object", param="consent_collection")
    terms = raw.get("terms_of_service")
    if terms not in (None, "none", "required"):
        raise StripeError(
            f"Invalid consent_collection[terms_of_service]: must be one of none or required "
            f"(got {terms!r}).",
            param="consent_collection[terms_of_service]",
        )
    promotions = raw.get("promotions")
    if promotions not in (None, "auto", "none"):
        raise StripeError(
            "Invalid consent_collection[promotions]: must be one of auto or none.",
            param="consent_collection[promotions]",
        )
    return {
        "payment_method_reuse_agreement": None,
        "promotions": promotions,
        "terms_of_service": terms,
    }


def custom_text(params: dict[str, Any], consent: dict[str, Any] | None) -> dict[str, Any]:
    raw = params.get("custom_text") or {}
    if not isinstance(raw, dict):
        raise StripeError("Invalid object", param="custom_text")
    text: dict[str, Any] = dict.fromkeys(CUSTOM_TEXT_KEYS)
    for key, value in raw.items():
        if key not in CUSTOM_TEXT_KEYS:
            raise StripeError(
                f"Received unknown parameter: custom_text[{key}]", param=f"custom_text[{key}]"
            )
        if value in (None, ""):
            continue
        message = value.get("message") if isinstance(value, dict) else None
        if not isinstance(message, str) or not message.strip():
            raise StripeError(
                f"Missing required param: custom_text[{key}][message].",
                code="parameter_missing",
                param=f"custom_text[{key}][message]",
            )
        if len(message) > MAX_MESSAGE:
            raise StripeError(
                f"custom_text[{key}][message] must be at most {MAX_MESSAGE} characters.",
                param=f"custom_text[{key}][message]",
            )
        text[key] = {"message": message}
    required = (consent or {}).get("terms_of_service") == "required"
    if text["terms_of_service_acceptance"] and not required:
        raise StripeError(
            "custom_text[terms_of_service_acceptance] can only be set when "
            "consent_collection[terms_of_service] is `required`.",
            param="custom_text[terms_of_service_acceptance]",
        )
    return text


def terms_required(session: dict[str, Any]) -> bool:
    return ((session.get("consent_collection") or {}).get("terms_of_service")) == "required"


def terms_box(session: dict[str, Any], *, ticked: bool) -> str:
    """The hosted page's required box, with the session's sentence and its links."""
    if not terms_required(session):
        return ""
    custom = (session.get("custom_text") or {}).get("terms_of_service_acceptance")
    sentence = custom["message"] if custom else "I agree to the Terms of Service."
    html = _LINK.sub(
        lambda m: f'<a href="{escape(m.group(2))}">{escape(m.group(1))}</a>', escape(sentence)
    )
    checked = " checked" if ticked else ""
    return (
        '<p class="consent"><input type="checkbox" id="terms_of_service" '
        f'name="terms_of_service" value="accepted" required{checked}> '
        f'<label for="terms_of_service">{html}</label></p>'
    )
