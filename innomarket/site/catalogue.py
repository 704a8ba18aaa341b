"""The public catalogue's machinery, written once for every listing type.

Each listing type of ``innomarket.catalog`` contributes data, not code:

* a **selector** in its app's ``selectors.py`` returning the public queryset with its relations
  joined (``public_listings`` below does the common part);
* a **FilterSet** in its app's ``filters.py`` subclassing ``CatalogueFilterSet`` (city, field,
  keyword and sort come with the base class; the type adds its kind/level/stage …);
* a ``CatalogueSpec`` in its app's ``views.py`` naming the card meta, the detail facts and the
  prose fields; ``list_view(spec)`` and ``detail_view(spec)`` turn it into the two page views.

``innomarket.catalog.LISTING_TYPES`` names every type's selector and FilterSet so that the section
pages and the site-wide search reach them without importing fifteen modules by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Case, F, IntegerField, Q, QuerySet, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innomarket.catalog import LISTING_TYPES, SECTIONS, ListingType, Section
from innomarket.common.text import normalise_query
from innomarket.matching.engine.explain import find_spans
from innomarket.matching.engine.explain import highlight as engine_highlight
from innomarket.regions.models import City
from innomarket.taxonomy.models import FieldTag
from innomarket.verification.selectors import public

MAX_QUERY_TERMS = 8
MAX_QUERY_LENGTH = 100

# type key → (dotted path of the public selector, dotted path of the FilterSet)


def queryset_for(type_key: str) -> QuerySet[Any]:
    """The public queryset of one listing type, relations joined (its app's selector)."""
    return import_string(LISTING_TYPES[type_key].selector)()


def filterset_for(type_key: str) -> type[CatalogueFilterSet]:
    return import_string(LISTING_TYPES[type_key].filterset)


def type_key_of(model: type[models.Model]) -> str:
    """The listing type key of ``model`` ("achievement" …)."""
    return next(key for key, t in LISTING_TYPES.items() if t.model is model)


# --------------------------------------------------------------------------------------------
# Selectors
# --------------------------------------------------------------------------------------------


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def public_listings(
    model: type[models.Model], *, select: Sequence[str] = (), prefetch: Sequence[Any] = ()
) -> QuerySet[Any]:
    """Public records of ``model`` with what every card shows joined: city, owner, field tags.

    Never returns a record outside the model's ``WORKFLOW.public`` states.
    """
    related = ["city", *select]
    if _has_field(model, "owner"):
        related.append("owner")
    return public(model).select_related(*related).prefetch_related("fields", *prefetch)


def formerly_public(model: type[models.Model], pk: Any) -> Any | None:
    """The record ``pk`` of ``model`` if it was public once and has since left the site (过期, 下架, a
    cancelled challenge), else None: never public records (草稿, 待核验, 已退回) are None, as are
    records being re-verified after an edit. Only its title, city and type may be shown from it.

    "Left the site" is a state outside the workflow's public ones that only a public record reaches
    (not the draft, submitted or rejected states); "was public" is a verification on record.
    """
    workflow = model.WORKFLOW  # type: ignore[attr-defined]
    before_public = {workflow.withdrawn, workflow.submitted, workflow.rejected}
    left_site = set(workflow.transitions) - set(workflow.public) - before_public
    return (
        model._default_manager.filter(pk=pk, status__in=left_site, last_verified_at__isnull=False)
        .select_related("city")
        .first()
    )


def latest_first(qs: QuerySet[Any]) -> QuerySet[Any]:
    """Newest public records first: by publication date where the model has one."""
    if _has_field(qs.model, "published_at"):
        return qs.order_by(F("published_at").desc(nulls_last=True), "-id")
    return qs.order_by(F("last_verified_at").desc(nulls_last=True), "-id")


def filter_listings(
    filterset_class: type[CatalogueFilterSet], queryset: QuerySet[Any], filters: Mapping[str, Any] | None
) -> CatalogueFilterSet:
    """Apply a catalogue FilterSet. Invalid values (an unknown city slug …) are ignored, not fatal:
    ``.qs`` filters by the valid fields only and ``.errors`` says what was dropped."""
    return filterset_class(filters or None, queryset=queryset)


def search_terms(query: str) -> list[str]:
    """NFKC-normalised, whitespace-split terms of a user query, capped so a pasted essay stays cheap."""
    return normalise_query(query[: MAX_QUERY_LENGTH * 2])[:MAX_QUERY_LENGTH].split()[:MAX_QUERY_TERMS]


def keyword_q(terms: Iterable[str], fields: Sequence[str]) -> Q:
    """Every term must occur (icontains) in at least one of ``fields``."""
    condition = Q()
    for term in terms:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": term})
        condition &= any_field
    return condition


# --------------------------------------------------------------------------------------------
# FilterSets
# --------------------------------------------------------------------------------------------


def member_cities_first() -> QuerySet[City]:
    return City.objects.order_by("-is_member", "sort_order", "id")


class SortFilter(django_filters.ChoiceFilter):
    """``?sort=key``: one of a few named orderings. ``options`` is ``[(key, label, ordering), …]``."""

    def __init__(self, options: Sequence[tuple[str, Any, Sequence[Any]]], **kwargs: Any) -> None:
        self.orderings = {key: ordering for key, _label, ordering in options}
        kwargs.setdefault("label", gettext_lazy("排序"))
        kwargs.setdefault("empty_label", gettext_lazy("默认排序"))
        super().__init__(choices=[(key, label) for key, label, _o in options], method=self.order, **kwargs)

    def order(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        ordering = self.orderings.get(value)
        return queryset.order_by(*ordering) if ordering else queryset


class IdFilter(django_filters.NumberFilter):
    """A primary key in the query string: a whole number within the database's range, or ignored."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(**kwargs)


class YesNoFilter(django_filters.ChoiceFilter):
    """A yes/no field as a select of 不限/是/否 (``?x=1`` / ``?x=0``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", gettext_lazy("不限"))
        super().__init__(choices=[("1", gettext_lazy("是")), ("0", gettext_lazy("否"))], **kwargs)


NEWEST = ("newest", gettext_lazy("最新发布"), (F("published_at").desc(nulls_last=True), "-id"))
BY_TITLE = ("title", gettext_lazy("按名称"), ("title", "id"))


class CatalogueFilterSet(django_filters.FilterSet):
    """City, field, keyword and the owner, shared by every list page. Subclasses add their own
    filters and set ``search_fields`` (the text ``?q=`` looks in; the site-wide search uses it too)."""

    search_fields: tuple[str, ...] = ("title", "summary")

    q = django_filters.CharFilter(label=gettext_lazy("关键词"), method="filter_keywords")
    city = django_filters.ModelChoiceFilter(
        label=gettext_lazy("城市"),
        queryset=member_cities_first(),
        to_field_name="slug",
        empty_label=gettext_lazy("全部城市"),
    )
    field = django_filters.ModelChoiceFilter(
        label=gettext_lazy("领域/产业"),
        field_name="fields",
        queryset=FieldTag.objects.all(),
        to_field_name="slug",
        empty_label=gettext_lazy("全部领域"),
    )
    owner = IdFilter(label=gettext_lazy("发布机构"), field_name="owner_id", widget=forms.HiddenInput)

    def filter_keywords(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        """The site's one search (the matching engine, as on ``/search/``) restricted to this list:
        records relevant to ``value``, most relevant first unless another order is chosen. Plain
        text matching only while the search index is empty (never built)."""
        from innomarket.matching.selectors import keyword_matches

        matches = keyword_matches(type_key_of(queryset.model), value) if value.strip() else None
        if matches is None:
            terms = search_terms(value)
            return queryset.filter(keyword_q(terms, self.search_fields)) if terms else queryset
        self.highlight_terms = matches.terms
        if not matches.ids:
            return queryset.none()
        rank = Case(*(When(pk=pk, then=i) for i, pk in enumerate(matches.ids)), output_field=IntegerField())
        return queryset.filter(pk__in=matches.ids).order_by(rank)

    def invalid_messages(self) -> list[str]:
        """One readable sentence per ignored filter value."""
        if not self.is_bound:
            return []
        messages = []
        for name in self.form.errors:
            form_field = self.form.fields.get(name)
            label = form_field.label if form_field is not None else name
            messages.append(
                _("筛选条件“%(label)s”的值“%(value)s”无效，已忽略。")
                % {"label": label, "value": str(self.data.get(name, ""))[:40]}
            )
        return messages

    def active(self) -> bool:
        """Whether any visible filter is in effect (for the empty state's wording)."""
        if not self.is_bound or not hasattr(self.form, "cleaned_data"):
            return False
        return any(v not in (None, "", [], ()) for k, v in self.form.cleaned_data.items() if k != "sort")


# --------------------------------------------------------------------------------------------
# Presentation helpers: facts, card meta, highlighting
# --------------------------------------------------------------------------------------------

_UNIT = re.compile(r"^(?P<label>.+?)（(?P<unit>亿元|万元|平方米|%|月)）$")


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    url: str = ""
    external: bool = False


def _format_decimal(value: Decimal | int | float) -> str:
    if isinstance(value, Decimal):
        value = value.normalize()
        return format(value, ",f")
    return format(value, ",")


def display_value(obj: Any, name: str) -> tuple[str, str, str, bool]:
    """(label, text, url, external) for one model field of ``obj``; empty text when unset."""
    model_field = obj._meta.get_field(name)
    label = str(model_field.verbose_name)
    value = getattr(obj, name, None) if not model_field.many_to_many else None
    url = ""
    external = False
    if model_field.many_to_many:
        text = _("、").join(str(o) for o in getattr(obj, name).all())
    elif model_field.choices:
        text = str(getattr(obj, f"get_{name}_display")()) if value not in (None, "") else ""
    elif isinstance(model_field, models.BooleanField):
        text = _("是") if value else _("否")
    elif value is None or value == "":
        text = ""
    elif isinstance(model_field, (models.DecimalField, models.IntegerField, models.FloatField)):
        text = _format_decimal(model_field.to_python(value))
        match = _UNIT.match(label)
        if match:
            label = match["label"]
            unit = match["unit"]
            text = f"{text}{unit}" if unit == "%" else f"{text} {unit}"
    elif isinstance(value, dt.datetime):
        text = formats.date_format(timezone.localtime(value), _("Y年n月j日 H:i"))
    elif isinstance(value, dt.date):
        text = formats.date_format(value, _("Y年n月j日"))
    elif isinstance(model_field, models.URLField):
        text, url, external = value, value, True
    elif isinstance(model_field, models.ForeignKey):
        text = str(value)
        if getattr(value, "is_public", False) and hasattr(value, "get_absolute_url"):
            url = value.get_absolute_url()
    else:
        text = str(value)
    return label, text, url, external


FactSource = str | tuple[Any, Callable[[Any], Any]]


def facts_for(obj: Any, sources: Sequence[FactSource]) -> list[Fact]:
    """The facts of a detail page: model field names, or ``(label, function(obj))`` pairs. Unset
    values are left out rather than shown as blanks."""
    facts = []
    for source in sources:
        if isinstance(source, str):
            label, text, url, external = display_value(obj, source)
        else:
            label, text, url, external = str(source[0]), source[1](obj), "", False
            text = "" if text in (None, "") else str(text)
        if text:
            facts.append(Fact(label, text, url, external))
    return facts


def labelled(name: str, template: Any) -> tuple[str, Callable[[Any], str]]:
    """A fact source showing field ``name`` through ``template`` ("截止 %(value)s"), or nothing."""

    def text(obj: Any) -> str:
        value = display_value(obj, name)[1]
        return str(template) % {"value": value} if value else ""

    return (name, text)


def card_meta(obj: Any, sources: Sequence[FactSource]) -> list[str]:
    """Short values under a card's title ("孵化器 · 国家级 · 3,248 平方米"): the values alone, and
    for a yes/no field its label when it is yes ("可使用创新券")."""
    meta = []
    for source in sources:
        if isinstance(source, str) and isinstance(obj._meta.get_field(source), models.BooleanField):
            if getattr(obj, source):
                meta.append(str(obj._meta.get_field(source).verbose_name))
            continue
        meta.extend(fact.value for fact in facts_for(obj, [source]))
    return meta


def amount_range(low: Decimal | None, high: Decimal | None, unit: str) -> str:
    """The range as text: "50–200 万元", "≥ 50 万元", "≤ 200 万元", or "" when both are unset."""
    if low is not None and high is not None:
        if low == high:
            return f"{_format_decimal(low)} {unit}"
        return f"{_format_decimal(low)}–{_format_decimal(high)} {unit}"
    if low is not None:
        return f"≥ {_format_decimal(low)} {unit}"
    if high is not None:
        return f"≤ {_format_decimal(high)} {unit}"
    return ""


def highlight(text: str, terms: Iterable[str]) -> SafeString:
    """Escape ``text`` and wrap every occurrence of a term in ``<mark>``: matched after the same
    normalisation as search (full/half width, case, traditional characters), Latin terms as whole
    words only ("ai" is not marked inside "Talairach"). User text can never inject markup."""
    return mark_safe(engine_highlight(text or "", [t for t in terms if t]))  # noqa: S308 - escaped


def snippet(text: str, terms: Iterable[str], width: int = 90) -> SafeString:
    """A highlighted excerpt of ``width`` characters around the first matched term."""
    terms = [t for t in terms if t]
    text = " ".join((text or "").split())
    spans = find_spans(text, terms)
    start = max(0, spans[0][0] - width // 3) if spans else 0
    piece = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(escape(prefix) + highlight(piece, terms) + escape(suffix))  # noqa: S308


# --------------------------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueSpec:
    """What differs between listing types on the public site. Everything else is shared."""

    type_key: str
    card_meta: tuple[FactSource, ...] = ()
    facts: tuple[FactSource, ...] = ()
    prose: tuple[str, ...] = ("summary",)
    summary_field: str = "summary"
    detail_template: str = "catalogue/detail.html"
    list_template: str = "catalogue/list.html"
    lead: Any = ""
    extra_detail_context: Callable[[Any], dict[str, Any]] | None = None
    # Context that depends on who is looking (tiers of disclosure): called with (request, obj).
    request_detail_context: Callable[[HttpRequest, Any], dict[str, Any]] | None = None
    kind_chips: str = ""  # a choice filter shown as chips above the results, e.g. "phase"
    card_badges: tuple[FactSource, ...] = ()  # values shown as badges on the cards, e.g. ("kind",)
    # A line under each card that depends on who is looking ("您的积分等级符合"): called with (request,
    # the page's records), returns {pk: note}; a note renders as text with an optional ``css_class``.
    request_card_notes: Callable[[HttpRequest, list[Any]], dict[Any, Any]] | None = None

    @property
    def listing_type(self) -> ListingType:
        return LISTING_TYPES[self.type_key]

    @property
    def section(self) -> Section:
        return SECTIONS[self.listing_type.section]

    def queryset(self) -> QuerySet[Any]:
        return queryset_for(self.type_key)

    @property
    def filterset_class(self) -> type[CatalogueFilterSet]:
        return filterset_for(self.type_key)


@dataclass(frozen=True)
class Card:
    obj: Any
    title: SafeString
    meta: list[str]
    summary: SafeString
    badges: tuple[str, ...] = ()
    note: Any = ""


def paginate(request: HttpRequest, queryset: QuerySet[Any]) -> Page:
    """One page of results; ``?page=abc`` gives the first page, a page past the end the last."""
    return Paginator(queryset, settings.INNOMARKET_PAGE_SIZE).get_page(request.GET.get("page"))


def page_links(page: Page) -> list[int | str]:
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


def list_view(spec: CatalogueSpec) -> Callable[..., HttpResponse]:
    def view(request: HttpRequest) -> HttpResponse:
        filterset = filter_listings(spec.filterset_class, spec.queryset(), request.GET)
        page = paginate(request, filterset.qs)
        # The words the engine matched (synonyms included), else the typed ones.
        terms = list(getattr(filterset, "highlight_terms", None) or search_terms(request.GET.get("q", "")))
        records = list(page.object_list)
        notes = spec.request_card_notes(request, records) if spec.request_card_notes is not None else {}
        cards = [
            Card(
                obj=obj,
                title=highlight(obj.title, terms),
                meta=card_meta(obj, spec.card_meta),
                summary=snippet(getattr(obj, spec.summary_field, ""), terms, 120),
                badges=tuple(card_meta(obj, spec.card_badges)),
                note=notes.get(obj.pk, ""),
            )
            for obj in records
        ]
        chips = _chips(request, filterset, spec.kind_chips) if spec.kind_chips else None
        owner_id = getattr(filterset.form, "cleaned_data", {}).get("owner")
        context = {
            "spec": spec,
            "listing_type": spec.listing_type,
            "section": spec.section,
            "filter": filterset,
            "filter_form": filterset.form,
            "invalid_filters": filterset.invalid_messages(),
            "filters_active": filterset.active(),
            "page_obj": page,
            "page_links": page_links(page),
            "cards": cards,
            "chips": chips,
            "owner_filter": _public_organisation(owner_id) if owner_id else None,
        }
        return render(request, spec.list_template, context)

    view.__name__ = f"{spec.type_key}_list"
    return view


def _public_organisation(pk: Any) -> Any:
    from innomarket.organisations.models import Organisation

    return public(Organisation).filter(pk=pk).first()


def _query_with(request: HttpRequest, name: str, value: str) -> str:
    """The current query string with ``name`` set to ``value`` (or removed) and the page reset."""
    query = request.GET.copy()
    query.pop("page", None)
    if value:
        query[name] = value
    else:
        query.pop(name, None)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else request.path


def _chips(request: HttpRequest, filterset: CatalogueFilterSet, name: str) -> dict[str, Any]:
    """A choice filter as chips above the results: each chip a link that keeps the other filters."""
    cleaned = getattr(filterset.form, "cleaned_data", {})
    form_field = filterset.form.fields[name]
    return {
        "label": form_field.label,
        "current": cleaned.get(name) or "",
        "all_url": _query_with(request, name, ""),
        "choices": [
            {"value": str(value), "label": label, "url": _query_with(request, name, str(value))}
            for value, label in form_field.choices
            if value != ""
        ],
    }


def detail_view(spec: CatalogueSpec) -> Callable[..., HttpResponse]:
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        obj = spec.queryset().filter(pk=pk).first()
        if obj is None:
            return _gone_or_404(request, spec, pk)
        context = {
            "spec": spec,
            "listing_type": spec.listing_type,
            "section": spec.section,
            "obj": obj,
            "type_name": obj._meta.verbose_name,
            "facts": facts_for(obj, spec.facts),
            "prose": [
                (str(obj._meta.get_field(name).verbose_name), getattr(obj, name))
                for name in spec.prose
                if getattr(obj, name, "")
            ],
        }
        if spec.extra_detail_context is not None:
            context.update(spec.extra_detail_context(obj))
        if spec.request_detail_context is not None:
            context.update(spec.request_detail_context(request, obj))
        return render(request, spec.detail_template, context)

    view.__name__ = f"{spec.type_key}_detail"
    return view


def _gone_or_404(request: HttpRequest, spec: CatalogueSpec, pk: int) -> HttpResponse:
    """410 「该信息已过期 / 已下架」 for a record that was public (its title, type and city only, with
    links to the list and to search), 404 for anything that never was."""
    record = formerly_public(spec.listing_type.model, pk)
    if record is None:
        raise Http404(_("没有找到这条信息。"))
    context = {
        "spec": spec,
        "listing_type": spec.listing_type,
        "section": spec.section,
        "title": str(record),
        "type_name": record._meta.verbose_name,
        "city": record.city,
    }
    return render(request, "catalogue/gone.html", context, status=410)


def section_or_404(key: str) -> Section:
    try:
        return SECTIONS[key]
    except KeyError:
        raise Http404(_("没有这个栏目。")) from None


@dataclass(frozen=True)
class SectionTile:
    listing_type: ListingType
    count: int
    latest: list[Any]


def section_overview(section: Section, *, latest: int = 4) -> list[SectionTile]:
    """Per listing type of a section: the public count and the newest few public records.

    Two queries per type (a count and a short list with the city joined)."""
    tiles = []
    for listing_type in section.types:
        qs = public(listing_type.model)
        tiles.append(
            SectionTile(
                listing_type=listing_type,
                count=qs.count(),
                latest=list(latest_first(qs.select_related("city"))[:latest]),
            )
        )
    return tiles
