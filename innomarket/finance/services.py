"""Writes of 金融服务: loan applications (融资申请) and expressions of interest (投融资意向).

One function per transition, named ``<entity>_<action>``. Each checks the actor's permission on this
object (``access``), locks the row (``SELECT … FOR UPDATE``), checks the current state against the
model's workflow table, writes, appends a ``verification.StatusEvent`` (actor, from, to, reason) and
tells the other side (``notifications.services.notify``: an inbox item, and an e-mail after commit).

有问必答: ``notifications.replies.awaiting`` is set whenever the answering side owes a reply, and
cleared by its answer (``answered``). For an application the institution owes two answers: 受理 (or a
direct decision) first, then the decision (授信 / 婉拒), so 受理 starts a second round of waiting. 需补充材料
hands the ball to the enterprise: nobody at the institution owes anything until the enterprise
resubmits, which starts a new round for the institution. The enterprise is not chased by the
reminders (it is the one asking); an application left in 需补充材料 can be declined by the institution
with the structured reason 材料不全 so that it is closed with an answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError, ErrorCode, PermissionDenied
from innomarket.notifications import replies
from innomarket.notifications.recipients import organisation_members
from innomarket.notifications.services import notify
from innomarket.organisations.models import Organisation
from innomarket.points import selectors as points
from innomarket.points import services as points_services
from innomarket.verification.services import lock, record_event

from . import access, score_fit
from .models import (
    LOAN_AWAITING_INSTITUTION,
    LOAN_OPEN,
    FinancialProduct,
    FinancingInterest,
    FinancingRequest,
    LoanApplication,
    LoanApplicationAttachment,
)

MAX_FILES_PER_STEP = 10
LIVE_INTEREST = ("submitted", "accepted")


class FinanceErrorCode(StrEnum):
    """Refusals of 金融服务 beyond the shared ``ErrorCode`` (the 创新积分 requirement of a product)."""

    SCORE_MISSING = "score_missing"
    TIER_BELOW_REQUIREMENT = "tier_below_requirement"
    SCORE_CONSENT_REQUIRED = "score_consent_required"


# ---------------------------------------------------------------- small helpers


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _invalid(message: str, field: str | None = None, code: str = ErrorCode.VALIDATION) -> ApplicationError:
    return ApplicationError(message, code, {"field": field} if field else {})


def wan(value: Decimal | None) -> str:
    """An amount in 万元 as people write it: 3,500 or 12.5."""
    if value is None:
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text


def product_range_text(product: FinancialProduct) -> str:
    low, high = product.amount_min_wan, product.amount_max_wan
    if low is not None and high is not None:
        return _("%(low)s–%(high)s 万元") % {"low": wan(low), "high": wan(high)}
    if low is not None:
        return _("%(low)s 万元起") % {"low": wan(low)}
    if high is not None:
        return _("最高 %(high)s 万元") % {"high": wan(high)}
    return ""


def _check_amount_in_product(
    product: FinancialProduct, amount: Decimal | None, *, field: str, what: str
) -> Decimal:
    if amount is None:
        raise _invalid(_("请填写%(what)s。") % {"what": what}, field)
    if amount <= 0:
        raise _invalid(_("%(what)s须大于 0 万元。") % {"what": what}, field)
    low, high = product.amount_min_wan, product.amount_max_wan
    if (low is not None and amount < low) or (high is not None and amount > high):
        raise _invalid(
            _("%(what)s %(amount)s 万元不在本产品的额度范围（%(range)s）之内。")
            % {"what": what, "amount": wan(amount), "range": product_range_text(product)},
            field,
        )
    return amount


def _upload_config() -> tuple[int, list[str]]:
    # The same limits as every other private attachment of the platform (揭榜挂帅).
    config = settings.INNOMARKET_CHALLENGES
    return int(config["ATTACHMENT_MAX_MB"]), list(config["ATTACHMENT_TYPES"])


def _check_uploads(files: Iterable[UploadedFile], field: str = "attachments") -> list[UploadedFile]:
    files = list(files or [])
    if len(files) > MAX_FILES_PER_STEP:
        raise _invalid(_("一次最多上传 %(n)d 个附件。") % {"n": MAX_FILES_PER_STEP}, field)
    max_mb, types = _upload_config()
    for upload in files:  # every file checked before any is written
        name = upload.name or ""
        suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if suffix not in types:
            raise _invalid(
                _("不支持的附件类型“%(name)s”，允许：%(types)s。")
                % {"name": name, "types": "、".join(types)},
                field,
            )
        if (upload.size or 0) > max_mb * 1024 * 1024:
            raise _invalid(_("附件“%(name)s”超过 %(mb)d MB。") % {"name": name, "mb": max_mb}, field)
        if not upload.size:
            raise _invalid(_("附件“%(name)s”是空文件。") % {"name": name}, field)
    return files


def _store_files(
    *, application: LoanApplication, organisation_id: int, actor: Any, files: list[UploadedFile]
) -> list[LoanApplicationAttachment]:
    return [
        LoanApplicationAttachment.objects.create(
            application=application,
            organisation_id=organisation_id,
            file=upload,
            name=(upload.name or "")[:200],
            size=upload.size or 0,
            uploaded_by=actor,
        )
        for upload in files
    ]


def _move(
    *,
    record: Any,
    actor: Any,
    to_status: str,
    reason: str,
    change: Callable[[Any], None] | None = None,
    allowed_from: Iterable[str] | None = None,
) -> Any:
    """Lock ``record``, check the workflow, apply ``change`` to the locked row, save, write the event.

    The caller runs inside ``transaction.atomic`` and has checked the actor's permission.
    """
    current = lock(record)
    workflow = type(current).WORKFLOW
    allowed = workflow.allows(current.status, to_status) and (
        allowed_from is None or current.status in set(allowed_from)
    )
    if not allowed:
        raise ApplicationError(
            _("当前状态为“%(from)s”，不能办理此操作（可能对方已经处理过，请刷新页面查看）。")
            % {"from": current.get_status_display()},
            ErrorCode.INVALID_TRANSITION,
            {"from": current.status, "to": to_status},
        )
    from_status = current.status
    current.status = to_status
    if change is not None:
        change(current)
    current.full_clean()
    current.save()
    record_event(record=current, actor=actor, from_status=from_status, to_status=to_status, reason=reason)
    return current


def _tell(*, organisation_id: int | None, kind: str, title: str, body: str, record: Any) -> None:
    """Tell an organisation's members (nobody when the record has no organisation)."""
    notify(
        recipients=organisation_members(organisation_id) if organisation_id is not None else [],
        kind=kind,
        title=title,
        body=body,
        url=record.get_absolute_url(),
        about=record,
    )


