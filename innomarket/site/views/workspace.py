"""The member workspace (工作台): a person's organisations, their members and their listings.

Views are thin: they find the object, check the permission on the server for that object
(``verification.services.can_edit``), call one service and render. Another organisation's listing
is answered with 404, so its existence is not disclosed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Manager
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innomarket.accounts import roles
from innomarket.catalog import ListingType
from innomarket.challenges import services as challenge_services
from innomarket.challenges.diagnosis import diagnose
from innomarket.challenges.selectors import pending_diagnosis
from innomarket.common.exceptions import ApplicationError
from innomarket.common.forms import add_service_error
from innomarket.finance.score_fit import products_for
from innomarket.matching.recommendations import challenges_for_organisation
from innomarket.notifications.selectors import awaiting_my_reply
from innomarket.organisations.forms import MembershipAddForm, OrganisationRegisterForm, ProfileImportForm
from innomarket.organisations.models import Membership, Organisation, OrganisationProfile
from innomarket.organisations.services import (
    membership_add,
    membership_remove,
    organisation_profile_update,
    organisation_register,
)
from innomarket.policies.selectors import policy_calculator as calculate
from innomarket.site import workspace_selectors as selectors
from innomarket.site.forms import LISTING_FORMS, OrganisationProfileForm
from innomarket.verification import services as verification
from innomarket.verification.selectors import status_events_for
from innomarket.vouchers.acceptance import calculator_vouchers

# ---------------------------------------------------------------- helpers


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _organisation_for_editor(request: HttpRequest, org_pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation.objects.select_related("city"), pk=org_pk)
    if not verification.can_edit(request.user, organisation):
        raise Http404
    return organisation


def _listing_type(type_key: str) -> ListingType:
    listing_type = selectors.creatable_listing_type(type_key)
    if listing_type is None:
        raise Http404
    return listing_type


def _listing_for_editor(request: HttpRequest, type_key: str, pk: int) -> tuple[ListingType, Any]:
    listing_type = _listing_type(type_key)
    manager: Manager = listing_type.model._default_manager
    record = get_object_or_404(manager.select_related("owner", "owner__city", "city"), pk=pk)
    if not verification.can_edit(request.user, record):
        raise Http404
    return listing_type, record


def listing_actions(record: Any) -> dict[str, bool]:
    """Which owner actions the record's workflow allows in its current status."""
    workflow = type(record).WORKFLOW
    status = record.status
    is_public = status in workflow.public
    return {
        "edit": status in workflow.editable,
        "submit": not is_public and workflow.allows(status, workflow.submitted),
        "withdraw": status == workflow.submitted and workflow.allows(status, workflow.withdrawn),
        "archive": workflow.allows(status, workflow.archived),
        "is_public": is_public,
        "is_rejected": status == workflow.rejected,
    }


def _row(listing_type: ListingType, record: Any) -> dict[str, Any]:
    return {
        "type": listing_type,
        "record": record,
        "actions": listing_actions(record),
        "diagnosis": pending_diagnosis(record),
    }


def _is_verified(organisation: Organisation) -> bool:
    return organisation.status in Organisation.WORKFLOW.public


def _display_value(record: Any, name: str) -> Any:
    field = record._meta.get_field(name)
    if field.many_to_many:
        return _("、").join(str(v) for v in getattr(record, name).all()) or "—"
    value = getattr(record, f"get_{name}_display")() if field.choices else getattr(record, name)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return value


def _attach(request: HttpRequest, form: Form, record: Any) -> None:
    files = form.files_to_attach() if hasattr(form, "files_to_attach") else []
    if files:
        challenge_services.challenge_attach(actor=request.user, challenge=record, files=files)


def _diagnosis(listing_type: ListingType, form: Form, record: Any = None) -> Any:
    """需求诊断 of the challenge being written: from what was posted, or the saved record."""
    if listing_type.key != "challenge":
        return None
    if form.is_bound:
        return diagnose(form.data)
    return diagnose(record.diagnosis_data()) if record is not None else None


# ---------------------------------------------------------------- home


# The home page shows each organisation's latest listings; its own page lists them all.
HOME_ROWS = 12


@login_required
def workspace_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    organisations = []
    for membership in selectors.memberships_for_user(user):
        organisation = membership.organisation
        listings = list(selectors.listings_of(organisation))
        organisations.append(
            {
                "membership": membership,
                "organisation": organisation,
                "verified": _is_verified(organisation),
                "is_admin": membership.role == Membership.Role.ADMIN,
                "rows": [_row(item.listing_type, item.record) for item in listings[:HOME_ROWS]],
                "more": max(0, len(listings) - HOME_ROWS),
            }
        )
    return render(
        request,
        "workspace/home.html",
        {
            "organisations": organisations,
            "listing_types": selectors.creatable_listing_types(),
            "is_alliance_admin": roles.is_alliance_admin(user),
            "administered_city": user.administered_city if roles.is_city_admin(user) else None,
            "awaiting_mine": awaiting_my_reply(user),
        },
    )


# ---------------------------------------------------------------- organisations and members


