"""Request and response schemas of the API's own operations (the listings' are built in ``public``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator

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


def _no_control_characters(value: str) -> str:
    if any(ord(c) < 32 and c not in "\n\r\t" for c in value):
        raise ValueError("不能包含控制字符")
    return value


class EnquiryIn(Schema):
    type: TypeKey = Field(..., description="公开记录的类型（见 /types）")  # type: ignore[valid-type]
    record_id: int = Field(..., ge=1, le=MAX_ID)
    subject: str = Field(..., min_length=1, max_length=120)
    message: str = Field(..., min_length=1, max_length=2000)
    kind: Literal["consult", "intent"] = "consult"
    purpose: Literal["", "transfer", "license", "equity", "cooperation", "other"] = ""
    budget_wan: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)

    _clean_text = field_validator("subject", "message")(_no_control_characters)


class QueueKindOut(Schema):
    type: str
    label: str
    count: int


class QueueCountsOut(Schema):
    city: CityRef
    total: int
    kinds: list[QueueKindOut]