def _name(organisation: Any) -> str:
    return organisation.name if organisation is not None else ""


def _site_language() -> Any:
    # Inbox rows and e-mails are stored as written: in the site's language, whoever acted.
    return translation.override(settings.LANGUAGE_CODE)


# ---------------------------------------------------------------- 融资申请 (enterprise → institution)


@transaction.atomic
def loan_application_submit(
    *,
    actor: Any,
    product: FinancialProduct,
    applicant: Organisation,
    amount_wan: Decimal | None,
    purpose: str,
    term_months: int | None = None,
    company_profile: str = "",
    files: Iterable[UploadedFile] = (),
    share_score: bool = False,
) -> LoanApplication:
    """申请金融产品: a member of a verified enterprise applies for a published product.

    The amount must be positive and within the product's 额度; the term (if given) within the
    product's 期限. One open application per enterprise and product. The institution's members are told.

    创新积分: a product with a tier requirement (``min_tier``) takes only an enterprise whose current
    tier meets it, and only with ``share_score`` (the enterprise's consent to show its score to the
    institution); for a product that merely refers to the score the consent is optional. The consent
    is granted (``points.services.consent_grant``) in this transaction, so a refused application
    grants nothing.
    """
    _require(
        getattr(actor, "is_authenticated", False) and roles.is_member_of(actor, applicant.pk),
        _("只能以本人所在机构的名义申请。"),
    )
    if applicant.kind != Organisation.Kind.ENTERPRISE:
        raise _invalid(
            _("金融产品面向企业申请，“%(name)s”不是企业。") % {"name": applicant.name}, "applicant"
        )
    if not access.is_verified(applicant):
        raise _invalid(
            _("机构“%(name)s”尚未通过核验，核验通过后才能申请。") % {"name": applicant.name},
            "applicant",
            ErrorCode.ORGANISATION_NOT_VERIFIED,
        )
    product = FinancialProduct.objects.select_related("owner", "city").get(pk=product.pk)
    institution = product.owner
    if not product.is_public or institution is None:
        raise _invalid(_("该金融产品目前不接受申请。"))
    if product.owner_id == applicant.pk:
        raise _invalid(_("不能申请本机构发布的产品。"), "applicant")
    score = _check_tier(product, applicant)
    amount = _check_amount_in_product(product, amount_wan, field="amount_wan", what=_("申请金额"))
    if term_months is not None:
        if term_months <= 0:
            raise _invalid(_("申请期限须大于 0 个月。"), "term_months")
        if product.term_months and term_months > product.term_months:
            raise _invalid(
                _("申请期限不能超过本产品的期限 %(months)d 个月。") % {"months": product.term_months},
                "term_months",
            )
    purpose = (purpose or "").strip()
    if not purpose:
        raise _invalid(_("请说明资金用途。"), "purpose")
    files = _check_uploads(files)
    if product.min_tier and not share_score:
        raise _invalid(
            _("本产品要求创新积分 %(tier)s 级及以上，申请须同意向%(institution)s授权查看本企业创新积分。")
            % {"tier": product.min_tier, "institution": institution.name},
            "share_score",
            FinanceErrorCode.SCORE_CONSENT_REQUIRED,
        )
    share_score = share_score and product.uses_innovation_score

    if LoanApplication.objects.filter(product=product, applicant=applicant, status__in=LOAN_OPEN).exists():
        raise _invalid(_duplicate_application(applicant), "applicant")

    application = LoanApplication(
        product=product,
        institution=institution,
        applicant=applicant,
        city_id=product.city_id,
        amount_wan=amount,
        term_months=term_months,
        purpose=purpose,
        company_profile=(company_profile or "").strip(),
        created_by=actor,
    )
    replies.awaiting(application)
    application.full_clean(exclude=["status"])
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise _invalid(_duplicate_application(applicant), "applicant") from None
    shared = share_score and _share_score(actor=actor, applicant=applicant, institution=institution)
    with _site_language():
        consent_note = _score_note(score) if shared else ""
    record_event(
        record=application, actor=actor, from_status="", to_status=application.status, reason=consent_note
    )
    _store_files(application=application, organisation_id=applicant.pk, actor=actor, files=files)
    with _site_language():
        body = _("资金用途：%(purpose)s\n请受理、要求补充材料或说明理由婉拒。") % {"purpose": purpose}
        if shared:
            body = f"{_score_note(score)}\n{body}"
        _tell(
            organisation_id=product.owner_id,
            kind="loan_application_submitted",
            title=_("新的融资申请：%(applicant)s 申请“%(product)s” %(amount)s 万元")
            % {"applicant": applicant.name, "product": product.title, "amount": wan(amount)},
            body=body,
            record=application,
        )
    return application


