"""What of each public record the matching engine sees.

One function turns a record into the fields of its ``SearchDocument``: the title, the *public*
text (each listing type's public search fields, the same ones the catalogue searches: a
challenge contributes only its teaser, never its problem statement, indicators or acceptance
criteria), facets and boost attributes. Nothing else is ever indexed, so nothing else can leak
into a snippet or an explanation.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import translation

from innomarket.catalog import LISTING_TYPES
from innomarket.common.choices import Phase
from innomarket.common.text import without_sample_marker
from innomarket.site.catalogue import filterset_for

# Fields whose date ends a record's validity: after it the record is neither recommended nor found.
EXPIRY_FIELDS = {
    "challenge": "deadline",
    "policy": "effective_to",
    "talentpost": "valid_until",
    "financing": "valid_until",
}
# Choice fields whose label is a searchable word (a university is found by 高校).
LABEL_FIELDS = {"organisation": ("kind",), "challenge": ("kind",), "cooperation": ("kind",)}
# Organisations are refined by kind in the engine, so recommendations can ask for some kinds only.
REFINED_TYPES = {"organisation": "kind"}


@dataclass(frozen=True)
class DocumentData:
    type_key: str
    object_id: int
    engine_type: str
    title: str
    text: str
    city: str
    fields: list[str]
    accepts_vouchers: bool
    completed_cooperations: int
    expires_on: datetime.date | None

    def content_hash(self, embedder: str) -> str:
        """Changes whenever the stored embedding would (the embedded text or the model)."""
        payload = "\0".join((embedder, self.title, self.text))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def title_field(type_key: str) -> str:
    return "name" if type_key == "organisation" else "title"


def text_fields(type_key: str) -> tuple[str, ...]:
    """The public fields indexed as body text: the type's public search fields less the title."""
    title = title_field(type_key)
    return tuple(f for f in filterset_for(type_key).search_fields if f != title)


def is_indexable(record: Any) -> bool:
    """Only public records (verified, not archived or expired by status) are ever indexed."""
    return bool(record.is_public)


def engine_type(type_key: str, record: Any) -> str:
    refine = REFINED_TYPES.get(type_key)
    return f"{type_key}:{getattr(record, refine)}" if refine else type_key


def completed_cooperations(organisation_ids: set[int]) -> dict[int, int]:
    """Public, completed (过去时) cooperation cases per organisation, as owner or partner."""
    from innomarket.lists.models import Cooperation

    if not organisation_ids:
        return {}
    counts: dict[int, int] = dict.fromkeys(organisation_ids, 0)
    done = Cooperation._default_manager.filter(status__in=Cooperation.WORKFLOW.public, phase=Phase.PAST)
    seen: set[tuple[int, int]] = set()
    for coop_id, owner_id, partner_id in done.filter(
        Q(owner_id__in=organisation_ids) | Q(partners__in=organisation_ids)
    ).values_list("id", "owner_id", "partners"):
        for org_id in (owner_id, partner_id):
            if org_id in counts and (coop_id, org_id) not in seen:
                seen.add((coop_id, org_id))
                counts[org_id] += 1
    return counts


def document_data(type_key: str, records: list[Any]) -> list[DocumentData]:
    """The document of each record (records of one type, ``fields`` prefetched, ``city`` joined)."""
    title_name, body = title_field(type_key), text_fields(type_key)
    labels = LABEL_FIELDS.get(type_key, ())
    org_ids = {r.pk if type_key == "organisation" else getattr(r, "owner_id", None) for r in records} - {None}
    track = completed_cooperations({int(i) for i in org_ids if i is not None})
    expiry = EXPIRY_FIELDS.get(type_key)
    out = []
    with translation.override("zh-hans"):  # the index is in the site's own language
        for r in records:
            parts = [str(getattr(r, f"get_{name}_display")()) for name in labels]
            parts += [str(getattr(r, name) or "").strip() for name in body]
            org_id = r.pk if type_key == "organisation" else getattr(r, "owner_id", None)
            out.append(
                DocumentData(
                    type_key=type_key,
                    object_id=r.pk,
                    engine_type=engine_type(type_key, r),
                    title=without_sample_marker(str(getattr(r, title_name) or "")),
                    text="\n".join(p for p in parts if p),
                    city=r.city.slug,
                    fields=sorted(tag.slug for tag in r.fields.all()),
                    accepts_vouchers=bool(getattr(r, "accepts_vouchers", False)),
                    completed_cooperations=track.get(org_id, 0) if org_id is not None else 0,
                    expires_on=getattr(r, expiry) if expiry else None,
                )
            )
    return out


def records_for(type_key: str, ids: list[int] | None = None) -> Any:
    """The records of one type as the indexer reads them (all statuses: the caller decides)."""
    qs = LISTING_TYPES[type_key].model._default_manager.select_related("city").prefetch_related("fields")
    return qs if ids is None else qs.filter(pk__in=ids)
