"""创新券 in the member workspace (/workspace/vouchers/): apply, follow applications, see vouchers with
their balance and history, confirm or decline redemptions (enterprise); register for a programme,
enter a voucher code to be paid, follow redemptions (provider); review applications and settle
confirmed redemptions (the programme city's administrators).

Thin views: find the object, check that the user may see it (anything else is a 404), bind one form,
call one service, render. Services check the permission for the action again; their
``ApplicationError`` is shown on the field it names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError
from innomarket.common.forms import add_service_error
from innomarket.organisations.models import Organisation
from innomarket.verification.selectors import status_events_for

from . import access, forms, selectors, services
from .models import (
    VOUCHER_APPLICATION_OPEN,
    ProviderApplication,
    Redemption,
    Voucher,
    VoucherApplication,
    VoucherProgram,
)


def _waiting_days(record: Any) -> int | None:
    if record.awaiting_since is None:
        return None
    return (timezone.now() - record.awaiting_since).days


def _organisations(user: Any, *, enterprises_only: bool = False) -> list[Organisation]:
    qs = Organisation.objects.filter(pk__in=roles.member_organisation_ids(user)).select_related("city")
    if enterprises_only:
        qs = qs.filter(kind=Organisation.Kind.ENTERPRISE)
    return list(qs.order_by("name"))


def _show_error(form: Form, exc: Exception, renames: dict[str, str] | None = None) -> None:
    """``add_service_error``, with the service's field names mapped to the form's."""
    if isinstance(exc, ApplicationError) and renames and exc.extra.get("field") in renames:
        exc.extra = {**exc.extra, "field": renames[exc.extra["field"]]}
    add_service_error(form, exc)


def _orphan_errors(request: HttpRequest, bound: tuple[str, Form] | None, shown: dict[str, Form]) -> None:
    """An action the user may not take here (the page offers no form for it): say why above the page."""
    if bound is not None and bound[0] not in shown:
        for error in bound[1].errors.get("__all__", []):
            messages.error(request, error)


# ---------------------------------------------------------------- home


@login_required
@require_GET
def vouchers_home(request: HttpRequest) -> HttpResponse:
    """创新券工作台: one page for each side the user is on."""
    user = request.user
    organisations = _organisations(user)
    enterprise_cities = {o.city_id for o in organisations if o.kind == Organisation.Kind.ENTERPRISE}
    programmes = list(selectors.programmes_open())
    figures = selectors.programme_figures_many(programmes)
    registrations = list(selectors.registrations_of_user(user))
    registered = {(r.programme_id, r.provider_id) for r in registrations}
    provider_applications = list(selectors.provider_applications_of_user(user)[:50])
    is_admin = access.administers_any_city(user)
    return render(
        request,
        "vouchers/workspace/home.html",
        {
            "organisations": organisations,
            "has_enterprise": bool(enterprise_cities),
            "vouchers": list(selectors.vouchers_of_user(user)[:50]),
            "to_confirm": [
                {"record": r, "waiting_days": _waiting_days(r)}
                for r in selectors.redemptions_to_confirm(user=user)
            ],
            "applications": list(selectors.voucher_applications_of_user(user)[:50]),
            "programmes": [
                {
                    "programme": p,
                    "figures": figures[p.pk],
                    "can_apply": p.city_id in enterprise_cities,
                    "joinable": [
                        o
                        for o in organisations
                        if (p.pk, o.pk) not in registered and o.kind != Organisation.Kind.GOVERNMENT
                    ],
                }
                for p in programmes
            ],
            "registrations": registrations,
            "provider_applications": provider_applications,
            "provider_redemptions": list(selectors.redemptions_of_provider(user=user)[:50]),
            "is_admin": is_admin,
            "review_count": (
                selectors.voucher_applications_to_review(user).count()
                + selectors.provider_applications_to_review(user).count()
                + selectors.redemptions_to_settle(user=user).count()
                if is_admin
                else 0
            ),
            "response_days": settings.INNOMARKET_REPLIES["RESPONSE_DAYS"],
        },
    )


# ---------------------------------------------------------------- 申领 (enterprise → city)


def _programme_or_404(pk: int) -> VoucherProgram:
    return get_object_or_404(VoucherProgram.objects.select_related("city"), pk=pk)


@login_required
def application_new(request: HttpRequest, programme_pk: int) -> HttpResponse:
    """申领创新券 in one programme (the enterprise side)."""
    programme = _programme_or_404(programme_pk)
    enterprises = _organisations(request.user, enterprises_only=True)
    form = forms.VoucherApplicationForm(request.POST or None, organisations=enterprises)
    if request.method == "POST" and enterprises and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.voucher_application_submit(
                actor=request.user,
                programme=programme,
                enterprise=data["enterprise"],
                amount_wan=data["amount_wan"],
                service_kind=data["service_kind"],
                purpose=data["purpose"],
            )
        except (ApplicationError, ValidationError) as exc:
            _show_error(form, exc)
        else:
            messages.success(
                request,
                _("申领已提交给%(city)s城市管理员审核，结果会出现在这里和您的消息中。")
                % {"city": programme.city.short_name},
            )
            return redirect(application.get_absolute_url())
    caps = [
        {"enterprise": e, "left": selectors.enterprise_cap_left(programme=programme, enterprise=e)}
        for e in enterprises
        if e.city_id == programme.city_id
    ]
    return render(
        request,
        "vouchers/workspace/application_form.html",
        {
            "programme": programme,
            "figures": selectors.programme_figures(programme=programme),
            "form": form,
            "enterprises": enterprises,
            "caps": caps,
            "accepts": services.programme_accepts_applications(programme),
        },
        status=400 if request.method == "POST" else 200,
    )


def _application_or_404(request: HttpRequest, pk: int) -> VoucherApplication:
    try:
        application = selectors.voucher_application_for(pk)
    except VoucherApplication.DoesNotExist:
        raise Http404 from None
    if not access.can_view_voucher_application(request.user, application):
        raise Http404
    return application


APPLICATION_ACTIONS: dict[str, type[Form]] = {
    "approve": forms.ApproveForm,
    "return": forms.ReturnForm,
    "decline": forms.VoucherDeclineForm,
    "resubmit": forms.ResubmitForm,
    "withdraw": forms.NoteForm,
}


def _application_actions(user: Any, application: VoucherApplication) -> list[str]:
    actions: list[str] = []
    if access.programme_admin(user, application.programme.city_id):
        if application.status == VoucherApplication.Status.SUBMITTED:
            actions += ["approve", "return"]
        if application.status in VOUCHER_APPLICATION_OPEN:
            actions.append("decline")
    if roles.is_member_of(user, application.enterprise_id):
        if application.status == VoucherApplication.Status.RETURNED:
            actions.append("resubmit")
        if application.status in VOUCHER_APPLICATION_OPEN:
            actions.append("withdraw")
    return actions


def _application_page(
    request: HttpRequest,
    application: VoucherApplication,
    *,
    bound: tuple[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    programme = application.programme
    action_forms: dict[str, Form] = {}
    for name in _application_actions(user, application):
        if bound is not None and bound[0] == name:
            action_forms[name] = bound[1]
        elif name == "approve":
            action_forms[name] = forms.ApproveForm(
                initial={"amount_wan": application.amount_wan}, auto_id="id_approve_%s"
            )
        elif name == "resubmit":
            action_forms[name] = forms.ResubmitForm(
                initial={"amount_wan": application.amount_wan, "purpose": application.purpose},
                auto_id="id_resubmit_%s",
            )
        else:
            action_forms[name] = APPLICATION_ACTIONS[name](auto_id=f"id_{name}_%s")
    _orphan_errors(request, bound, action_forms)
    is_admin = access.programme_admin(user, programme.city_id)
    return render(
        request,
        "vouchers/workspace/application_detail.html",
        {
            "application": application,
            "programme": programme,
            "is_admin": is_admin,
            "is_enterprise": roles.is_member_of(user, application.enterprise_id),
            "figures": selectors.programme_figures(programme=programme) if is_admin else None,
            "cap_left": selectors.enterprise_cap_left(programme=programme, enterprise=application.enterprise),
            "action_forms": action_forms,
            "open_action": bound[0] if bound else "",
            "history": status_events_for(application),
            "waiting_days": _waiting_days(application),
        },
        status=status,
    )


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _application_page(request, _application_or_404(request, pk))


@login_required
@require_POST
def application_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    application = _application_or_404(request, pk)
    if action not in APPLICATION_ACTIONS:
        raise Http404
    form = APPLICATION_ACTIONS[action](request.POST, auto_id=f"id_{action}_%s")
    if form.is_valid():
        data = form.cleaned_data
        user = request.user
        try:
            if action == "approve":
                application = services.voucher_application_approve(
                    actor=user, application=application, amount_wan=data["amount_wan"], note=data["note"]
                )
                assert application.voucher is not None
                done = _("已批准，创新券 %(code)s 已发放给企业。") % {"code": application.voucher.code}
            elif action == "return":
                services.voucher_application_return(
                    actor=user, application=application, info_request=data["info_request"]
                )
                done = _("已退回企业补充，企业重新提交后会通知您。")
            elif action == "decline":
                services.voucher_application_decline(
                    actor=user, application=application, reason=data["reason"], note=data["note"]
                )
                done = _("已答复不予批准，企业会看到原因。")
            elif action == "resubmit":
                services.voucher_application_resubmit(
                    actor=user,
                    application=application,
                    amount_wan=data.get("amount_wan"),
                    purpose=data.get("purpose"),
                    note=data["note"],
                )
                done = _("已重新提交，等待城市管理员审核。")
            else:
                services.voucher_application_withdraw(actor=user, application=application, note=data["note"])
                done = _("申领已撤回。")
        except (ApplicationError, ValidationError) as exc:
            _show_error(form, exc)
        else:
            messages.success(request, done)
            return redirect(application.get_absolute_url())
    application = selectors.voucher_application_for(application.pk)
    return _application_page(request, application, bound=(action, form), status=400)


# ---------------------------------------------------------------- 我的创新券


@login_required
@require_GET
def voucher_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One voucher: balance, ledger history in 元, its redemptions (with the ones to confirm)."""
    try:
        voucher = selectors.voucher_for(pk)
    except Voucher.DoesNotExist:
        raise Http404 from None
    if not access.can_view_voucher(request.user, voucher):
        raise Http404
    programme = voucher.program
    return render(
        request,
        "vouchers/workspace/voucher_detail.html",
        {
            "voucher": voucher,
            "programme": programme,
            "face_fen": selectors.wan_fen(voucher.amount_wan),
            "movements": selectors.voucher_movements(voucher=voucher),
            "redemptions": list(selectors.redemptions_of_voucher(voucher=voucher)),
            "providers": list(selectors.programme_providers(programme=programme)),
            "is_enterprise": roles.is_member_of(request.user, voucher.enterprise_id),
            "usable": voucher.status in services.USABLE_STATUSES,
        },
    )