def _check_tier(product: FinancialProduct, applicant: Organisation) -> Any:
    """The applicant's current score; refuses (on the applicant) when the product's tier is not met."""
    score = points.current_score(organisation=applicant)
    if not product.min_tier:
        return score
    if score is None:
        raise _invalid(
            _(
                "本产品要求创新积分 %(tier)s 级及以上，“%(name)s”尚无创新积分，请先在政策计算器中填写经营数据。"
            )
            % {"tier": product.min_tier, "name": applicant.name},
            "applicant",
            FinanceErrorCode.SCORE_MISSING,
        )
    if not points.tier_meets(tier=score.tier, required=product.min_tier):
        fit = score_fit.TierFit(required=product.min_tier, organisation=applicant, score=score)
        gap = fit.shortfall
        message = _("本产品要求创新积分 %(required)s 级及以上，“%(name)s”当前为 %(tier)s 级") % {
            "required": product.min_tier,
            "name": applicant.name,
            "tier": score.tier,
        }
        if gap is not None:
            message += _("（还差 %(points)s 分）") % {"points": score_fit.number_text(gap)}
        gain = fit.best_gain_text
        message += _("，最能提分：%(gain)s。") % {"gain": gain} if gain else _("。")
        raise _invalid(message, "applicant", FinanceErrorCode.TIER_BELOW_REQUIREMENT)
    return score


