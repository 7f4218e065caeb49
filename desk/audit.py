"""The one way to write the audit log: call `record()` from the flow that did the thing."""

from typing import Any

from .models import AuditEntry


def record(*, actor, action: str, target: str = "", **details: Any) -> AuditEntry:
    """Append one entry. `actor` is the staff user (or None for the system)."""
    label = getattr(actor, "email", "") or getattr(actor, "username", "") or "system"
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=label,
        action=action,
        target_label=target[:254],
        details=details,
    )
