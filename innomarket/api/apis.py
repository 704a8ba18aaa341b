"""The open API, version 1: ``/api/v1/``. Thin handlers: parse, check the scope, call one selector or
service, shape the answer. Errors become responses only in ``errors.install``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Path, Query, Schema, Status
from ninja.renderers import JSONRenderer
from pydantic import create_model

from innomarket.catalog import LISTING_TYPES, SECTIONS, listing_type_for_model
from innomarket.enquiries import selectors as enquiry_selectors
from innomarket.enquiries.models import Enquiry
from innomarket.enquiries.services import enquiry_submit
from innomarket.regions.models import City
from innomarket.taxonomy.models import FieldTag
from innomarket.verification.queue import QueueFilters, queue_city, submitted_queryset

from . import errors, public
from .auth import Caller, optional_auth, require_scope, required_auth
from .errors import ERROR_RESPONSES, ApiError, ErrorOut
from .models import Scope
from .pagination import paginate
from .schemas import (
    MAX_ID,
    CityOut,
    EnquiryDetailOut,
    EnquiryIn,
    EnquiryOut,
    EnquiryPage,
    FieldTagOut,
    MeOut,
    QueueCountsOut,
    TypeOut,
)

SLUG = r"^[-a-zA-Z0-9_]{1,60}$"
# A token is optional on public reads: ninja lists the bearer scheme, this adds "or none".
PUBLIC_SECURITY = {"security": [{}]}


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # readable UTF-8, not \\uXXXX


api = NinjaAPI(
    renderer=ChineseJSONRenderer(),
    title="沿沪宁协同创新集市 开放接口",
    version="1",
    description=(
        "公开数据（政策、载体、仪器、机构、榜单、专家、技术经理人、金融产品、基金、融资需求、人才需求、"
        "人才服务站、活动、科技成果、合作项目）任何人可读；机构成员与城市管理员用接口令牌"
        "（`Authorization: Bearer <令牌>`）读取本人信息、本机构咨询，提交在线咨询，读取本市核验队列统计。"
        "错误一律为 `{code, message, field}`。说明见 docs/api.md。"
    ),
    urls_namespace="api-1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)


def _absolute(request: HttpRequest):  # noqa: ANN202 - a small closure factory
    return request.build_absolute_uri


def _caller(request: HttpRequest) -> Caller:
    return request.auth  # type: ignore[attr-defined,no-any-return]


# -- reference data --------------------------------------------------------------------------------


@api.get(
    "/types",
    response={200: list[TypeOut], **ERROR_RESPONSES},
    auth=optional_auth,
    openapi_extra=PUBLIC_SECURITY,
    summary="公开数据的类型",
    tags=["参考数据"],
)
def types(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "key": key,
            "label": str(t.label),
            "section": t.section,
            "section_name": str(SECTIONS[t.section].name),
            "path": reverse(f"api-1:{key}_list"),
        }
        for key, t in LISTING_TYPES.items()
    ]


@api.get(
    "/cities",
    response={200: list[CityOut], **ERROR_RESPONSES},
    auth=optional_auth,
    openapi_extra=PUBLIC_SECURITY,
    summary="城市（联盟成员在前）",
    tags=["参考数据"],
)
def cities(request: HttpRequest) -> Any:
    return City.objects.order_by("-is_member", "sort_order", "id")


@api.get(
    "/fields",
    response={200: list[FieldTagOut], **ERROR_RESPONSES},
    auth=optional_auth,
    openapi_extra=PUBLIC_SECURITY,
    summary="领域/产业标签",
    tags=["参考数据"],
)
def field_tags(request: HttpRequest) -> Any:
    return FieldTag.objects.order_by("sort_order", "id")


# -- public listings: a list and a detail operation per type ------------------------------------------


class ListingFilters(Schema):
    city: str | None = Field(None, pattern=SLUG, description="城市标识（见 /cities）")
    field: str | None = Field(None, pattern=SLUG, description="领域标签标识（见 /fields）")
    updated_since: dt.datetime | None = Field(None, description="只返回此时刻之后更新的记录（ISO 8601）")
    order: Literal["-updated_at", "updated_at"] = Field(
        "-updated_at", description="-updated_at：最近更新在前；updated_at：最早在前（增量同步用）"
    )
    cursor: str | None = Field(None, max_length=500, description="上一页返回的 next 中的游标")
    limit: int | None = Field(None, ge=1, le=1000, description="每页条数，默认 20，最多 100（可配置）")


def _aware(value: dt.datetime, field: str) -> dt.datetime:
    """``value`` in UTC: ISO 8601 allows offsets (e.g. +22:23) that PostgreSQL refuses."""
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        raise ApiError(
            422, "validation", _("参数“%(f)s”超出可用的时间范围。") % {"f": field}, field
        ) from None


def _filtered(qs: Any, filters: ListingFilters) -> Any:
    if filters.city:
        city = City.objects.filter(slug=filters.city).first()
        if city is None:
            raise ApiError(
                404,  # like an unknown record: the request is well-formed, the thing named is absent
                "filter_not_found",
                _("没有城市“%(v)s”，请用 /cities 中的标识。") % {"v": filters.city},
                "city",
            )
        qs = qs.filter(city=city)
    if filters.field:
        tag = FieldTag.objects.filter(slug=filters.field).first()
        if tag is None:
            raise ApiError(
                404,  # like an unknown record: the request is well-formed, the thing named is absent
                "filter_not_found",
                _("没有领域“%(v)s”，请用 /fields 中的标识。") % {"v": filters.field},
                "field",
            )
        qs = qs.filter(fields=tag)
    if filters.updated_since:
        qs = qs.filter(updated_at__gt=_aware(filters.updated_since, "updated_since"))
    return qs


def _register_listing_type(type_key: str) -> None:
    shape = public.shape(type_key)
    label = str(LISTING_TYPES[type_key].label)
    page_schema = create_model(
        f"{public._pascal(type_key)}Page",
        __base__=Schema,
        items=(list[shape.item_schema], ...),  # type: ignore[name-defined]
        next=(str | None, None),
    )

    def listing_list(request: HttpRequest, filters: Query[ListingFilters]) -> dict[str, Any]:
        qs = _filtered(shape.queryset(), filters)
        rows, next_url = paginate(
            request, qs, order=filters.order, cursor=filters.cursor, limit=filters.limit
        )
        absolute = _absolute(request)
        return {"items": [public.item(shape, obj, absolute=absolute) for obj in rows], "next": next_url}

    def listing_detail(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:  # noqa: A002, B008
        obj = get_object_or_404(shape.queryset(), pk=id)
        return public.detail(shape, obj, absolute=_absolute(request))

    api.get(
        f"/listings/{type_key}/",
        response={200: page_schema, **ERROR_RESPONSES},
        auth=optional_auth,
        openapi_extra=PUBLIC_SECURITY,
        operation_id=f"{type_key}_list",
        url_name=f"{type_key}_list",
        summary=f"{label}：列表",
        tags=[label],
    )(listing_list)
    api.get(
        f"/listings/{type_key}/{{id}}/",
        response={200: shape.detail_schema, **ERROR_RESPONSES},
        auth=optional_auth,
        openapi_extra=PUBLIC_SECURITY,
        operation_id=f"{type_key}_detail",
        url_name=f"{type_key}_detail",
        summary=f"{label}：详情",
        tags=[label],
    )(listing_detail)


for _key in LISTING_TYPES:
    _register_listing_type(_key)


# -- the token's person and organisation -------------------------------------------------------------


def _city_ref(city: Any) -> dict[str, str] | None:
    return {"slug": city.slug, "name": city.name} if city is not None else None


def _org_ref(org: Any) -> dict[str, Any] | None:
    if org is None:
        return None
    return {"id": org.pk if org.is_public else None, "name": org.name}


@api.get(
    "/me",
    response={200: MeOut, **ERROR_RESPONSES},
    auth=required_auth,
    summary="令牌的持有人与所属机构/城市",
    tags=["本人"],
)
def me(request: HttpRequest) -> dict[str, Any]:
    token = require_scope(_caller(request), Scope.ME_READ)
    user = token.created_by
    role = None
    if token.organisation_id is not None:
        from innomarket.organisations.models import Membership

        role = (
            Membership.objects.filter(user=user, organisation_id=token.organisation_id)
            .values_list("role", flat=True)
            .first()
        )
    administered = (
        City.objects.filter(pk=user.administered_city_id).first() if user.administered_city_id else None
    )
    return {
        "user": {"id": user.pk, "name": user.display_name},
        "token": {
            "name": token.name,
            "prefix": token.display_prefix,
            "scopes": token.scopes,
            "organisation": {"id": token.organisation.pk, "name": token.organisation.name}
            if token.organisation is not None
            else None,
            "city": _city_ref(token.city),
            "expires_at": token.expires_at,
        },
        "role": role,
        "administered_city": _city_ref(administered),
    }


def _enquiries_in_scope(caller: Caller, box: str) -> Any:
    """The token's enquiries: of its organisation (received by it, or sent by this person in its name),
    or for a city token those its city answers itself (records without an owner) and this person's."""
    token = caller.token
    assert token is not None
    user = caller.user
    if box == "received":
        qs = enquiry_selectors.enquiries_received(user)
        if token.organisation_id is not None:
            return qs.filter(owner_id=token.organisation_id)
        return qs.filter(owner__isnull=True, city_id=token.city_id)
    qs = enquiry_selectors.enquiries_sent(user)
    if token.organisation_id is not None:
        return qs.filter(author_organisation_id=token.organisation_id)
    return qs.filter(author_organisation__isnull=True)


