"""Writes of the audit log: recording (signal receivers, bulk creates)."""

from .recording import record_bulk_create, record_change, tracked_models

__all__ = ["record_bulk_create", "record_change", "tracked_models"]