@login_required
def organisation_new(request: HttpRequest) -> HttpResponse:
    """登记机构: the new organisation waits for its city's verification; the actor becomes its admin."""
    form = OrganisationRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_register(actor=request.user, **form.cleaned_data)
        except (ApplicationError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("机构“%(name)s”已登记，等待%(city)s管理员核验。您现在可以先填写信息并提交核验。")
                % {"name": organisation.name, "city": organisation.city},
            )
            return redirect("site:workspace-org", org_pk=organisation.pk)
    return render(request, "workspace/organisation_form.html", {"form": form})


def _organisation_page(
    request: HttpRequest,
    organisation: Organisation,
    add_form: MembershipAddForm | None = None,
    status: int = 200,
) -> HttpResponse:
    membership = selectors.membership_of(request.user, organisation)
    is_admin = membership is not None and membership.role == Membership.Role.ADMIN
    return render(
        request,
        "workspace/organisation_detail.html",
        {
            "organisation": organisation,
            "verified": _is_verified(organisation),
            "membership": membership,
            "is_admin": is_admin,
            "members": selectors.members_of(organisation),
            "add_form": add_form or MembershipAddForm(),
            "history": status_events_for(organisation),
            "listing_types": selectors.creatable_listing_types(),
            "rows": [_row(item.listing_type, item.record) for item in selectors.listings_of(organisation)],
            "fitting_challenges": challenges_for_organisation(organisation)
            if _is_verified(organisation)
            else [],
        },
        status=status,
    )


@login_required
def organisation_detail(request: HttpRequest, org_pk: int) -> HttpResponse:
    return _organisation_page(request, _organisation_for_editor(request, org_pk))