def _record_ref(enquiry: Enquiry, request: HttpRequest) -> dict[str, Any]:
    model = enquiry.content_type.model_class()
    listing_type = listing_type_for_model(model) if model is not None else None
    url = None
    if listing_type is not None:
        url = request.build_absolute_uri(reverse(listing_type.detail_url, kwargs={"pk": enquiry.object_id}))
    return {
        "type": listing_type.key if listing_type else None,
        "id": enquiry.object_id,
        "title": enquiry.record_title,
        "url": url,
    }


def _enquiry(enquiry: Enquiry, request: HttpRequest) -> dict[str, Any]:
    return {
        "id": enquiry.pk,
        "kind": enquiry.kind,
        "kind_label": enquiry.get_kind_display(),
        "status": enquiry.status,
        "status_label": enquiry.get_status_display(),
        "subject": enquiry.subject,
        "record": _record_ref(enquiry, request),
        "city": _city_ref(enquiry.city),
        "owner": _org_ref(enquiry.owner),
        "author_name": enquiry.author.display_name,
        "author_organisation": _org_ref(enquiry.author_organisation),
        "purpose": enquiry.purpose,
        "budget_wan": str(enquiry.budget_wan) if enquiry.budget_wan is not None else None,
        "awaiting_since": enquiry.awaiting_since,
        "created_at": enquiry.created_at,
        "updated_at": enquiry.updated_at,
    }