# ---------------------------------------------------------------- 兑付 (provider → enterprise → city)


@login_required
def redeem(request: HttpRequest) -> HttpResponse:
    """兑付申请: a member of an accepted provider enters the code, the service and the amount."""
    registrations = list(selectors.registrations_of_user(request.user))
    providers = list({r.provider_id: r.provider for r in registrations}.values())
    form = forms.RedeemForm(request.POST or None, organisations=providers)
    if request.method == "GET" and request.GET.get("code"):
        form.initial["code"] = request.GET["code"]
    if request.method == "POST" and providers and form.is_valid():
        data = form.cleaned_data
        try:
            redemption = services.redemption_request(
                actor=request.user,
                provider=data["provider"],
                code=data["code"],
                service=data["service"],
                amount_fen=int((data["amount_yuan"] * 100).to_integral_value()),
            )
        except (ApplicationError, ValidationError) as exc:
            _show_error(form, exc, {"amount_fen": "amount_yuan", "provider": "code"})
        else:
            messages.success(
                request,
                _("兑付申请已提交，等待“%(enterprise)s”确认。")
                % {"enterprise": redemption.voucher.enterprise.name},
            )
            return redirect(redemption.get_absolute_url())
    return render(
        request,
        "vouchers/workspace/redeem_form.html",
        {"form": form, "registrations": registrations, "providers": providers},
        status=400 if request.method == "POST" else 200,
    )


