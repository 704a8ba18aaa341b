"""The demo data loader behind ``manage.py load_demo``.

Two kinds of records:

- **facts** (``seed_facts``): what the five source documents state, ``source="seed"``, published.
  Keyed on natural keys (organisation name + city, listing title + city). A rerun updates only the
  content fields that differ, and only on records the loader made (``source="seed"``); status and
  publication dates are set once, so an administrator's archive or a user's own record survives.
- **samples** (``samples``): generated where the documents give nothing, ``is_sample=True``, titles
  prefixed 【示例】, deterministic (fixed random seed). Created once, never updated.
- **papers** (csl-match): real paper titles and abstracts as research results (论文/研究成果), with no
  invented TRL, IP status or transfer mode, each attached to a sample research group (课题组) at a
  sample university or institute whose sample lead expert it names. ``is_sample=True``.

Every run is idempotent: a second run creates nothing and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from innomarket.accounts import services as account_services
from innomarket.accounts.models import User
from innomarket.achievements.models import Achievement
from innomarket.challenges.models import Bid, Challenge
from innomarket.events.models import Event
from innomarket.finance.models import FinancialProduct, FinancingRequest, Fund
from innomarket.lists.models import Cooperation
from innomarket.matching.services import indexing_suspended
from innomarket.organisations.models import Membership, Organisation, OrganisationTag
from innomarket.policies.models import Policy
from innomarket.regions.models import City
from innomarket.resources.models import Instrument, Space
from innomarket.talent.models import Expert, TalentPost, TalentStation, TechManager
from innomarket.taxonomy.models import FieldTag
from innomarket.verification.models import Source, StatusEvent

from . import samples as S
from . import seed_facts as F
from .bookings import load_booking_settings, load_bookings
from .enquiries import load_enquiries
from .finance import load_finance, load_finance_accounts
from .map import load_map
from .points import load_points
from .policies import load_policy_calculator
from .talent_events import load_demo_activity, load_events
from .teams import Paper, Team, build_teams
from .vouchers import load_vouchers

DEFAULT_ACHIEVEMENTS = 600
# A research group's size (teams.build_teams' defaults): a discipline gets a group's worth of papers or none.
MIN_TEAM_PAPERS = 3
MAX_TEAM_PAPERS = 6
# Team leads are "专家 NJ-11", "NJ-12" …: the reviewers are "专家 NJ-01/02".
FIRST_LEAD_NUMBER = 11
LEAD_TITLES = {"university": ("教授", "副教授"), "institute": ("研究员", "正高级工程师")}
_SENTENCE_END = re.compile(r"[。；;]|\.(?!\d)")  # the corpus mixes full- and half-width stops
DEFAULT_PASSWORD = "innomarket-demo"  # noqa: S105 - documented local demo password
SEED_EVENT_REASON = "演示数据导入：公开文件整理"
SAMPLE_EVENT_REASON = "演示数据导入：示例数据"
# Shown on public pages as the source of every sample record: no tool names, no dataset ids.
SAMPLE_NOTE = "示例数据"

# Models whose totals the summary reports, in display order.
SUMMARY_MODELS: list[type[models.Model]] = [
    City,
    Organisation,
    Space,
    Instrument,
    Policy,
    Event,
    Fund,
    FinancialProduct,
    FinancingRequest,
    Cooperation,
    TalentStation,
    TalentPost,
    Expert,
    TechManager,
    Challenge,
    Bid,
    Achievement,
]


class DemoLoader:
    """Loads facts, samples, the achievements catalogue and demo accounts. ``run()`` does it all."""

    def __init__(
        self,
        *,
        achievements: int = DEFAULT_ACHIEVEMENTS,
        with_users: bool = True,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.achievements_wanted = achievements
        self.with_users = with_users
        self.log = log or (lambda message: None)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.created: Counter[str] = Counter()
        self.updated: Counter[str] = Counter()
        self._new_records: list[tuple[models.Model, str]] = []
        self.cities: dict[str, City] = {}
        self.field_ids: dict[str, int] = {}
        self.field_names: dict[str, str] = {}
        self.tag_ids: dict[str, int] = {}
        self.orgs: dict[str, Organisation] = {}
        self.sample_orgs: dict[tuple[str, str], Organisation] = {}  # (city slug, role) → org

    # ------------------------------------------------------------------------------------------------
    def run(self) -> DemoLoader:
        # Records are indexed for search in one go afterwards (`manage.py rebuild_index`, which
        # `make run` calls), not by a background task per record.
        with indexing_suspended(), transaction.atomic():
            self.load_cities()
            self.field_ids = dict(FieldTag.objects.values_list("slug", "id"))
            self.field_names = dict(FieldTag.objects.values_list("slug", "name"))
            self.tag_ids = dict(OrganisationTag.objects.values_list("slug", "id"))
            self.load_organisations()
            self.load_fact_listings()
            self.load_sample_organisations()
            self.load_sample_listings()
            self.load_achievements()
            self.record_creation_events()
            load_policy_calculator(self)
            load_finance(self)
            load_booking_settings(self)
            load_events(self)
        if self.with_users:
            self.load_users()
        load_map(self)  # after the accounts: their organisations are on the map too
        load_points(self)  # last: the scores count the bookings and awards written above
        return self

    def summary_lines(self) -> list[str]:
        lines = []
        for model in [*SUMMARY_MODELS]:
            label = model._meta.label
            total = model._default_manager.count()
            samples = (
                model._default_manager.filter(is_sample=True).count()
                if any(f.name == "is_sample" for f in model._meta.fields)
                else 0
            )
            lines.append(
                f"{model._meta.verbose_name}（{label}）：共 {total} 条，其中示例 {samples} 条；"
                f"本次新增 {self.created[label]}，更新 {self.updated[label]}"
            )
        lines.append(f"演示账号：本次新增 {self.created['accounts.User']}")
        return lines

    # ------------------------------------------------------------------------------------------------
    # Generic writes
    # ------------------------------------------------------------------------------------------------
    def _upsert(
        self,
        model: type[models.Model],
        lookup: dict[str, Any],
        values: dict[str, Any],
        *,
        on_create: dict[str, Any] | None = None,
        m2m: dict[str, Iterable[int]] | None = None,
        update: bool = True,
    ) -> models.Model:
        """Create the record, or bring a loader-owned (``source="seed"``) record's content up to date.

        Writes nothing when nothing differs. ``on_create`` fields (status, dates) are set only once.
        """
        label = model._meta.label
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values, **(on_create or {}))
            # Uniqueness was just checked through the natural key; validate the fields themselves.
            obj.full_clean(validate_unique=False, validate_constraints=False)
            obj.save()
            self.created[label] += 1
            if hasattr(obj, "WORKFLOW"):
                self._new_records.append(
                    (obj, SAMPLE_EVENT_REASON if values.get("is_sample") else SEED_EVENT_REASON)
                )
            for name, ids in (m2m or {}).items():
                if ids:
                    getattr(obj, name).add(*set(ids))
            return obj
        if not update or getattr(obj, "source", Source.SEED) != Source.SEED:
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.full_clean()
            update_fields = [*changed, "updated_at"] if hasattr(obj, "updated_at") else changed
            obj.save(update_fields=update_fields)
        m2m_changed = False
        for name, ids in (m2m or {}).items():
            wanted = set(ids)
            if set(getattr(obj, name).values_list("pk", flat=True)) != wanted:
                getattr(obj, name).set(wanted)
                m2m_changed = True
        if changed or m2m_changed:
            self.updated[label] += 1
        return obj

    def _published(self) -> dict[str, Any]:
        return {"status": "published", "last_verified_at": self.now}

    def _listing_published(self) -> dict[str, Any]:
        return {**self._published(), "published_at": self.now}

    def _fields(self, slugs: Iterable[str]) -> list[int]:
        return [self.field_ids[s] for s in slugs if s in self.field_ids]

    def record_creation_events(self) -> None:
        """One ``StatusEvent`` (∅ → published) per record created in this run, so the history is not empty."""
        if not self._new_records:
            return
        content_types: dict[type, ContentType] = {}
        rows = []
        for record, reason in self._new_records:
            model = type(record)
            if model not in content_types:
                content_types[model] = ContentType.objects.get_for_model(model)
            rows.append(
                StatusEvent(
                    content_type=content_types[model],
                    object_id=record.pk,
                    from_status="",
                    to_status=record.status,
                    reason=reason,
                )
            )
        StatusEvent.objects.bulk_create(rows, batch_size=500)
        self._new_records.clear()

    # ------------------------------------------------------------------------------------------------
    # Cities
    # ------------------------------------------------------------------------------------------------
    def load_cities(self) -> None:
        for data in F.NEW_CITIES:
            data = dict(data)
            slug = data.pop("slug")
            city = City.objects.filter(slug=slug).first()
            if city is None:
                city = City(slug=slug, **data)
                city.full_clean()
                city.save()
                self.created["regions.City"] += 1
        self.cities = {c.slug: c for c in City.objects.all()}
        for slug, facts in F.CITY_FACTS.items():
            city = self.cities.get(slug)
            if city is None:  # an installation that removed a member; nothing to fill
                continue
            # City administrators maintain these fields: fill blanks only, never overwrite.
            blank = [name for name, value in facts.items() if value and not getattr(city, name)]
            if blank:
                for name in blank:
                    setattr(city, name, facts[name])
                city.full_clean()
                city.save(update_fields=[*blank, "updated_at"])
                self.updated["regions.City"] += 1

    # ------------------------------------------------------------------------------------------------
    # Facts
    # ------------------------------------------------------------------------------------------------
    def load_organisations(self) -> None:
        pending_parents: list[tuple[Organisation, str]] = []
        for data in F.ORGANISATIONS:
            city = self.cities[data["city"]]
            org = self._upsert(
                Organisation,
                {"name": data["name"], "city": city},
                {
                    "kind": data["kind"],
                    "short_name": data["short_name"],
                    "address": data["address"],
                    "intro": data["intro"],
                    "source": Source.SEED,
                    "source_note": data["source"],
                },
                on_create=self._published(),
                m2m={
                    "fields": self._fields(data["fields"]),
                    "tags": [self.tag_ids[t] for t in data["tags"] if t in self.tag_ids],
                },
            )
            self.orgs[data["name"]] = org
            if data["parent"]:
                pending_parents.append((org, data["parent"]))
        for org, parent_name in pending_parents:
            parent = self.orgs[parent_name]
            if org.source == Source.SEED and org.parent_id != parent.pk:
                org.parent = parent
                org.save(update_fields=["parent", "updated_at"])

    def _fact_listing(self, model: type[models.Model], data: dict, extra: dict[str, Any]) -> models.Model:
        city = self.cities[data["city"]]
        owner = self.orgs[data["owner"]] if data.get("owner") else None
        values = {
            "owner": owner,
            "summary": data.get("summary", ""),
            "source": Source.SEED,
            "source_note": data["source"],
            **extra,
        }
        return self._upsert(
            model,
            {"title": data["title"], "city": city},
            values,
            on_create=self._listing_published(),
            m2m={"fields": self._fields(data.get("fields", []))},
        )

    def load_fact_listings(self) -> None:
        for d in F.SPACES:
            self._fact_listing(
                Space,
                d,
                {
                    "kind": d["kind"],
                    "level": d.get("level", ""),
                    "address": d.get("address", ""),
                    "area_m2": d.get("area_m2"),
                    "services": d.get("services", ""),
                },
            )
        for d in F.FUNDS:
            fund_fields = (
                "manager",
                "focus",
                "size_yi",
                "target_size_yi",
                "projects_count",
                "invested_yi",
                "invested_ratio",
                "exits_count",
                "exits_note",
                "paid_in_wan",
                "distributions_wan",
                "dpi",
                "figures_as_of",
            )
            text_fields = {"manager", "focus", "exits_note", "figures_as_of"}
            self._fact_listing(
                Fund,
                d,
                {"stage": d["stage"], **{k: d.get(k, "" if k in text_fields else None) for k in fund_fields}},
            )
        for d in F.FINANCIAL_PRODUCTS:
            self._fact_listing(FinancialProduct, d, {"product_type": d["product_type"]})
        for d in F.POLICIES:
            self._fact_listing(
                Policy,
                d,
                {
                    "issuer": d["issuer"],
                    "level": d.get("level", ""),
                    "support_type": d["support_type"],
                    "issued_on": d.get("issued_on"),
                    "effective_from": d.get("effective_from"),
                    "effective_to": d.get("effective_to"),
                    "full_text": d.get("full_text", ""),
                },
            )
        for d in F.EVENTS:
            self._fact_listing(
                Event,
                d,
                {"kind": d["kind"], "date_note": d.get("date_note", ""), "organiser": d.get("organiser", "")},
            )
        for d in F.COOPERATIONS:
            coop = self._fact_listing(
                Cooperation,
                d,
                {
                    "kind": d["kind"],
                    "phase": d["phase"],
                    "date_note": d.get("date_note", ""),
                    "amount_wan": d.get("amount_wan"),
                    "outcome": d.get("outcome", ""),
                },
            )
            if coop.source == Source.SEED:
                self._sync_m2m(coop, "partners", [self.orgs[n].pk for n in d.get("partners", [])])
                self._sync_m2m(
                    coop, "partner_cities", [self.cities[s].pk for s in d.get("partner_cities", [])]
                )
        for d in F.TALENT_STATIONS:
            self._fact_listing(TalentStation, d, {"services": d.get("services", "")})

    def _sync_m2m(self, obj: models.Model, name: str, ids: Iterable[int]) -> None:
        wanted = set(ids)
        if set(getattr(obj, name).values_list("pk", flat=True)) != wanted:
            getattr(obj, name).set(wanted)

    # ------------------------------------------------------------------------------------------------
    # Samples
    # ------------------------------------------------------------------------------------------------
    def _sample_values(self) -> dict[str, Any]:
        return {"is_sample": True, "source": Source.IMPORT, "source_note": SAMPLE_NOTE}

    def _field_name(self, slug: str) -> str:
        return self.field_names.get(slug, slug)

    def load_sample_organisations(self) -> None:
        for slug in S.CITY_CODES:
            city = self.cities[slug]
            short = city.short_name
            field_a, field_b = S.CITY_ENTERPRISE_FIELDS[slug]
            specs = [
                ("enterprise_a", f"某{self._field_name(field_a)}企业", "enterprise", [field_a]),
                ("enterprise_b", f"某{self._field_name(field_b)}企业", "enterprise", [field_b]),
                ("university", "某高校", "university", [field_a, field_b]),
                ("institute", "某研究院", "institute", [field_a, field_b]),
                ("bank", "某商业银行", "bank", []),
            ]
            for role, suffix, kind, fields in specs:
                name = f"{S.SAMPLE_PREFIX}{short}{suffix}"
                org = self._upsert(
                    Organisation,
                    {"name": name, "city": city},
                    {
                        "kind": kind,
                        "intro": f"示例机构：用于演示{short}的{Organisation.Kind(kind).label}功能，非真实单位。",
                        **self._sample_values(),
                    },
                    on_create=self._published(),
                    m2m={"fields": self._fields(fields)},
                    update=False,
                )
                self.sample_orgs[(slug, role)] = org

    def _sample_listing(
        self,
        model: type[models.Model],
        *,
        city_slug: str,
        owner: Organisation,
        title: str,
        summary: str = "",
        fields: Iterable[str] = (),
        pending: bool = False,
        **extra: Any,
    ) -> models.Model:
        # A pending sample waits in its city's verification queue, so a newcomer signed in as that
        # city's administrator has something to verify or return.
        return self._upsert(
            model,
            {"title": f"{S.SAMPLE_PREFIX}{title}", "city": self.cities[city_slug]},
            {"owner": owner, "summary": summary, **self._sample_values(), **extra},
            on_create={"status": "submitted"} if pending else self._listing_published(),
            m2m={"fields": self._fields(fields)},
            update=False,
        )

    @staticmethod
    def _challenge_template(field: str, preferred: int, used: set[str]) -> dict:
        """The field's ``preferred`` challenge template, or its next one not posted yet."""
        templates = S.CHALLENGE_TEMPLATES[field]
        for k in range(len(templates)):
            t = templates[(preferred + k) % len(templates)]
            if t["title"] not in used:
                used.add(t["title"])
                return t
        raise ValueError(f"every challenge template of {field} is already used")

    def load_sample_listings(self) -> None:
        rng = random.Random(S.RANDOM_SEED)  # noqa: S311 - deterministic demo data, not security
        slugs = list(S.CITY_CODES)
        challenges: list[Challenge] = []
        used_titles: set[str] = set()
        for index, slug in enumerate(slugs):
            short = self.cities[slug].short_name
            code = S.CITY_CODES[slug]
            field_a, field_b = S.CITY_ENTERPRISE_FIELDS[slug]
            ent_a = self.sample_orgs[(slug, "enterprise_a")]
            ent_b = self.sample_orgs[(slug, "enterprise_b")]
            university = self.sample_orgs[(slug, "university")]
            institute = self.sample_orgs[(slug, "institute")]
            bank = self.sample_orgs[(slug, "bank")]

            # 榜单: two from the first enterprise's field, one from the second's; a field two cities
            # share gives the second city its other templates (two enterprises never post the same text).
            plan = [
                (ent_a, field_a, self._challenge_template(field_a, 0, used_titles)),
                (ent_a, field_a, self._challenge_template(field_a, 1, used_titles)),
                (ent_b, field_b, self._challenge_template(field_b, index % 2, used_titles)),
            ]
            for owner, field, t in plan:
                budget_min, budget_max = t["budget"]
                challenges.append(
                    self._sample_listing(
                        Challenge,
                        city_slug=slug,
                        owner=owner,
                        title=t["title"],
                        summary=t["problem"][:120],
                        fields=[field],
                        kind=Challenge.Kind.TECHNICAL,
                        problem_statement=t["problem"],
                        indicators=t["indicators"],
                        acceptance_criteria=t["acceptance"],
                        expected_trl=t["trl"],
                        budget_min=budget_min,
                        budget_max=budget_max,
                        deadline=self.today + dt.timedelta(days=rng.randrange(45, 180)),
                        confidentiality=rng.choice(list(Challenge.Confidentiality.values)),
                    )
                )

            # 专家 and 技术经理人: placeholder names, no phone numbers.
            for n, affiliation in enumerate((university, institute), start=1):
                self._sample_listing(
                    Expert,
                    city_slug=slug,
                    owner=affiliation,
                    title=f"专家 {code}-{n:02d}",
                    summary=f"示例专家，熟悉{self._field_name(field_a)}与{self._field_name(field_b)}领域的技术评审。",
                    fields=[field_a, field_b],
                    professional_title=rng.choice(["教授", "研究员", "正高级工程师", "副教授"]),
                    affiliation=affiliation.name,
                    expertise=f"{self._field_name((field_a, field_b)[n - 1])}方向的技术评审与咨询（示例）",
                )
            self._sample_listing(
                TechManager,
                city_slug=slug,
                owner=institute,
                title=f"技术经理人 {code}-01",
                summary=f"示例技术经理人，服务{short}的成果转化与揭榜对接。",
                fields=[field_a, field_b],
                grade=rng.choice(list(TechManager.Grade.values)),
                services="需求挖掘、技术评估、揭榜对接、合同谈判跟进（示例）",
            )

            # 仪器设备
            for n in range(2):
                name, category = S.INSTRUMENTS[(2 * index + n) % len(S.INSTRUMENTS)]
                self._sample_listing(
                    Instrument,
                    city_slug=slug,
                    owner=institute,
                    title=f"{name}（{short}）",
                    summary=f"示例共享仪器：{name}，可对外预约使用。",
                    fields=[field_a],
                    category=category,
                    location=f"{institute.name}实验楼（示例）",
                    booking_rules="提前3个工作日线上预约；首次使用需参加操作培训（示例）。",
                    fee_note="按机时收费，详询管理单位（示例）",
                    accepts_vouchers=bool(rng.getrandbits(1)),
                )

            # 金融产品 (sample bank), 融资需求 (sample enterprise)
            p_name, p_type, (p_min, p_max), p_term = S.PRODUCT_TEMPLATES[index % len(S.PRODUCT_TEMPLATES)]
            self._sample_listing(
                FinancialProduct,
                city_slug=slug,
                owner=bank,
                title=f"{p_name}（{short}）",
                summary=f"示例金融产品：面向{short}科技型中小企业的{FinancialProduct.ProductType(p_type).label}。",
                product_type=p_type,
                amount_min_wan=p_min,
                amount_max_wan=p_max,
                term_months=p_term,
                rate_note="以银行审批为准（示例）",
                eligibility="注册在联盟城市的科技型中小企业，近一年无不良信用记录（示例）。",
                uses_innovation_score=p_type in {"credit_line", "credit_loan"},
            )
            round_ = rng.choice(list(FinancingRequest.Round.values))
            self._sample_listing(
                FinancingRequest,
                city_slug=slug,
                owner=ent_a,
                title=f"{short}{self._field_name(field_a)}项目{FinancingRequest.Round(round_).label}融资需求",
                summary="示例融资需求：用于研发投入与产能建设。",
                fields=[field_a],
                round=round_,
                amount_wan=rng.choice([500, 1000, 2000, 3000, 5000]),
                use_of_funds="研发投入60%，中试线建设30%，市场拓展10%（示例）",
                valid_until=self.today + dt.timedelta(days=180),
            )

            # 人才需求
            for n, owner in enumerate((ent_a, university)):
                t_name, t_kind, t_req, t_salary = S.TALENT_TEMPLATES[
                    (index + 2 * n) % len(S.TALENT_TEMPLATES)
                ]
                self._sample_listing(
                    TalentPost,
                    city_slug=slug,
                    owner=owner,
                    title=f"{t_name}（{short}）",
                    summary=f"示例人才需求：{owner.name}招聘{t_name}。",
                    fields=[field_a],
                    kind=t_kind,
                    headcount=rng.randint(1, 5),
                    qualifications=t_req,
                    salary_note=t_salary,
                    location=self.cities[slug].name,
                    valid_until=self.today + dt.timedelta(days=120),
                    pending=n == 1,
                )

        self.load_sample_bids(challenges, slugs)
        self.load_pending_challenges()

    def load_pending_challenges(self) -> None:
        """Sample challenges waiting in their city's verification queue (待核验), complete enough to
        pass the 需求诊断, so that the city's administrator can publish them."""
        for t in S.PENDING_CHALLENGES:
            budget_min, budget_max = t["budget"]
            self._sample_listing(
                Challenge,
                city_slug=t["city"],
                owner=self.sample_orgs[(t["city"], t["owner"])],
                title=t["title"],
                summary=t["summary"],
                fields=t["fields"],
                pending=True,
                kind=Challenge.Kind.TECHNICAL,
                problem_statement=t["problem"],
                indicators=t["indicators"],
                acceptance_criteria=t["acceptance"],
                constraints=t["constraints"],
                expected_trl=t["trl"],
                budget_min=budget_min,
                budget_max=budget_max,
                deadline=self.today + dt.timedelta(days=t["deadline_days"]),
                confidentiality=t["confidentiality"],
            )

    def load_sample_bids(self, challenges: list[Challenge], slugs: list[str]) -> None:
        """揭榜方案: the first challenge of each city gets a bid from the next city's sample university."""
        for index in range(len(slugs)):
            challenge = challenges[3 * index]
            bidder = self.sample_orgs[(slugs[(index + 1) % len(slugs)], "university")]
            if Bid.objects.filter(challenge=challenge, organisation=bidder).exists():
                continue
            price = challenge.budget_max if challenge.budget_max is not None else None
            bid = Bid(
                challenge=challenge,
                organisation=bidder,
                status=Bid.Status.SHORTLISTED if index % 2 else Bid.Status.SUBMITTED,
                team=f"{S.SAMPLE_PREFIX}{bidder.name}课题组（示例团队）",
                approach=f"{S.SAMPLE_PREFIX}针对“{challenge.title.removeprefix(S.SAMPLE_PREFIX)}”，分三阶段开展方案设计、"
                "样机研制与现场验证。",
                milestones="第1–3月：方案设计；第4–8月：样机研制；第9–12月：现场验证与验收（示例）",
                price=price,
                credentials="承担过相关领域省部级科研项目（示例）",
                submitted_at=self.now,
                is_sample=True,
            )
            if bid.status == Bid.Status.SHORTLISTED:
                bid.responded_at = self.now
            bid.full_clean()
            bid.save()
            # A challenge with a bid is taking bids (揭榜中).
            Challenge.objects.filter(pk=challenge.pk, status="published").update(status="bidding")
            self.created["challenges.Bid"] += 1

    # ------------------------------------------------------------------------------------------------
    # Papers (论文/研究成果) from csl-match, and the sample research groups behind them
    # ------------------------------------------------------------------------------------------------
    def corpus_path(self) -> Path:
        return Path(settings.INNOMARKET_SHARED_DIR) / "data" / "csl-match" / "corpus.tsv"

    def read_corpus(self) -> list[dict[str, str]]:
        """The corpus's full papers (with abstract and discipline) of the catalogue's 门类, in corpus order."""
        rows: list[dict[str, str]] = []
        with self.corpus_path().open(encoding="utf-8") as handle:
            header = handle.readline().rstrip("\n").split("\t")
            for line in handle:
                parts = line.rstrip("\n").split("\t")
                if len(parts) != len(header):
                    continue
                row = dict(zip(header, parts, strict=True))
                if row["abstract"] and row["discipline"] and row["category"] in S.ACHIEVEMENT_CATEGORIES:
                    rows.append(row)
        return rows

    def _team_organisations(self) -> dict[str, Organisation]:
        """The sample universities and institutes that host the research groups, by a stable key."""
        return {
            f"{slug}:{role}": self.sample_orgs[(slug, role)]
            for slug in S.CITY_CODES
            for role in ("university", "institute")
        }

    def load_achievements(self) -> None:
        """The papers as research results (论文/研究成果), each attached to a sample research group.

        The papers are literature: no TRL, transfer mode or IP status is invented for them. Groups of
        3–6 papers of one discipline (``teams.build_teams``) are dealt out to the 16 sample universities
        and institutes; each group gets one sample lead expert (a placeholder name, no contact details),
        who is the paper's ``lead_expert``, so that a recommended person has evidence.
        """
        if self.achievements_wanted <= 0:
            return
        if not self.corpus_path().exists():
            self.log(f"警告：未找到 {self.corpus_path()}，跳过科技成果示例数据。")
            return
        rows = select_papers(self.read_corpus(), self.achievements_wanted)
        organisations = self._team_organisations()
        teams = build_teams([Paper(r["id"], r["title"], r["discipline"]) for r in rows], list(organisations))
        groups = research_groups(teams)
        leads = self.load_team_leads(groups, organisations)
        by_paper: dict[str, tuple[Team, Expert]] = {}
        for (team, paper_ids), lead in zip(groups, leads, strict=True):
            for paper_id in paper_ids:
                by_paper[paper_id] = (team, lead)

        existing = dict(
            Achievement.objects.filter(external_ref__in=[r["id"] for r in rows]).values_list(
                "external_ref", "lead_expert_id"
            )
        )
        new: list[Achievement] = []
        tags_by_ref: dict[str, int] = {}
        upgraded = 0
        for row in rows:
            team, lead = by_paper[row["id"]]
            organisation = organisations[team.organisation]
            team_values = {
                "owner": organisation,
                "city": self.cities[team.organisation.split(":")[0]],
                "lead_expert": lead,
                "team": f"{organisation.name}{team.discipline}课题组（示例）"[:200],
            }
            if row["id"] in existing:
                if existing[row["id"]] is None:
                    # Loaded by an earlier version (before research groups): attach it to its group once.
                    upgraded += Achievement.objects.filter(
                        external_ref=row["id"], is_sample=True, lead_expert__isnull=True
                    ).update(
                        **team_values,
                        title=row["title"][:200],
                        kind=Achievement.Kind.RESEARCH,
                        trl=None,
                        ip_status="",
                        transfer_mode="",
                        source_note=SAMPLE_NOTE,
                        updated_at=self.now,
                    )
                continue
            abstract = row["abstract"].strip()
            new.append(
                Achievement(
                    # The real paper title: the record is marked by is_sample and the 示例 badge.
                    title=row["title"][:200],
                    kind=Achievement.Kind.RESEARCH,
                    summary=_SENTENCE_END.split(abstract, maxsplit=1)[0][:150],
                    abstract=abstract,
                    discipline=row["discipline"][:60],
                    trl=None,
                    ip_status="",
                    transfer_mode="",
                    external_ref=row["id"],  # internal: never shown on public pages
                    is_sample=True,
                    source=Source.IMPORT,
                    source_note=SAMPLE_NOTE,
                    **team_values,
                    **self._listing_published(),
                )
            )
            field_slug = S.DISCIPLINE_FIELDS.get(row["discipline"])
            if field_slug and field_slug in self.field_ids:
                tags_by_ref[row["id"]] = self.field_ids[field_slug]
        self.updated["achievements.Achievement"] += upgraded
        if not new:
            return
        Achievement.objects.bulk_create(new, batch_size=200)
        # Re-read the ids (bulk_create only returns them on some backends).
        ids = dict(
            Achievement.objects.filter(external_ref__in=[a.external_ref for a in new]).values_list(
                "external_ref", "id"
            )
        )
        through = Achievement.fields.through
        through.objects.bulk_create(
            [through(achievement_id=ids[ref], fieldtag_id=tag) for ref, tag in tags_by_ref.items()],
            batch_size=500,
        )
        for achievement in new:
            achievement.pk = ids[achievement.external_ref]
            self._new_records.append((achievement, SAMPLE_EVENT_REASON))
        self.created["achievements.Achievement"] += len(new)

    def load_team_leads(
        self, groups: Sequence[tuple[Team, tuple[str, ...]]], organisations: dict[str, Organisation]
    ) -> list[Expert]:
        """One sample lead expert per research group, in the groups' order.

        Named "【示例】专家 NJ-11", "NJ-12" … per city: the code-number pattern of the reviewers
        (专家 NJ-01/02), counting from ``FIRST_LEAD_NUMBER`` so the two never clash.
        """
        numbers: Counter[str] = Counter()
        leads: list[Expert] = []
        for team, _paper_ids in groups:
            organisation = organisations[team.organisation]
            slug, role = team.organisation.split(":")
            number = FIRST_LEAD_NUMBER + numbers[slug]
            numbers[slug] += 1
            rng = random.Random(f"{S.RANDOM_SEED}:{slug}:{number}")  # noqa: S311 - deterministic demo data
            field_slug = S.DISCIPLINE_FIELDS.get(team.discipline)
            lead = self._sample_listing(
                Expert,
                city_slug=slug,
                owner=organisation,
                title=f"专家 {S.CITY_CODES[slug]}-{number:02d}",
                summary=f"示例课题组负责人，研究方向：{team.discipline}。",
                fields=[field_slug] if field_slug else [],
                professional_title=rng.choice(LEAD_TITLES[role]),
                affiliation=organisation.name,
                expertise=f"{team.discipline}方向研究（示例课题组）",
            )
            assert isinstance(lead, Expert)
            leads.append(lead)
        return leads

    # ------------------------------------------------------------------------------------------------
    # Demo accounts
    # ------------------------------------------------------------------------------------------------
    def load_users(self) -> None:
        if settings.PRODUCTION:
            self.log("提示：生产环境（INNOMARKET_PRODUCTION）下不创建演示账号。")
            return
        # Hashed at most once for all demo accounts (they share the documented password anyway), and only
        # when an account is missing: hashing is deliberately slow and a rerun should be quick.
        password = _LazyHash(os.environ.get("INNOMARKET_DEMO_PASSWORD") or DEFAULT_PASSWORD)
        with transaction.atomic():
            alliance = self._ensure_user("alliance", "联盟管理员（演示）", password)
            if not alliance.is_alliance_admin:
                account_services.user_make_alliance_admin(user=alliance)
            for slug in S.CITY_CODES:
                city = self.cities[slug]
                user = self._ensure_user(f"admin-{slug}", f"{city.short_name}城市管理员（演示）", password)
                if user.administered_city_id != city.pk or not user.is_staff:
                    account_services.user_make_city_admin(user=user, city=city)
            member = self._ensure_user("demo-member", "示例企业成员（演示）", password)
            organisation = self.sample_orgs[("putuo", "enterprise_a")]
            Membership.objects.get_or_create(
                user=member, organisation=organisation, defaults={"role": Membership.Role.ADMIN}
            )
            # 揭榜挂帅 roles: the university that bids on demo-member's first challenge, an evaluator
            # and a technology manager (both linked to sample profiles, marked 示例).
            bidder = self._ensure_user("demo-university", "示例高校成员（演示）", password)
            university = self.sample_orgs[(list(S.CITY_CODES)[1], "university")]
            Membership.objects.get_or_create(
                user=bidder, organisation=university, defaults={"role": Membership.Role.ADMIN}
            )
            for username, name, model in (
                ("demo-expert", "示例评审专家（演示）", Expert),
                ("demo-techmanager", "示例技术经理人（演示）", TechManager),
            ):
                user = self._ensure_user(username, name, password)
                if not model.objects.filter(user=user).exists():
                    profile = model.objects.filter(is_sample=True, user__isnull=True).order_by("id").first()
                    if profile is not None:
                        profile.user = user
                        profile.save(update_fields=["user", "updated_at"])
            load_finance_accounts(self, password)
            load_vouchers(self, password)
            load_enquiries(self)
            load_bookings(self)
            load_demo_activity(self)

    def _ensure_user(self, username: str, name: str, password: _LazyHash) -> User:
        """Create the account if missing. An existing account keeps its password."""
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, name=name, password=password.value)
            user.save()
            self.created["accounts.User"] += 1
        return user


