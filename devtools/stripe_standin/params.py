"""Stripe-style request parameters: form encoding with brackets, parsed into dicts and lists."""

from __future__ import annotations

import hashlib
import json
import re
import urllib.parse
from typing import Any

from .common import StripeError

_KEY_PART = re.compile(r"\[([^\[\]]*)\]")


def parse_params(text: str) -> dict[str, Any]:
    """Decode Stripe-style form encoding (``a[b][0][c]=v``) into nested dicts/lists."""
    try:
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, max_num_fields=5000)
    except ValueError as exc:
        raise StripeError(f"Could not parse the request body: {exc}") from None
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = _split_key(key)
        node = root
        for i, part in enumerate(parts):
            if part == "":
                part = str(len(node))
            if i == len(parts) - 1:
                node[part] = value
            else:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = {}
                    node[part] = child
                node = child
    return _listify(root, None)


def _split_key(key: str) -> list[str]:
    head, sep, rest = key.partition("[")
    if not sep:
        return [key]
    rest = "[" + rest
    parts = _KEY_PART.findall(rest)
    if "".join(f"[{p}]" for p in parts) != rest or not head:
        return [key]  # malformed brackets: keep the key literally
    return [head, *parts]


def _listify(node: Any, key: str | None) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {k: _listify(v, k) for k, v in node.items()}
    if key != "metadata" and converted and all(k.isdigit() for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted


def fingerprint(params: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()


def number(value: Any, param: str) -> int:
    try:
        return int(float(str(value)))
    except (TypeError, ValueError):
        raise StripeError(f"Invalid number: {value}", param=param) from None
