"""三张清单: the resource list, the demand list and the cooperation list, each in three tenses.

This module is the single definition of which records belong to which list and which tense
(过去时 / 进行时 / 未来时) each record is in. The pages, the Excel exports and the dashboard counts
all read it (through ``selectors.py``), and the pages print ``ThreeList.rules`` so that visitors
read the same rules as the code applies. Every rule is a ``Q`` on the record's own columns, so a
count is one conditional aggregate per model and a page is one SQL query.

资源清单 (resources)
    Organisations of kind 高校 (university), 科研院所 (institute), 科研平台 (platform) and
    载体/孵化器/科技园 (carrier), enterprises that hold a technology qualification tag
    (``TECH_ENTERPRISE_TAGS``: 高新技术企业, 专精特新, 专精特新“小巨人”, 科技小巨人, 瞪羚企业, 企业技术中心 —
    the only "technology" flag the Organisation model has), and every 载体空间 (``resources.Space``).

    * 进行时: verified and public (status 已发布).
    * 过去时: once public, now 已过期 or 已下架 (no longer confirmed by its owner or withdrawn).
      Public pages show only public records, so there this column is always empty; the back
      office can count it with ``public_only=False``.
    * 未来时: none. Neither Organisation nor Space records a founding or opening date or a
      "planned" state, so there is no honest way to tell a planned park or platform apart. The
      column is shown empty with this explanation; planned joint projects are in the cooperation
      list's 未来时.

需求清单 (demands)
    榜单 (``challenges.Challenge``) of every kind — 技术攻关需求 and 应用场景开放 (challenges) and
    要素对接需求 (factor needs) — plus the two other factor needs the platform records: 企业融资需求
    (``finance.FinancingRequest``, capital) and 人才需求 (``talent.TalentPost``, talent).

    * 进行时: a challenge that is 揭榜中/已发布 with its deadline today or later (or no deadline),
      评审中, 已定榜 or 攻关中; a financing request or talent post that is public and still valid
      (有效期至 today or later, or not set).
    * 过去时: a challenge that is 已完成, or still 已发布/揭榜中 but past its deadline; a financing
      request or talent post past its 有效期至. With ``public_only=False`` also the records that
      were public once: 已取消, 已过期, 已下架.
    * 未来时: none. A need exists once it is published; a challenge whose bidding opens later is
      not a notion of the model, and submitted-but-not-verified needs are not public. Planned work
      appears in the cooperation list's 未来时.

合作清单 (cooperation)
    Every ``lists.Cooperation`` project: 城市间产业链合作, 企业跨城业务, 行业活动交往 and the related
    kinds (成果转化, 联合攻关, 投融资合作). The tense is the project's own 时间维度 field
    (``Cooperation.phase``), set by the editor and moved to 过去时 when the last milestone is
    accepted (里程碑验收) — it is not recomputed from the dates. With ``public_only=False`` a project that was
    public once and is now 已过期/已下架 counts as 过去时 whatever its phase.

Cities
    A record belongs to the city it was published in (所属城市). A cooperation project also belongs
    to each of its 合作城市, so it counts for every city taking part; the alliance-wide total
    therefore counts each project once and can be smaller than the sum over cities.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.fields import CharField, DateField
from django.db.models.functions import TruncDate
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from innomarket.catalog import LISTING_TYPES
from innomarket.common.choices import Phase

PHASES: tuple[str, ...] = (Phase.PAST.value, Phase.PRESENT.value, Phase.FUTURE.value)
PHASE_LABELS: dict[str, Promise] = dict(Phase.choices)

# Organisation tags (slugs of organisations/migrations/0002) that mark a technology enterprise.
TECH_ENTERPRISE_TAGS: frozenset[str] = frozenset(
    {"hnte", "srdi", "little-giant", "tech-little-giant", "gazelle", "enterprise-tech-centre"}
)
RESOURCE_ORGANISATION_KINDS: tuple[str, ...] = ("university", "institute", "platform", "carrier")

# Open challenge states in which an overdue deadline means the need is over.
OPEN_CHALLENGE_STATUSES: tuple[str, ...] = ("published", "bidding")
RUNNING_CHALLENGE_STATUSES: tuple[str, ...] = ("evaluating", "awarded", "in_progress")

PhaseRules = dict[str, Q | None]  # None: the tense holds no record of this source, ever


@dataclass(frozen=True)
class Source:
    """One model feeding a list: which of its records belong, their tense, and their row columns."""

    type_key: str  # key of innomarket.catalog.LISTING_TYPES
    label: Promise  # 类别 column
    member: Callable[[], Q]  # which records of the model belong to the list at all
    phases: Callable[[dt.date], PhaseRules]
    title_field: str = "title"
    kind_field: str = "kind"  # "" when the model has no meaningful kind; the label is used instead
    start: Callable[[], Any] = field(default=lambda: TruncDate("published_at"))
    end: Callable[[], Any] = field(default=lambda: Value(None, output_field=DateField()))
    # Statuses that were public once (for public_only=False), beyond the workflow's public states.
    former_statuses: tuple[str, ...] = ("expired", "archived")
    partner_cities: bool = False  # cooperation: also belongs to each partner city

    @property
    def listing_type(self) -> Any:
        return LISTING_TYPES[self.type_key]

    @property
    def model(self) -> Any:
        return self.listing_type.model

    def kind_label(self, value: str) -> str:
        if not self.kind_field or not value:
            return str(self.label)
        choices = dict(self.model._meta.get_field(self.kind_field).choices)
        return str(choices.get(value, value))


@dataclass(frozen=True)
class ThreeList:
    key: str
    name: Promise
    blurb: Promise
    sources: tuple[Source, ...]
    rules: dict[str, Promise]  # phase → the rule in words, shown on the pages and in the export

    @property
    def source_has_partner_cities(self) -> bool:
        return any(source.partner_cities for source in self.sources)


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------


def _tech_enterprise() -> Q:
    from innomarket.organisations.models import Organisation

    tagged = Organisation.tags.through.objects.filter(
        organisation_id=OuterRef("pk"), organisationtag__slug__in=sorted(TECH_ENTERPRISE_TAGS)
    )
    return Q(kind="enterprise") & Q(Exists(tagged))


def _resource_organisation() -> Q:
    return Q(kind__in=RESOURCE_ORGANISATION_KINDS) | _tech_enterprise()


def _status_only(today: dt.date) -> PhaseRules:
    return {
        Phase.PAST: Q(status__in=("expired", "archived")),
        Phase.PRESENT: Q(status="published"),
        Phase.FUTURE: None,
    }


def _challenge_phases(today: dt.date) -> PhaseRules:
    overdue = Q(status__in=OPEN_CHALLENGE_STATUSES, deadline__lt=today)
    still_open = Q(status__in=OPEN_CHALLENGE_STATUSES) & (Q(deadline__isnull=True) | Q(deadline__gte=today))
    return {
        Phase.PAST: Q(status__in=("completed", "cancelled", "expired", "archived")) | overdue,
        Phase.PRESENT: Q(status__in=RUNNING_CHALLENGE_STATUSES) | still_open,
        Phase.FUTURE: None,
    }


def _valid_until_phases(today: dt.date) -> PhaseRules:
    valid = Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    return {
        Phase.PAST: Q(status__in=("expired", "archived")) | Q(status="published", valid_until__lt=today),
        Phase.PRESENT: Q(status="published") & valid,
        Phase.FUTURE: None,
    }


def _cooperation_phases(today: dt.date) -> PhaseRules:
    withdrawn = Q(status__in=("expired", "archived"))
    return {
        Phase.PAST: Q(phase=Phase.PAST) | withdrawn,
        Phase.PRESENT: Q(phase=Phase.PRESENT) & ~withdrawn,
        Phase.FUTURE: Q(phase=Phase.FUTURE) & ~withdrawn,
    }


def _everything() -> Q:
    return Q()


def _null_date() -> Value:
    return Value(None, output_field=DateField())


RESOURCES = ThreeList(
    key="resources",
    name=_("资源清单"),
    blurb=_("高校、科研院所、科研平台、科技型企业，以及载体、孵化器与科技园区。"),
    sources=(
        Source(
            "organisation",
            _("机构"),
            member=_resource_organisation,
            phases=_status_only,
            title_field="name",
            start=_null_date,
        ),
        Source("space", _("载体空间"), member=_everything, phases=_status_only),
    ),
    rules={
        Phase.PAST: _(
            "已过期（所有方未再确认）或已下架的资源。公开页面只展示已核验公开的资源，因此此栏为空。"
        ),
        Phase.PRESENT: _(
            "已核验公开的高校、科研院所、科研平台、载体，具备高新技术企业、专精特新等科技资质的企业，以及载体空间。"
        ),
        Phase.FUTURE: _(
            "暂无：机构与载体信息中没有成立/开业日期或“规划中”状态，无法如实区分规划中的资源。规划中的合作项目见合作清单的未来时。"
        ),
    },
)

DEMANDS = ThreeList(
    key="demands",
    name=_("需求清单"),
    blurb=_("技术攻关需求、应用场景开放与要素对接需求（含企业融资需求、人才需求）。"),
    sources=(
        Source(
            "challenge",
            _("榜单"),
            member=_everything,
            phases=_challenge_phases,
            end=lambda: F("deadline"),
            former_statuses=("expired", "archived", "cancelled"),
        ),
        Source(
            "financing",
            _("融资需求"),
            member=_everything,
            phases=_valid_until_phases,
            kind_field="",
            end=lambda: F("valid_until"),
        ),
        Source(
            "talentpost",
            _("人才需求"),
            member=_everything,
            phases=_valid_until_phases,
            kind_field="",
            end=lambda: F("valid_until"),
        ),
    ),
    rules={
        Phase.PAST: _("已完成的榜单、已过揭榜截止日期的榜单，以及已过有效期的融资需求和人才需求。"),
        Phase.PRESENT: _(
            "揭榜中（截止日期未到或未设）、评审中、已定榜、攻关中的榜单，以及在有效期内的融资需求和人才需求。"
        ),
        Phase.FUTURE: _(
            "暂无：需求在发布时即已存在，平台没有“将来开放揭榜”的需求；尚未核验的需求不公开。规划中的合作见合作清单的未来时。"
        ),
    },
)

COOPERATION = ThreeList(
    key="cooperation",
    name=_("合作清单"),
    blurb=_("城市间产业链合作、企业跨城业务、行业活动交往，以及成果转化、联合攻关和投融资合作。"),
    sources=(
        Source(
            "cooperation",
            _("合作项目"),
            member=_everything,
            phases=_cooperation_phases,
            start=lambda: F("started_on"),
            end=lambda: F("ended_on"),
            partner_cities=True,
        ),
    ),
    rules={
        Phase.PAST: _("时间维度为“过去时”的合作项目：已完成（最后一个里程碑验收通过后自动转入）。"),
        Phase.PRESENT: _("时间维度为“进行时”的合作项目：正在实施。"),
        Phase.FUTURE: _("时间维度为“未来时”的合作项目：已签约或已规划、尚未启动。"),
    },
)

THREE_LISTS: dict[str, ThreeList] = {t.key: t for t in (RESOURCES, DEMANDS, COOPERATION)}

# Column names of the uniform row every source is projected to (for one UNION query).
ROW_COLUMNS = (
    "r_src",
    "r_id",
    "r_title",
    "r_kind",
    "r_status",
    "r_city",
    "r_city_order",
    "r_start",
    "r_end",
    "r_verified",
    "r_sample",
)


def row_values(source: Source) -> dict[str, Any]:
    """The expressions of ``ROW_COLUMNS`` for one source, for ``QuerySet.values(**…)``."""
    kind = F(source.kind_field) if source.kind_field else Value("", output_field=CharField())
    return {
        "r_src": Value(source.type_key, output_field=CharField()),
        "r_id": F("pk"),
        "r_title": F(source.title_field),
        "r_kind": kind,
        "r_status": F("status"),
        "r_city": F("city__name"),
        "r_city_order": F("city__sort_order"),
        "r_start": source.start(),
        "r_end": source.end(),
        "r_verified": TruncDate("last_verified_at"),
        "r_sample": F("is_sample"),
    }