def select_papers(rows: Sequence[dict[str, str]], limit: int) -> list[dict[str, str]]:
    """Up to ``limit`` of ``rows`` (corpus records), in corpus order: deterministic, no randomness.

    The disciplines mapped to the corridor's industries (``samples.DISCIPLINE_FIELDS``, in its order)
    come first, so the sample challenges' fields have evidence; the other disciplines (in order of
    first appearance) only fill what is left. Within each of the two tiers the papers are shared out
    evenly: every discipline gets its first *n* papers, the same *n* for all (the first disciplines
    one more where the division leaves a rest), and no discipline gets fewer than a research group's
    worth (``MIN_TEAM_PAPERS``): with a small ``limit`` fewer disciplines are used instead.
    """
    by_discipline: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        by_discipline.setdefault(row["discipline"], []).append(index)
    preferred = [by_discipline[d] for d in S.DISCIPLINE_FIELDS if d in by_discipline]
    others = [papers for d, papers in by_discipline.items() if d not in S.DISCIPLINE_FIELDS]
    chosen: list[int] = []
    budget = limit
    for tier in (preferred, others):
        taken = _share_out([papers for papers in tier if len(papers) >= MIN_TEAM_PAPERS], budget)
        chosen.extend(taken)
        budget -= len(taken)
    return [rows[i] for i in sorted(chosen)]


