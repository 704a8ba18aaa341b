"""Request and response schemas of the API's own operations (the listings' are built in ``public``)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from innomarket.catalog import LISTING_TYPES

from .public import CityRef, FieldRef, Ref

TypeKey = Literal[tuple(LISTING_TYPES)]  # type: ignore[valid-type]
MAX_ID = 2**63 - 1  # the databases' bigint


class TypeOut(Schema):
    key: str
    label: str
    section: str
    section_name: str
    path: str


class CityOut(Schema):
    slug: str
    name: str
    short_name: str
    kind: str
    province: str
    is_member: bool


class FieldTagOut(FieldRef):
    name_en: str


class TokenOut(Schema):
    name: str
    prefix: str
    scopes: list[str]
    organisation: Ref | None = None
    city: CityRef | None = None
    expires_at: dt.datetime | None = None


class UserOut(Schema):
    id: int
    name: str


class MeOut(Schema):
    user: UserOut
    token: TokenOut
    role: str | None = Field(None, description="本人在令牌所属机构中的角色（admin/member）；城市令牌为 null")
    administered_city: CityRef | None = None


class RecordRef(Schema):
    type: str | None = None
    id: int
    title: str
    url: str | None = None


class EnquiryOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    subject: str
    record: RecordRef
    city: CityRef
    owner: Ref | None = None
    author_name: str
    author_organisation: Ref | None = None
    purpose: str
    budget_wan: str | None = None
    awaiting_since: dt.datetime | None = None
    created_at: dt.datetime
    updated_at: dt.datetime


class EnquiryMessageOut(Schema):
    author_name: str
    from_owner: bool
    body: str
    created_at: dt.datetime


class EnquiryDetailOut(EnquiryOut):
    messages: list[EnquiryMessageOut]


class EnquiryPage(Schema):
    items: list[EnquiryOut]
    next: str | None = None


# No control characters but tab and line breaks (PostgreSQL refuses NUL in text; the rest is noise).
TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


class EnquiryIn(Schema):
    type: TypeKey = Field(..., description="公开记录的类型（见 /types）")  # type: ignore[valid-type]
    record_id: int = Field(..., ge=1, le=MAX_ID)
    subject: str = Field(..., min_length=1, max_length=120, pattern=TEXT)
    message: str = Field(..., min_length=1, max_length=2000, pattern=TEXT)
    kind: Literal["consult", "intent"] = "consult"
    purpose: Literal["", "transfer", "license", "equity", "cooperation", "other"] = ""
    budget_wan: str | None = Field(
        None,
        pattern=r"^[0-9]{1,10}(\.[0-9]{1,2})?$",
        description='预算（万元），十进制字符串，如 "120.50"；仅洽谈意向',
    )


class QueueKindOut(Schema):
    type: str
    label: str
    count: int


class QueueCountsOut(Schema):
    city: CityRef
    total: int
    kinds: list[QueueKindOut]