def _share_score(*, actor: Any, applicant: Organisation, institution: Organisation) -> bool:
    """Grant the consent unless it is already active (inside the caller's transaction)."""
    if not points.has_consent(organisation=applicant, institution=institution):
        points_services.consent_grant(actor=actor, organisation=applicant, institution=institution)
    return True


def _score_note(score: Any) -> str:
    if score is None:
        return _("企业已授权查看创新积分（尚无积分）。")
    return _("企业已授权查看创新积分：%(tier)s 级，%(total)s 分。") % {
        "tier": score.tier,
        "total": score_fit.number_text(score.total),
    }


def _duplicate_application(applicant: Organisation) -> str:
    return _("“%(name)s”对该产品已有一份办理中的申请，请在原申请中补充材料，或撤回后再申请。") % {
        "name": applicant.name
    }


def _require_institution(actor: Any, application: LoanApplication) -> None:
    _require(access.institution_side(actor, application), _("只有受理机构的成员可以答复该申请。"))


def _require_applicant(actor: Any, application: LoanApplication) -> None:
    _require(access.applicant_side(actor, application), _("只有申请企业的成员可以办理此操作。"))


@transaction.atomic
def loan_application_accept(*, actor: Any, application: LoanApplication, note: str = "") -> LoanApplication:
    """受理: the institution takes the application up; it still owes the decision (a new round)."""
    _require_institution(actor, application)
    now = timezone.now()

    def change(record: LoanApplication) -> None:
        replies.answered(record, now=now)
        replies.awaiting(record, now=now)  # the decision (授信 / 婉拒) is owed next
        record.accepted_at = now

    application = _move(
        record=application,
        actor=actor,
        to_status=LoanApplication.Status.ACCEPTED,
        reason=(note or "").strip(),
        change=change,
        allowed_from={"submitted"},
    )
    with _site_language():
        _tell(
            organisation_id=application.applicant_id,
            kind="loan_application_accepted",
            title=_("融资申请已受理：%(product)s") % {"product": application.product.title},
            body=_("%(institution)s已受理您的申请，审批结果将在平台上答复。%(note)s")
            % {"institution": application.institution.name, "note": (note or "").strip()},
            record=application,
        )
    return application


@transaction.atomic
def loan_application_request_info(
    *, actor: Any, application: LoanApplication, info_request: str
) -> LoanApplication:
    """需补充材料: the institution says what is missing; the ball goes to the enterprise."""
    _require_institution(actor, application)
    info_request = (info_request or "").strip()
    if not info_request:
        raise _invalid(_("请写明需要补充的材料。"), "info_request", ErrorCode.REASON_REQUIRED)

    def change(record: LoanApplication) -> None:
        replies.answered(record)  # nobody at the institution owes anything until the enterprise resubmits
        record.info_request = info_request

    application = _move(
        record=application,
        actor=actor,
        to_status=LoanApplication.Status.NEEDS_INFO,
        reason=info_request,
        change=change,
        allowed_from=LOAN_AWAITING_INSTITUTION,
    )
    with _site_language():
        _tell(
            organisation_id=application.applicant_id,
            kind="loan_application_needs_info",
            title=_("融资申请需补充材料：%(product)s") % {"product": application.product.title},
            body=_("%(institution)s请您补充：%(what)s\n补充后请在平台上重新提交。")
            % {"institution": application.institution.name, "what": info_request},
            record=application,
        )
    return application