def _share_out(groups: list[list[int]], budget: int) -> list[int]:
    """Up to ``budget`` items from ``groups``, shared out evenly (see ``select_papers``)."""
    if budget <= 0 or not groups:
        return []
    if sum(len(g) for g in groups) <= budget:
        return [i for g in groups for i in g]
    groups = groups[: max(1, budget // MIN_TEAM_PAPERS)]
    share = 0
    while sum(min(len(g), share + 1) for g in groups) <= budget:
        share += 1
    counts = [min(len(g), share) for g in groups]
    rest = budget - sum(counts)
    for n, group in enumerate(groups):
        if rest and len(group) > counts[n]:
            counts[n] += 1
            rest -= 1
    return [i for group, count in zip(groups, counts, strict=True) for i in group[:count]]


def research_groups(teams: Sequence[Team]) -> list[tuple[Team, tuple[str, ...]]]:
    """Each team with its paper ids, a team of more than ``MAX_TEAM_PAPERS`` split in two.

    ``build_teams`` merges a discipline's last few papers into the group before them when they are
    too few for a group of their own, which can give 7 or 8 papers; the demo keeps groups at 3–6.
    Both halves stay at the same organisation and discipline, the first (the seed paper and those
    closest to it) ahead of the second.
    """
    groups: list[tuple[Team, tuple[str, ...]]] = []
    for team in teams:
        ids = team.paper_ids
        if len(ids) > MAX_TEAM_PAPERS:
            half = (len(ids) + 1) // 2
            groups += [(team, ids[:half]), (team, ids[half:])]
        else:
            groups.append((team, ids))
    return groups


class _LazyHash:
    def __init__(self, raw: str) -> None:
        self.raw = raw
        self._value: str | None = None

    @property
    def value(self) -> str:
        if self._value is None:
            self._value = make_password(self.raw)
        return self._value


def load_demo(**kwargs: Any) -> DemoLoader:
    """Load everything; see ``DemoLoader`` for the arguments."""
    return DemoLoader(**kwargs).run()