class EnquiryQuery(Schema):
    box: Literal["received", "sent"] = Field(
        "received", description="received：本机构收到的；sent：本人以本机构名义发出的"
    )
    cursor: str | None = Field(None, max_length=500)
    limit: int | None = Field(None, ge=1, le=1000)


@api.get(
    "/me/enquiries",
    response={200: EnquiryPage, **ERROR_RESPONSES},
    auth=required_auth,
    summary="本机构的在线咨询",
    tags=["本人"],
)
def my_enquiries(request: HttpRequest, query: Query[EnquiryQuery]) -> dict[str, Any]:
    caller = _caller(request)
    require_scope(caller, Scope.ME_READ)
    qs = _enquiries_in_scope(caller, query.box)
    rows, next_url = paginate(request, qs, order="-updated_at", cursor=query.cursor, limit=query.limit)
    return {"items": [_enquiry(e, request) for e in rows], "next": next_url}


@api.get(
    "/me/enquiries/{id}/",
    response={200: EnquiryDetailOut, **ERROR_RESPONSES},
    auth=required_auth,
    summary="本机构的一条咨询及其对话",
    tags=["本人"],
)
def my_enquiry(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:  # noqa: A002, B008
    caller = _caller(request)
    require_scope(caller, Scope.ME_READ)
    enquiry = enquiry_selectors.enquiry_for(caller.user, id)
    in_scope = enquiry is not None and any(
        _enquiries_in_scope(caller, box).filter(pk=id).exists() for box in ("received", "sent")
    )
    if not in_scope:
        raise Http404
    assert enquiry is not None
    data = _enquiry(enquiry, request)
    data["messages"] = [
        {
            "author_name": m.author.display_name,
            "from_owner": m.from_owner,
            "body": m.body,
            "created_at": m.created_at,
        }
        for m in enquiry_selectors.conversation(enquiry)
    ]
    return data


@api.post(
    "/enquiries",
    response={201: EnquiryOut, 409: ErrorOut, **ERROR_RESPONSES},
    auth=required_auth,
    summary="在线咨询：向公开记录的发布机构提问（以令牌所属机构的名义）",
    tags=["本人"],
)
def enquiry_create(request: HttpRequest, payload: EnquiryIn) -> Status:
    caller = _caller(request)
    token = require_scope(caller, Scope.ENQUIRIES_WRITE)
    record = get_object_or_404(public.shape(payload.type).queryset(), pk=payload.record_id)
    enquiry = enquiry_submit(
        actor=caller.user,
        record=record,
        subject=payload.subject,
        message=payload.message,
        kind=payload.kind,
        author_organisation=token.organisation,
        purpose=payload.purpose,
        budget_wan=Decimal(payload.budget_wan) if payload.budget_wan else None,
    )
    enquiry = Enquiry.objects.select_related(
        "owner", "city", "author", "author_organisation", "content_type"
    ).get(pk=enquiry.pk)
    return Status(201, _enquiry(enquiry, request))


# -- a city's administrators: the verification queue, counted -----------------------------------------


@api.get(
    "/city/verification-queue",
    response={200: QueueCountsOut, **ERROR_RESPONSES},
    auth=required_auth,
    summary="本市待核验记录数（按类型）",
    tags=["城市管理员"],
)
def verification_queue_counts(request: HttpRequest) -> dict[str, Any]:
    caller = _caller(request)
    token = require_scope(caller, Scope.QUEUE_READ)
    if token.city is None:
        raise ApiError(403, "city_token_required", _("只有城市令牌可以读取核验队列。"))
    city = queue_city(actor=caller.user, slug=token.city.slug)  # the person must still run this city
    assert city is not None
    kinds = [
        {"type": key, "label": str(t.label), "count": submitted_queryset(t, QueueFilters(city=city)).count()}
        for key, t in LISTING_TYPES.items()
    ]
    return {"city": _city_ref(city), "total": sum(k["count"] for k in kinds), "kinds": kinds}