@login_required
@require_POST
def member_add(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = _organisation_for_editor(request, org_pk)
    form = MembershipAddForm(request.POST)
    if form.is_valid():
        try:
            membership = membership_add(
                actor=request.user,
                organisation=organisation,
                identifier=form.cleaned_data["identifier"],
                role=form.cleaned_data["role"],
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("已把 %(user)s 加为“%(org)s”的%(role)s。")
                % {
                    "user": membership.user.display_name,
                    "org": organisation.name,
                    "role": membership.get_role_display(),
                },
            )
            return redirect("site:workspace-org", org_pk=organisation.pk)
    return _organisation_page(request, organisation, add_form=form, status=400)


@login_required
@require_POST
def member_remove(request: HttpRequest, org_pk: int, membership_pk: int) -> HttpResponse:
    organisation = _organisation_for_editor(request, org_pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organisation"), pk=membership_pk, organisation=organisation
    )
    try:
        membership_remove(actor=request.user, membership=membership)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已移除成员 %(user)s。") % {"user": membership.user.display_name})
        if membership.user_id == request.user.pk:
            return redirect("site:workspace")
    return redirect("site:workspace-org", org_pk=organisation.pk)


# ---------------------------------------------------------------- listings


@login_required
def listing_new(request: HttpRequest, org_pk: int, type_key: str) -> HttpResponse:
    organisation = _organisation_for_editor(request, org_pk)
    listing_type = _listing_type(type_key)
    form_class = LISTING_FORMS[listing_type.key]
    form = form_class(request.POST or None, request.FILES or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        record.owner = organisation
        submit = "submit" in request.POST
        try:
            with transaction.atomic():  # the record and its attachments, or nothing
                record = verification.listing_create(
                    actor=request.user, record=record, m2m=form.m2m_values(), submit=submit
                )
                _attach(request, form, record)
        except (ApplicationError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            if submit:
                messages.success(request, _("“%(title)s”已提交核验。") % {"title": record.title})
            else:
                messages.success(request, _("“%(title)s”已保存为草稿。") % {"title": record.title})
            return redirect("site:workspace-listing", type_key=listing_type.key, pk=record.pk)
    return render(
        request,
        "workspace/listing_form.html",
        {
            "form": form,
            "listing_type": listing_type,
            "organisation": organisation,
            "verified": _is_verified(organisation),
            "record": None,
            "diagnosis": _diagnosis(listing_type, form),
        },
    )


@login_required
def listing_detail(request: HttpRequest, type_key: str, pk: int) -> HttpResponse:
    listing_type, record = _listing_for_editor(request, type_key, pk)
    form_class = LISTING_FORMS[listing_type.key]
    facts = [
        (record._meta.get_field(name).verbose_name, _display_value(record, name))
        for name in form_class._meta.fields
        if name not in ("title",)
    ]
    organisation = record.owner
    return render(
        request,
        "workspace/listing_detail.html",
        {
            "listing_type": listing_type,
            "record": record,
            "organisation": organisation,
            "verified": organisation is None or _is_verified(organisation),
            "actions": listing_actions(record),
            "actions_row": _row(listing_type, record),
            "facts": facts,
            "history": status_events_for(record),
        },
    )


@login_required
def listing_edit(request: HttpRequest, type_key: str, pk: int) -> HttpResponse:
    listing_type, record = _listing_for_editor(request, type_key, pk)
    actions = listing_actions(record)
    detail_url = reverse("site:workspace-listing", kwargs={"type_key": listing_type.key, "pk": record.pk})
    if not actions["edit"]:
        messages.error(
            request, _("“%(status)s”状态的信息不能在工作台修改。") % {"status": record.get_status_display()}
        )
        return redirect(detail_url)
    was_public = actions["is_public"]
    form_class = LISTING_FORMS[listing_type.key]
    form = form_class(request.POST or None, request.FILES or None, instance=record, organisation=record.owner)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            with transaction.atomic():
                updated = verification.listing_update(
                    actor=request.user,
                    record=record,
                    changed=form.changed_values(),
                    m2m=form.m2m_values(),
                    submit=submit,
                )
                _attach(request, form, updated)
        except (ApplicationError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            if was_public:
                messages.warning(request, _("已保存。修改后的信息已重新提交核验，核验通过后再次公开。"))
            elif updated.status == type(updated).WORKFLOW.submitted and submit:
                messages.success(request, _("已保存并提交核验。"))
            else:
                messages.success(request, _("已保存。"))
            return redirect(detail_url)
    organisation = record.owner
    return render(
        request,
        "workspace/listing_form.html",
        {
            "form": form,
            "listing_type": listing_type,
            "organisation": organisation,
            "verified": organisation is None or _is_verified(organisation),
            "record": record,
            "was_public": was_public,
            "actions": actions,
            "diagnosis": _diagnosis(listing_type, form, record),
        },
    )


def _transition_view(request: HttpRequest, type_key: str, pk: int, action: str) -> HttpResponse:
    listing_type, record = _listing_for_editor(request, type_key, pk)
    try:
        if action == "submit":
            record = verification.listing_submit(actor=request.user, record=record)
            message = _("“%(title)s”已提交核验，请等待%(city)s管理员核验。")
        elif action == "withdraw":
            record = verification.listing_withdraw(actor=request.user, record=record)
            message = _("“%(title)s”已撤回为草稿。")
        else:
            record = verification.listing_archive(
                actor=request.user, record=record, reason=request.POST.get("reason", "")
            )
            message = _("“%(title)s”已下架。")
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, message % {"title": record.title, "city": record.city})
    return redirect(
        _safe_next(request)
        or reverse("site:workspace-listing", kwargs={"type_key": listing_type.key, "pk": pk})
    )


@login_required
@require_POST
def listing_submit(request: HttpRequest, type_key: str, pk: int) -> HttpResponse:
    return _transition_view(request, type_key, pk, "submit")


@login_required
@require_POST
def listing_withdraw(request: HttpRequest, type_key: str, pk: int) -> HttpResponse:
    return _transition_view(request, type_key, pk, "withdraw")


@login_required
@require_POST
def listing_archive(request: HttpRequest, type_key: str, pk: int) -> HttpResponse:
    return _transition_view(request, type_key, pk, "archive")


# ---------------------------------------------------------------- 我要发榜


@login_required
def challenge_entry(request: HttpRequest) -> HttpResponse:
    """我要发榜: straight to the form for one organisation, a choice for several, an explanation for none."""
    organisations = list(selectors.organisations_for_user(request.user))
    if len(organisations) == 1:
        return redirect("site:workspace-listing-new", org_pk=organisations[0].pk, type_key="challenge")
    return render(
        request,
        "workspace/challenge_entry.html",
        {"organisations": [(o, _is_verified(o)) for o in organisations]},
    )


@login_required
@require_POST
def challenge_diagnose(request: HttpRequest) -> HttpResponse:
    """The diagnosis partial for htmx, recomputed from the form as the user types (nothing is saved)."""
    return render(request, "challenges/_diagnosis.html", {"diagnosis": diagnose(request.POST)})


@login_required
def policy_calculator(request: HttpRequest, org_pk: int) -> HttpResponse:
    """政策计算器: the organisation's 经营数据 and the policies they qualify it for, nearly or not."""
    organisation = _organisation_for_editor(request, org_pk)
    profile = OrganisationProfile.objects.filter(organisation=organisation).first()
    form = OrganisationProfileForm(request.POST or None, instance=profile)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                organisation_profile_update(
                    actor=request.user, organisation=organisation, data=form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except ApplicationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("经营数据已保存，下面是按最新数据计算的结果。"))
                return redirect(
                    reverse("site:workspace-policy-calculator", kwargs={"org_pk": organisation.pk})
                )
        status = 400
    return render(
        request,
        "workspace/policy_calculator.html",
        {
            "organisation": organisation,
            "form": form,
            "result": calculate(organisation),
            "has_profile": profile is not None,
            # 不符合的政策 on request (a link, so it works without JavaScript and can be shared).
            "show_ineligible": request.GET.get("ineligible") == "1",
            "import_form": ProfileImportForm(),
            # 可对接的金融产品: tier-gated products the enterprise's 创新积分 meets or nearly meets.
            "finance_products": (
                products_for(organisation=organisation)
                if organisation.kind == Organisation.Kind.ENTERPRISE
                else None
            ),
            # 创新券: usable vouchers and the city's open programmes it may still apply to.
            "calculator_vouchers": (
                calculator_vouchers(organisation=organisation)
                if organisation.kind == Organisation.Kind.ENTERPRISE
                else None
            ),
        },
        status=status,
    )
