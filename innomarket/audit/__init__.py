"""审计日志 (audit log): who changed which record, when, and what changed (before → after).

``audit.actor(user, reason="")`` names the actor of changes made outside a request (importer, harvester,
commands); ``audit.record_bulk_create(model, objs, actor)`` records rows written with ``bulk_create`` and
``audit.record_change(obj, {field: (before, after)})`` a change made with ``QuerySet.update``.
"""

from typing import Any

from .context import actor

__all__ = ["actor", "record_bulk_create", "record_change"]


def record_bulk_create(*args: Any, **kwargs: Any) -> Any:
    """See ``innomarket.audit.services.recording.record_bulk_create`` (imported lazily: it needs models)."""
    from .services.recording import record_bulk_create as record

    return record(*args, **kwargs)


def record_change(*args: Any, **kwargs: Any) -> Any:
    """See ``innomarket.audit.services.recording.record_change`` (imported lazily: it needs models)."""
    from .services.recording import record_change as record

    return record(*args, **kwargs)