def _redemption_or_404(request: HttpRequest, pk: int) -> Redemption:
    try:
        redemption = selectors.redemption_for(pk)
    except Redemption.DoesNotExist:
        raise Http404 from None
    if not access.can_view_redemption(request.user, redemption):
        raise Http404
    return redemption


REDEMPTION_ACTIONS: dict[str, type[Form]] = {
    "confirm": forms.ConfirmForm,
    "decline": forms.RedemptionDeclineForm,
    "cancel": forms.NoteForm,
    "complete": forms.SettleForm,
    "release": forms.ReleaseForm,
}


def _redemption_actions(user: Any, redemption: Redemption) -> list[str]:
    S = Redemption.Status
    actions: list[str] = []
    if redemption.status == S.REQUESTED:
        if roles.is_member_of(user, redemption.voucher.enterprise_id):
            actions += ["confirm", "decline"]
        if roles.is_member_of(user, redemption.provider_id):
            actions.append("cancel")
    if redemption.status == S.CONFIRMED and access.programme_admin(user, redemption.voucher.program.city_id):
        actions += ["complete", "release"]
    return actions


def _redemption_page(
    request: HttpRequest, redemption: Redemption, *, bound: tuple[str, Form] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    action_forms = {
        name: bound[1] if bound and bound[0] == name else REDEMPTION_ACTIONS[name](auto_id=f"id_{name}_%s")
        for name in _redemption_actions(user, redemption)
    }
    _orphan_errors(request, bound, action_forms)
    voucher = redemption.voucher
    return render(
        request,
        "vouchers/workspace/redemption_detail.html",
        {
            "redemption": redemption,
            "voucher": voucher,
            "programme": voucher.program,
            "balance": selectors.voucher_balance(voucher=voucher),
            "cross_city": redemption.provider.city_id != voucher.program.city_id,
            "is_enterprise": roles.is_member_of(user, voucher.enterprise_id),
            "is_provider": roles.is_member_of(user, redemption.provider_id),
            "is_admin": access.programme_admin(user, voucher.program.city_id),
            "action_forms": action_forms,
            "open_action": bound[0] if bound else "",
            "history": status_events_for(redemption),
            "waiting_days": _waiting_days(redemption),
        },
        status=status,
    )


@login_required
@require_GET
def redemption_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _redemption_page(request, _redemption_or_404(request, pk))


@login_required
@require_POST
def redemption_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    redemption = _redemption_or_404(request, pk)
    if action not in REDEMPTION_ACTIONS:
        raise Http404
    form = REDEMPTION_ACTIONS[action](request.POST, auto_id=f"id_{action}_%s")
    if form.is_valid():
        data = form.cleaned_data
        user = request.user
        steps: dict[str, tuple[Callable[[], Any], str]] = {
            "confirm": (
                lambda: services.redemption_confirm(actor=user, redemption=redemption),
                _("已确认，金额已为服务机构预留，待城市管理员结算。"),
            ),
            "decline": (
                lambda: services.redemption_decline(actor=user, redemption=redemption, reason=data["reason"]),
                _("已拒绝，服务机构会看到理由。"),
            ),
            "cancel": (
                lambda: services.redemption_cancel(actor=user, redemption=redemption, reason=data["note"]),
                _("兑付申请已撤销。"),
            ),
            "complete": (
                lambda: services.redemption_complete(actor=user, redemption=redemption, memo=data["memo"]),
                _("已结算，款项计入服务机构已结算金额。"),
            ),
            "release": (
                lambda: services.redemption_release_confirmed(
                    actor=user, redemption=redemption, reason=data["reason"]
                ),
                _("已释放，预留金额已退回。"),
            ),
        }
        run, done = steps[action]
        try:
            run()
        except (ApplicationError, ValidationError) as exc:
            _show_error(form, exc)
        else:
            messages.success(request, done)
            return redirect(redemption.get_absolute_url())
    return _redemption_page(
        request, selectors.redemption_for(redemption.pk), bound=(action, form), status=400
    )


# ---------------------------------------------------------------- 服务机构登记 (provider → city)


@login_required
def provider_application_new(request: HttpRequest, programme_pk: int) -> HttpResponse:
    """申请登记为某计划的服务机构."""
    programme = _programme_or_404(programme_pk)
    organisations = [o for o in _organisations(request.user) if o.kind != Organisation.Kind.GOVERNMENT]
    form = forms.ProviderApplicationForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and organisations and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.provider_application_submit(
                actor=request.user,
                programme=programme,
                provider=data["provider"],
                service_kinds=data["service_kinds"],
                services=data["services"],
                qualifications=data["qualifications"],
            )
        except (ApplicationError, ValidationError) as exc:
            _show_error(form, exc)
        else:
            messages.success(
                request,
                _("登记申请已提交给%(city)s城市管理员审核。") % {"city": programme.city.short_name},
            )
            return redirect(application.get_absolute_url())
    return render(
        request,
        "vouchers/workspace/provider_application_form.html",
        {
            "programme": programme,
            "accepted_cities": list(programme.accepted_cities.all()),
            "form": form,
            "organisations": organisations,
        },
        status=400 if request.method == "POST" else 200,
    )


def _provider_application_or_404(request: HttpRequest, pk: int) -> ProviderApplication:
    try:
        application = selectors.provider_application_for(pk)
    except ProviderApplication.DoesNotExist:
        raise Http404 from None
    if not access.can_view_provider_application(request.user, application):
        raise Http404
    return application


PROVIDER_ACTIONS: dict[str, type[Form]] = {
    "accept": forms.NoteForm,
    "decline": forms.ProviderDeclineForm,
    "withdraw": forms.NoteForm,
}


def _provider_page(
    request: HttpRequest,
    application: ProviderApplication,
    *,
    bound: tuple[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    allowed: list[str] = []
    if application.status == ProviderApplication.Status.SUBMITTED:
        if access.programme_admin(user, application.programme.city_id):
            allowed += ["accept", "decline"]
        if roles.is_member_of(user, application.provider_id):
            allowed.append("withdraw")
    action_forms = {
        name: bound[1] if bound and bound[0] == name else PROVIDER_ACTIONS[name](auto_id=f"id_{name}_%s")
        for name in allowed
    }
    _orphan_errors(request, bound, action_forms)
    return render(
        request,
        "vouchers/workspace/provider_application_detail.html",
        {
            "application": application,
            "programme": application.programme,
            "cross_city": application.provider.city_id != application.programme.city_id,
            "is_admin": access.programme_admin(user, application.programme.city_id),
            "is_provider": roles.is_member_of(user, application.provider_id),
            "action_forms": action_forms,
            "open_action": bound[0] if bound else "",
            "history": status_events_for(application),
            "waiting_days": _waiting_days(application),
        },
        status=status,
    )


@login_required
@require_GET
def provider_application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _provider_page(request, _provider_application_or_404(request, pk))


@login_required
@require_POST
def provider_application_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    application = _provider_application_or_404(request, pk)
    if action not in PROVIDER_ACTIONS:
        raise Http404
    form = PROVIDER_ACTIONS[action](request.POST, auto_id=f"id_{action}_%s")
    if form.is_valid():
        data = form.cleaned_data
        user = request.user
        try:
            if action == "accept":
                services.provider_application_accept(actor=user, application=application, note=data["note"])
                done = _("已登记，服务机构现在可以受理本计划的创新券。")
            elif action == "decline":
                services.provider_application_decline(
                    actor=user, application=application, reason=data["reason"], note=data["note"]
                )
                done = _("已答复不予登记，申请机构会看到原因。")
            else:
                services.provider_application_withdraw(actor=user, application=application, note=data["note"])
                done = _("登记申请已撤回。")
        except (ApplicationError, ValidationError) as exc:
            _show_error(form, exc)
        else:
            messages.success(request, done)
            return redirect(application.get_absolute_url())
    return _provider_page(
        request, selectors.provider_application_for(application.pk), bound=(action, form), status=400
    )


# ---------------------------------------------------------------- 城市管理员：受理与结算


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    """The programme cities' queue: 申领待审核, 登记待审核, 兑付待结算, and what was handled lately."""
    user = request.user
    if not access.administers_any_city(user):
        raise Http404
    city_id = roles.administered_city_id(user)
    programmes = list(
        selectors.programmes_public()
        if city_id is None
        else selectors.programmes_public().filter(city_id=city_id)
    )
    figures = selectors.programme_figures_many(programmes)
    to_settle = list(selectors.redemptions_to_settle(user=user))
    return render(
        request,
        "vouchers/workspace/review.html",
        {
            "applications": [
                {"record": a, "waiting_days": _waiting_days(a)}
                for a in selectors.voucher_applications_to_review(user)
            ],
            "provider_applications": [
                {"record": a, "waiting_days": _waiting_days(a)}
                for a in selectors.provider_applications_to_review(user)
            ],
            "to_settle": to_settle,
            "to_settle_total": sum(r.amount_fen for r in to_settle),
            "recent_applications": list(
                selectors.voucher_applications_administered(user).exclude(status="submitted")[:20]
            ),
            "recent_redemptions": list(
                selectors.redemptions_administered(user).exclude(status="confirmed")[:20]
            ),
            "programmes": [{"programme": p, "figures": figures[p.pk]} for p in programmes],
            "response_days": settings.INNOMARKET_REPLIES["RESPONSE_DAYS"],
        },
    )
