"""Explicit state machines: the allowed transitions of every verifiable record.

A workflow is data (a table), the transitions are services (``services.py``) that consult it.
Models name theirs in a ``WORKFLOW`` class attribute.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Workflow:
    transitions: dict[str, frozenset[str]]
    public: frozenset[str]
    submitted: str = "submitted"
    verified: str = "published"
    rejected: str = "rejected"
    withdrawn: str = "draft"
    archived: str = "archived"
    expired: str = "expired"
    # States from which an owner may still edit the record (editing a public one re-submits it).
    editable: frozenset[str] = field(default_factory=lambda: frozenset({"draft", "rejected", "submitted", "published", "expired", "archived"}))

    def allows(self, from_status: str, to_status: str) -> bool:
        return to_status in self.transitions.get(from_status, frozenset())


LISTING_WORKFLOW = Workflow(
    transitions={
        "draft": frozenset({"submitted"}),
        "submitted": frozenset({"published", "rejected", "draft"}),
        "rejected": frozenset({"submitted", "draft"}),
        "published": frozenset({"submitted", "expired", "archived"}),
        "expired": frozenset({"submitted", "archived"}),
        "archived": frozenset({"submitted"}),
    },
    public=frozenset({"published"}),
)
