"""Writes of 创新积分: publishing and copying indicator sets, recomputing scores, consents.

Versioning: a published set never changes (``indicator_set_update`` / ``indicator_definition_save``
refuse it); publishing a draft retires the current set and recomputes every enterprise under the new
one. Scores are stored per (enterprise, set) and only rows of the current set are ever written, so a score
computed under an older version stays as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from enum import StrEnum
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError, ErrorCode, PermissionDenied
from innomarket.notifications.recipients import organisation_members
from innomarket.notifications.services import notify
from innomarket.organisations.models import Organisation

from . import engine, selectors
from .models import (
    INSTITUTION_KINDS,
    ConsentEvent,
    EnterpriseScore,
    IndicatorDefinition,
    IndicatorSet,
    ScoreConsent,
)


class PointsErrorCode(StrEnum):
    SET_NOT_DRAFT = "points_set_not_draft"
    SET_INVALID = "points_set_invalid"
    NOT_ENTERPRISE = "points_not_enterprise"
    NOT_INSTITUTION = "points_not_institution"
    CONSENT_EXISTS = "points_consent_exists"
    CONSENT_REVOKED = "points_consent_revoked"


_CENT = Decimal("0.01")


def _require_alliance_admin(actor: Any) -> None:
    if not roles.is_alliance_admin(actor):
        raise PermissionDenied(_("只有联盟管理员可以维护创新积分指标体系。"))


def _require_draft(indicator_set: IndicatorSet) -> None:
    if indicator_set.status != IndicatorSet.Status.DRAFT:
        raise ApplicationError(
            _("“%(set)s”已发布或已停用，不能修改；请复制为新版本后修改。") % {"set": indicator_set},
            PointsErrorCode.SET_NOT_DRAFT,
        )


def validate_tier_cutoffs(value: Any) -> dict[str, Decimal]:
    """The cut-offs as Decimals: exactly the tiers A–D, each between 0 and 100, A > B > C > D."""
    if not isinstance(value, dict) or set(value) != set(selectors.TIERS):
        raise ApplicationError(
            _('等级分界须依次给出 A、B、C、D 四个等级，如 {"A": 75, "B": 60, "C": 40, "D": 0}。'),
            ErrorCode.VALIDATION,
            {"field": "tier_cutoffs"},
        )
    try:
        cuts = {tier: Decimal(str(value[tier])) for tier in selectors.TIERS}
    except ArithmeticError as exc:
        raise ApplicationError(
            _("等级分界须为数字。"), ErrorCode.VALIDATION, {"field": "tier_cutoffs"}
        ) from exc
    ordered = [cuts[t] for t in selectors.TIERS]
    if any(not c.is_finite() or c < 0 for c in ordered) or any(
        a <= b for a, b in zip(ordered, ordered[1:], strict=False)
    ):
        raise ApplicationError(
            _("等级分界须满足 A > B > C > D ≥ 0。"), ErrorCode.VALIDATION, {"field": "tier_cutoffs"}
        )
    return cuts


# ---------------------------------------------------------------- indicator sets


@transaction.atomic
def indicator_set_update(*, actor: Any, indicator_set: IndicatorSet) -> IndicatorSet:
    """Save a draft set's own fields (name, description, cut-offs, total cap). Alliance admins only."""
    _require_alliance_admin(actor)
    if indicator_set.pk is not None:
        stored = IndicatorSet.objects.select_for_update().get(pk=indicator_set.pk)
        _require_draft(stored)
    indicator_set.status = IndicatorSet.Status.DRAFT
    validate_tier_cutoffs(indicator_set.tier_cutoffs)
    if indicator_set.version is None:
        indicator_set.version = (IndicatorSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    indicator_set.full_clean()
    indicator_set.save()
    return indicator_set


@transaction.atomic
def indicator_definition_save(*, actor: Any, definition: IndicatorDefinition) -> IndicatorDefinition:
    """Create or change one indicator of a draft set (its curve must be valid for the engine)."""
    _require_alliance_admin(actor)
    indicator_set = IndicatorSet.objects.select_for_update().get(pk=definition.indicator_set_id)
    _require_draft(indicator_set)
    if definition.pk is not None:
        stored = IndicatorDefinition.objects.get(pk=definition.pk)
        if stored.indicator_set_id != indicator_set.pk:
            _require_draft(IndicatorSet.objects.get(pk=stored.indicator_set_id))
    definition.full_clean()
    definition.save()
    return definition


@transaction.atomic
def indicator_definition_delete(*, actor: Any, definition: IndicatorDefinition) -> None:
    _require_alliance_admin(actor)
    _require_draft(IndicatorSet.objects.select_for_update().get(pk=definition.indicator_set_id))
    definition.delete()


@transaction.atomic
def indicator_set_copy(*, actor: Any, indicator_set: IndicatorSet) -> IndicatorSet:
    """A new draft with the next version number and copies of the set's indicators. Alliance admins only."""
    _require_alliance_admin(actor)
    version = (IndicatorSet.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0) + 1
    draft = IndicatorSet(
        version=version,
        name=indicator_set.name,
        description=indicator_set.description,
        status=IndicatorSet.Status.DRAFT,
        tier_cutoffs=dict(indicator_set.tier_cutoffs),
        total_cap=indicator_set.total_cap,
        copied_from=indicator_set,
    )
    draft.full_clean()
    draft.save()
    IndicatorDefinition.objects.bulk_create(
        IndicatorDefinition(
            indicator_set=draft,
            key=d.key,
            name=d.name,
            klass=d.klass,
            unit=d.unit,
            source=d.source,
            source_field=d.source_field,
            curve_kind=d.curve_kind,
            steps=d.steps,
            weight=d.weight,
            cap=d.cap,
            order=d.order,
        )
        for d in selectors.definitions_of(indicator_set)
    )
    return draft


@transaction.atomic
def indicator_set_publish(*, actor: Any, indicator_set: IndicatorSet) -> IndicatorSet:
    """发布: the draft becomes the current set, the previous current set is retired, and every enterprise is
    scored under the new set (scores under older sets are kept unchanged). Alliance admins only."""
    _require_alliance_admin(actor)
    locked = IndicatorSet.objects.select_for_update().get(pk=indicator_set.pk)
    _require_draft(locked)
    validate_tier_cutoffs(locked.tier_cutoffs)
    definitions = selectors.definitions_of(locked)
    if not definitions:
        raise ApplicationError(_("指标体系中还没有指标，不能发布。"), PointsErrorCode.SET_INVALID)
    try:
        locked.to_engine(definitions)
    except ValueError as exc:
        raise ApplicationError(
            _("指标体系无效，不能发布：%(error)s") % {"error": exc}, PointsErrorCode.SET_INVALID
        ) from exc
    now = timezone.now()
    list(IndicatorSet.objects.select_for_update().filter(status=IndicatorSet.Status.PUBLISHED))
    IndicatorSet.objects.filter(status=IndicatorSet.Status.PUBLISHED).update(
        status=IndicatorSet.Status.RETIRED, updated_at=now
    )
    locked.status = IndicatorSet.Status.PUBLISHED
    locked.published_at = now
    locked.published_by = actor
    locked.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    score_recompute()
    return locked


# ---------------------------------------------------------------- scores


def _json_value(value: float | None) -> float | None:
    if value is None:
        return None
    return value if np.isfinite(value) else None


def _explanation(score: engine.Score) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    best = score.best_gain
    rows = [
        {
            "key": row.key,
            "name": row.name,
            "klass": row.klass,
            "unit": row.unit,
            "value": _json_value(row.value),
            "points": str(row.points),
            "weight": str(row.weight),
            "weighted": str(row.weighted),
            "missing": row.missing,
            "best_gain": best is not None and best.key == row.key,
        }
        for row in score.indicators
    ]
    gain: dict[str, Any] = (
        {
            "key": best.key,
            "name": best.name,
            "value_needed": best.value_needed,
            "points_after": str(best.points_after),
            "gain": str(best.gain),
        }
        if best is not None
        else {}
    )
    return rows, gain


def _percentiles(totals: np.ndarray, groups: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Percentile rank (share of totals ``<=`` each, as :func:`engine.percentile`) in the whole population and
    within each group, vectorised."""
    n = totals.size
    alliance = np.searchsorted(np.sort(totals), totals, side="right") * 100.0 / n
    within = np.zeros(n, dtype=np.float64)
    keys = np.asarray([-1 if g is None else g for g in groups])
    for group in np.unique(keys):
        mask = keys == group
        sub = totals[mask]
        within[mask] = np.searchsorted(np.sort(sub), sub, side="right") * 100.0 / sub.size
    return alliance, within


def _dec(value: float) -> Decimal:
    return Decimal(repr(float(value))).quantize(_CENT)


@transaction.atomic
def score_recompute(*, organisation_ids: Iterable[int] | None = None) -> int:
    """Score every enterprise with 经营数据 under the current set; return how many score rows changed.

    Totals and tiers of the whole population come from :func:`engine.score_many` (one numpy pass); the
    explanation of an enterprise (:func:`engine.score_one`) is rebuilt only when its values changed or it
    is in ``organisation_ids``. Percentiles within the city and the alliance are refreshed for everyone,
    because one enterprise's new total moves the others'. Rows of enterprises that no longer qualify are
    removed from the current set only. Idempotent: a second run with nothing changed writes nothing.
    """
    indicator_set = selectors.current_set()
    if indicator_set is None:
        return 0
    definitions = selectors.definitions_of(indicator_set)
    eng = indicator_set.to_engine(definitions)
    population = selectors.scored_population()
    forced = None if organisation_ids is None else set(organisation_ids)
    existing = {
        s.organisation_id: s
        for s in EnterpriseScore.objects.select_for_update()
        .filter(indicator_set=indicator_set)
        .order_by("pk")
    }
    stale = set(existing) - set(population.organisation_ids)
    if stale:
        EnterpriseScore.objects.filter(indicator_set=indicator_set, organisation_id__in=stale).delete()
    if not population.organisation_ids:
        return len(stale)

    rows = [{d.key: row.get(d.source_field) for d in definitions} for row in population.values]
    matrix = np.array(
        [[np.nan if r[d.key] is None else r[d.key] for d in definitions] for r in rows], dtype=np.float64
    )
    totals_cents, tier_index = engine.score_many_cents(eng, matrix)
    totals = totals_cents / 100.0
    alliance_pct, city_pct = _percentiles(totals, population.city_ids)
    labels = eng.tier_labels

    now = timezone.now()
    changed = 0
    to_create: list[EnterpriseScore] = []
    to_update: list[EnterpriseScore] = []
    for i, organisation_id in enumerate(population.organisation_ids):
        values = {k: _json_value(v) for k, v in rows[i].items()}
        total = (Decimal(int(totals_cents[i])) / 100).quantize(_CENT)
        tier = labels[int(tier_index[i])]
        fields: dict[str, Any] = {
            "city_id": population.city_ids[i],
            "data_year": population.data_years[i],
            "total": total,
            "tier": tier,
            "percentile_city": _dec(city_pct[i]),
            "percentile_alliance": _dec(alliance_pct[i]),
        }
        score = existing.get(organisation_id)
        explain = (
            score is None or score.values != values or (forced is not None and organisation_id in forced)
        )
        if explain:
            result = engine.score_one(eng, values)
            assert result.total == total and result.tier == tier, "score_many and score_one disagree"
            explanation, best_gain = _explanation(result)
            fields.update(values=values, explanation=explanation, best_gain=best_gain)
        if score is None:
            to_create.append(
                EnterpriseScore(
                    organisation_id=organisation_id, indicator_set=indicator_set, computed_at=now, **fields
                )
            )
            continue
        if any(getattr(score, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(score, name, value)
            score.computed_at = now
            score.updated_at = now
            to_update.append(score)
    if to_create:
        EnterpriseScore.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        EnterpriseScore.objects.bulk_update(
            to_update,
            [
                "city",
                "data_year",
                "total",
                "tier",
                "values",
                "explanation",
                "best_gain",
                "percentile_city",
                "percentile_alliance",
                "computed_at",
                "updated_at",
            ],
            batch_size=500,
        )
    changed = len(to_create) + len(to_update) + len(stale)
    return changed


_batch: ContextVar[set[int] | None] = ContextVar("points_recompute_batch", default=None)


def _enqueue_after_commit(organisation_ids: list[int]) -> None:
    from .tasks import score_recompute_task

    transaction.on_commit(lambda: score_recompute_task.enqueue(organisation_ids))


def score_recompute_queue(*, organisation_id: int) -> None:
    """Recompute after the surrounding transaction commits (called when an enterprise's 经营数据 change).

    Queued for the background worker: a recompute reads the whole population (percentiles move for
    everyone), which a web request should not wait for. The tests run tasks inline. Inside
    :func:`score_recompute_batch` the organisations are collected and queued once."""
    pending = _batch.get()
    if pending is not None:
        pending.add(organisation_id)
        return
    _enqueue_after_commit([organisation_id])


@contextmanager
def score_recompute_batch() -> Iterator[None]:
    """Collect the recomputes queued inside (an Excel import of thousands of profiles) into one task,
    queued after the surrounding transaction commits; nothing is queued when the block fails."""
    pending: set[int] = set()
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    if pending:
        _enqueue_after_commit(sorted(pending))


# ---------------------------------------------------------------- consent


def _site_text() -> translation.override:
    return translation.override(settings.LANGUAGE_CODE)


def _require_member(actor: Any, organisation: Organisation) -> None:
    if not roles.is_member_of(actor, organisation.pk):
        raise PermissionDenied(_("只有本企业的成员可以管理创新积分的查看授权。"))


@transaction.atomic
def consent_grant(*, actor: Any, organisation: Organisation, institution: Organisation) -> ScoreConsent:
    """授权: a member of the enterprise lets a verified bank, investor or guarantor see its tier and score.
    The institution's members are notified."""
    _require_member(actor, organisation)
    if organisation.kind != Organisation.Kind.ENTERPRISE:
        raise ApplicationError(_("只有企业可以授权查看创新积分。"), PointsErrorCode.NOT_ENTERPRISE)
    if institution.kind not in INSTITUTION_KINDS or institution.status != "published":
        raise ApplicationError(
            _("请选择已核验的金融机构、投资机构或担保机构。"),
            PointsErrorCode.NOT_INSTITUTION,
            {"field": "institution"},
        )
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    if ScoreConsent.objects.filter(
        organisation=organisation, institution=institution, revoked_at__isnull=True
    ).exists():
        raise ApplicationError(
            _("已授权“%(name)s”查看创新积分，无需重复授权。") % {"name": institution.name},
            PointsErrorCode.CONSENT_EXISTS,
            {"field": "institution"},
        )
    now = timezone.now()
    consent = ScoreConsent(
        organisation=organisation, institution=institution, granted_by=actor, granted_at=now
    )
    consent.full_clean(validate_constraints=False)
    consent.save()
    ConsentEvent.objects.create(consent=consent, action=ConsentEvent.Action.GRANTED, actor=actor, at=now)
    with _site_text():
        notify(
            recipients=organisation_members(institution.pk),
            kind="points_consent_granted",
            title=_("%(org)s 授权贵机构查看其创新积分") % {"org": organisation.name},
            body=_("贵机构现可查看该企业的创新积分等级与总分，企业可随时撤回授权。"),
            url=reverse("site:workspace-points", kwargs={"org_pk": institution.pk}),
            about=consent,
        )
    return consent


@transaction.atomic
def consent_revoke(*, actor: Any, consent: ScoreConsent) -> ScoreConsent:
    """撤回授权: a member of the enterprise ends the consent; the institution's members are notified."""
    locked = (
        ScoreConsent.objects.select_for_update()
        .select_related("organisation", "institution")
        .get(pk=consent.pk)
    )
    _require_member(actor, locked.organisation)
    if locked.revoked_at is not None:
        raise ApplicationError(_("该授权已撤回。"), PointsErrorCode.CONSENT_REVOKED)
    now = timezone.now()
    locked.revoked_at = now
    locked.revoked_by = actor
    locked.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    ConsentEvent.objects.create(consent=locked, action=ConsentEvent.Action.REVOKED, actor=actor, at=now)
    with _site_text():
        notify(
            recipients=organisation_members(locked.institution_id),
            kind="points_consent_revoked",
            title=_("%(org)s 撤回了查看创新积分的授权") % {"org": locked.organisation.name},
            body=_("贵机构已不能再查看该企业的创新积分。"),
            url=reverse("site:workspace-points", kwargs={"org_pk": locked.institution_id}),
            about=locked,
        )
    consent.revoked_at, consent.revoked_by = locked.revoked_at, locked.revoked_by
    return locked