@transaction.atomic
def loan_application_resubmit(
    *, actor: Any, application: LoanApplication, note: str = "", files: Iterable[UploadedFile] = ()
) -> LoanApplication:
    """补充材料后重新提交: back to where the institution asked (待受理 or 已受理), a new round for it."""
    _require_applicant(actor, application)
    note = (note or "").strip()
    files = _check_uploads(files)
    if not note and not files:
        raise _invalid(_("请上传补充材料或填写补充说明。"), "note")
    current = LoanApplication.objects.only("accepted_at").get(pk=application.pk)
    back_to = LoanApplication.Status.ACCEPTED if current.accepted_at else LoanApplication.Status.SUBMITTED

    def change(record: LoanApplication) -> None:
        replies.awaiting(record)

    names = "、".join((f.name or "") for f in files)
    reason = (
        note if not names else (_("%(note)s（附件：%(names)s）") % {"note": note, "names": names}).lstrip()
    )
    application = _move(
        record=application,
        actor=actor,
        to_status=back_to,
        reason=reason,
        change=change,
        allowed_from={"needs_info"},
    )
    _store_files(application=application, organisation_id=application.applicant_id, actor=actor, files=files)
    with _site_language():
        _tell(
            organisation_id=application.institution_id,
            kind="loan_application_resubmitted",
            title=_("%(applicant)s 已补充材料：%(product)s")
            % {"applicant": application.applicant.name, "product": application.product.title},
            body=reason,
            record=application,
        )
    return application


@transaction.atomic
def loan_application_grant(
    *,
    actor: Any,
    application: LoanApplication,
    amount_wan: Decimal | None,
    term_months: int | None = None,
    note: str = "",
    files: Iterable[UploadedFile] = (),
) -> LoanApplication:
    """授信: the institution approves an amount within the product's 额度 (it may differ from the request)."""
    _require_institution(actor, application)
    product = application.product
    amount = _check_amount_in_product(product, amount_wan, field="amount_wan", what=_("授信金额"))
    if term_months is not None and term_months <= 0:
        raise _invalid(_("授信期限须大于 0 个月。"), "term_months")
    note = (note or "").strip()
    files = _check_uploads(files)
    now = timezone.now()

    def change(record: LoanApplication) -> None:
        replies.answered(record, now=now)
        record.accepted_at = record.accepted_at or now  # a grant is also an acceptance (funnel)
        record.granted_amount_wan = amount
        record.granted_term_months = term_months
        record.granted_note = note
        record.decided_at = now

    terms = _("授信 %(amount)s 万元") % {"amount": wan(amount)}
    if term_months:
        terms += _("，期限 %(months)d 个月") % {"months": term_months}
    if note:
        terms += _("。%(note)s") % {"note": note}
    application = _move(
        record=application,
        actor=actor,
        to_status=LoanApplication.Status.GRANTED,
        reason=terms,
        change=change,
        allowed_from=LOAN_AWAITING_INSTITUTION,
    )
    _store_files(
        application=application, organisation_id=application.institution_id, actor=actor, files=files
    )
    with _site_language():
        _tell(
            organisation_id=application.applicant_id,
            kind="loan_application_granted",
            title=_("获得授信 %(amount)s 万元：%(product)s")
            % {"amount": wan(amount), "product": application.product.title},
            body=_("%(institution)s批复：%(terms)s")
            % {"institution": application.institution.name, "terms": terms},
            record=application,
        )
    return application


@transaction.atomic
def loan_application_decline(
    *, actor: Any, application: LoanApplication, reason: str, note: str = ""
) -> LoanApplication:
    """婉拒: always with a structured reason (and words when the reason is “其他”) the enterprise sees."""
    _require_institution(actor, application)
    note = (note or "").strip()
    if reason not in LoanApplication.DeclineReason.values:
        raise _invalid(_("请选择婉拒原因。"), "reason", ErrorCode.REASON_REQUIRED)
    if reason == LoanApplication.DeclineReason.OTHER and not note:
        raise _invalid(_("选择“其他”时请写明具体原因。"), "note", ErrorCode.REASON_REQUIRED)
    label = str(LoanApplication.DeclineReason(reason).label)
    now = timezone.now()

    def change(record: LoanApplication) -> None:
        replies.answered(record, now=now)
        record.decline_reason = reason
        record.decline_note = note
        record.decided_at = now

    application = _move(
        record=application,
        actor=actor,
        to_status=LoanApplication.Status.DECLINED,
        reason=f"{label}：{note}" if note else label,
        change=change,
        allowed_from=LOAN_OPEN,
    )
    with _site_language():
        _tell(
            organisation_id=application.applicant_id,
            kind="loan_application_declined",
            title=_("融资申请未获批准：%(product)s") % {"product": application.product.title},
            body=_("%(institution)s婉拒了您的申请。原因：%(reason)s。%(note)s")
            % {
                "institution": application.institution.name,
                "reason": application.get_decline_reason_display(),
                "note": note,
            },
            record=application,
        )
    return application


