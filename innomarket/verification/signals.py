"""``status_changed``: sent by every workflow transition, after its event row is written.

Arguments: ``record`` (the saved object), ``actor`` (a user or None for the system), ``from_status``,
``to_status`` and ``reason``. Receivers run inside the transition's transaction.
"""

from django.dispatch import Signal

status_changed = Signal()