@transaction.atomic
def loan_application_withdraw(*, actor: Any, application: LoanApplication, note: str = "") -> LoanApplication:
    """撤回: the enterprise no longer needs an answer; the institution is told."""
    _require_applicant(actor, application)
    note = (note or "").strip()
    application = _move(
        record=application,
        actor=actor,
        to_status=LoanApplication.Status.WITHDRAWN,
        reason=note,
        change=lambda record: replies.closed(record),
        allowed_from=LOAN_OPEN,
    )
    with _site_language():
        _tell(
            organisation_id=application.institution_id,
            kind="loan_application_withdrawn",
            title=_("%(applicant)s 撤回了融资申请：%(product)s")
            % {"applicant": application.applicant.name, "product": application.product.title},
            body=note,
            record=application,
        )
    return application


# ---------------------------------------------------------------- 投融资意向 (institution → enterprise)


@transaction.atomic
def financing_interest_submit(
    *,
    actor: Any,
    request: FinancingRequest,
    institution: Organisation,
    amount_min_wan: Decimal | None,
    amount_max_wan: Decimal | None,
    note: str,
) -> FinancingInterest:
    """表达意向: a member of a verified bank, investor or guarantor answers a published financing request."""
    _require(
        getattr(actor, "is_authenticated", False) and roles.is_member_of(actor, institution.pk),
        _("只能以本人所在机构的名义表达意向。"),
    )
    if not access.is_institution(institution):
        raise _invalid(_("只有金融机构、投资机构或担保机构可以表达投融资意向。"), "institution")
    if not access.is_verified(institution):
        raise _invalid(
            _("机构“%(name)s”尚未通过核验，核验通过后才能表达意向。") % {"name": institution.name},
            "institution",
            ErrorCode.ORGANISATION_NOT_VERIFIED,
        )
    request = FinancingRequest.objects.select_related("owner", "city").get(pk=request.pk)
    if not request.is_public or request.owner_id is None:
        raise _invalid(_("该融资需求目前不接受意向。"))
    if request.owner_id == institution.pk:
        raise _invalid(_("不能对本机构发布的融资需求表达意向。"), "institution")
    if request.valid_until and request.valid_until < timezone.localdate():
        raise _invalid(_("该融资需求已过有效期。"))
    if amount_min_wan is None:
        raise _invalid(_("请填写意向金额下限。"), "amount_min_wan")
    if amount_max_wan is None:
        raise _invalid(_("请填写意向金额上限。"), "amount_max_wan")
    if amount_min_wan <= 0:
        raise _invalid(_("意向金额下限须大于 0 万元。"), "amount_min_wan")
    if amount_max_wan < amount_min_wan:
        raise _invalid(_("意向金额上限不能小于下限。"), "amount_max_wan")
    note = (note or "").strip()
    if not note:
        raise _invalid(_("请说明意向（投资/授信方式、关注要点、下一步安排）。"), "note")

    if FinancingInterest.objects.filter(
        request=request, institution=institution, status__in=LIVE_INTEREST
    ).exists():
        raise _invalid(_duplicate_interest(institution), "institution")

    interest = FinancingInterest(
        request=request,
        institution=institution,
        city_id=request.city_id,
        amount_min_wan=amount_min_wan,
        amount_max_wan=amount_max_wan,
        note=note,
        created_by=actor,
    )
    replies.awaiting(interest)
    interest.full_clean(exclude=["status"])
    try:
        with transaction.atomic():
            interest.save()
    except IntegrityError:
        raise _invalid(_duplicate_interest(institution), "institution") from None
    record_event(record=interest, actor=actor, from_status="", to_status=interest.status, reason=note)
    with _site_language():
        _tell(
            organisation_id=request.owner_id,
            kind="financing_interest_submitted",
            title=_("%(institution)s 对您的融资需求“%(title)s”有意向")
            % {"institution": institution.name, "title": request.title},
            body=_("意向金额 %(low)s–%(high)s 万元。%(note)s\n请回复：同意洽谈，或说明理由婉拒。")
            % {"low": wan(amount_min_wan), "high": wan(amount_max_wan), "note": note},
            record=interest,
        )
    return interest


def _duplicate_interest(institution: Organisation) -> str:
    return _("“%(name)s”对该融资需求已有一份有效的意向。") % {"name": institution.name}


def _require_requester(actor: Any, interest: FinancingInterest) -> None:
    _require(access.interest_requester_side(actor, interest), _("只有发布融资需求的企业成员可以回复该意向。"))


@transaction.atomic
def financing_interest_accept(
    *, actor: Any, interest: FinancingInterest, note: str = ""
) -> FinancingInterest:
    """同意洽谈: the enterprise answers yes; both sides now see each other's contact person."""
    _require_requester(actor, interest)
    note = (note or "").strip()

    def change(record: FinancingInterest) -> None:
        replies.answered(record)
        record.answered_by = actor

    interest = _move(
        record=interest, actor=actor, to_status=FinancingInterest.Status.ACCEPTED, reason=note, change=change
    )
    with _site_language():
        _tell(
            organisation_id=interest.institution_id,
            kind="financing_interest_accepted",
            title=_("%(enterprise)s 同意就“%(title)s”与您洽谈")
            % {"enterprise": _name(interest.request.owner), "title": interest.request.title},
            body=_("联系人：%(person)s。%(note)s") % {"person": _contact(actor), "note": note},
            record=interest,
        )
    return interest


def _contact(user: Any) -> str:
    name = getattr(user, "display_name", "") or getattr(user, "username", "")
    email = getattr(user, "email", "")
    return f"{name}（{email}）" if email else name


@transaction.atomic
def financing_interest_decline(
    *, actor: Any, interest: FinancingInterest, reason: str, note: str = ""
) -> FinancingInterest:
    """婉拒意向: with a structured reason (and words for “其他”) the institution sees."""
    _require_requester(actor, interest)
    note = (note or "").strip()
    if reason not in FinancingInterest.DeclineReason.values:
        raise _invalid(_("请选择婉拒原因。"), "reason", ErrorCode.REASON_REQUIRED)
    if reason == FinancingInterest.DeclineReason.OTHER and not note:
        raise _invalid(_("选择“其他”时请写明具体原因。"), "note", ErrorCode.REASON_REQUIRED)
    label = str(FinancingInterest.DeclineReason(reason).label)

    def change(record: FinancingInterest) -> None:
        replies.answered(record)
        record.answered_by = actor
        record.decline_reason = reason
        record.decline_note = note

    interest = _move(
        record=interest,
        actor=actor,
        to_status=FinancingInterest.Status.DECLINED,
        reason=f"{label}：{note}" if note else label,
        change=change,
    )
    with _site_language():
        _tell(
            organisation_id=interest.institution_id,
            kind="financing_interest_declined",
            title=_("%(enterprise)s 婉拒了您对“%(title)s”的意向")
            % {"enterprise": _name(interest.request.owner), "title": interest.request.title},
            body=_("原因：%(reason)s。%(note)s")
            % {"reason": interest.get_decline_reason_display(), "note": note},
            record=interest,
        )
    return interest


@transaction.atomic
def financing_interest_withdraw(
    *, actor: Any, interest: FinancingInterest, note: str = ""
) -> FinancingInterest:
    """撤回意向 (before the enterprise answers)."""
    _require(access.interest_institution_side(actor, interest), _("只有意向机构的成员可以撤回该意向。"))
    note = (note or "").strip()
    interest = _move(
        record=interest,
        actor=actor,
        to_status=FinancingInterest.Status.WITHDRAWN,
        reason=note,
        change=lambda record: replies.closed(record),
    )
    with _site_language():
        _tell(
            organisation_id=interest.request.owner_id,
            kind="financing_interest_withdrawn",
            title=_("%(institution)s 撤回了对“%(title)s”的意向")
            % {"institution": interest.institution.name, "title": interest.request.title},
            body=note,
            record=interest,
        )
    return interest
