"""创新积分 in the workspace, mounted at ``/workspace/o/<org_pk>/points/`` in the ``site`` namespace.

* an enterprise's members: its score, the explanation, what would raise it most, missing figures, and the
  consents it gives to banks, investors and guarantors (grant, revoke, history);
* the administrators of the enterprise's city (and the alliance's): the same page, read-only;
* a bank's, investor's or guarantor's members (on their own organisation's page): the enterprises that
  consent to it, with tier and score, and the history of those consents;
* anyone else: 404, so the page does not even tell whether the organisation has a score.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError
from innomarket.common.forms import add_service_error
from innomarket.organisations.models import Organisation

from . import selectors, services
from .models import INSTITUTION_KINDS, ScoreConsent


class ConsentForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=gettext_lazy("授权机构"),
        queryset=Organisation.objects.none(),
        empty_label=gettext_lazy("请选择已核验的金融机构、投资机构或担保机构"),
        help_text=gettext_lazy("获得授权的机构可以看到本企业的创新积分等级与总分，随时可以撤回。"),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = ScoreConsent.objects.filter(organisation=organisation, revoked_at__isnull=True).values_list(
            "institution_id", flat=True
        )
        field = self.fields["institution"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = selectors.consent_institutions(exclude_ids=active)
        field.label_from_instance = lambda o: f"{o.name}（{o.get_kind_display()} · {o.city}）"


def _organisation(org_pk: int) -> Organisation:
    return get_object_or_404(Organisation.objects.select_related("city"), pk=org_pk)


def _finance_scores_url(institution: Organisation) -> str:
    try:
        return f"{reverse('site:workspace-finance-scores')}?org={institution.pk}"
    except NoReverseMatch:
        return ""


@login_required
def points_home(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = _organisation(org_pk)
    user = request.user
    if organisation.kind in INSTITUTION_KINDS and roles.is_member_of(user, organisation.pk):
        return _institution_page(request, organisation)
    if organisation.kind != Organisation.Kind.ENTERPRISE or not selectors.can_view_score(user, organisation):
        raise Http404
    return _enterprise_page(request, organisation, ConsentForm(organisation=organisation))


def _enterprise_page(
    request: HttpRequest, organisation: Organisation, form: ConsentForm, status: int = 200
) -> HttpResponse:
    indicator_set = selectors.current_set()
    score = selectors.current_score(organisation=organisation)
    rows = score.explanation if score is not None else []
    is_member = roles.is_member_of(request.user, organisation.pk)
    context = {
        "organisation": organisation,
        "indicator_set": indicator_set,
        "definitions": selectors.definitions_of(indicator_set) if indicator_set is not None else [],
        "score": score,
        "rows": rows,
        "missing": [r for r in rows if r.get("missing")],
        "best_gain": score.best_gain if score is not None else {},
        "best_row": next((r for r in rows if r.get("best_gain")), None),
        "city_count": selectors.scores_for_city(city_id=score.city_id).count()
        if score and score.city_id
        else 0,
        "alliance_count": selectors.scores_for_city(city_id=None).count() if score else 0,
        "past_scores": selectors.past_scores(organisation=organisation),
        "is_member": is_member,
        "consents": selectors.consents_of(organisation=organisation),
        "events": selectors.consent_events(organisation=organisation)[:50],
        "form": form,
        "tiers": indicator_set.tier_cutoffs if indicator_set is not None else {},
    }
    return render(request, "points/enterprise.html", context, status=status)


def _institution_page(request: HttpRequest, institution: Organisation) -> HttpResponse:
    scores = selectors.consenting_scores(institution=institution)
    return render(
        request,
        "points/institution.html",
        {
            "organisation": institution,
            "scores": scores,
            "tier_counts": selectors.tier_counts(scores),
            "events": selectors.consent_events(institution=institution)[:100],
            "indicator_set": selectors.current_set(),
            "finance_url": _finance_scores_url(institution),
        },
    )


def _member_enterprise(request: HttpRequest, org_pk: int) -> Organisation:
    organisation = _organisation(org_pk)
    if organisation.kind != Organisation.Kind.ENTERPRISE or not roles.is_member_of(
        request.user, organisation.pk
    ):
        raise Http404
    return organisation


@login_required
@require_POST
def consent_grant(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = _member_enterprise(request, org_pk)
    form = ConsentForm(request.POST, organisation=organisation)
    if form.is_valid():
        institution = form.cleaned_data["institution"]
        try:
            services.consent_grant(actor=request.user, organisation=organisation, institution=institution)
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("已授权“%(name)s”查看本企业的创新积分。") % {"name": institution.name}
            )
            return redirect(
                f"{reverse('site:workspace-points', kwargs={'org_pk': organisation.pk})}#consents"
            )
    return _enterprise_page(request, organisation, form, status=400)


@login_required
@require_POST
def consent_revoke(request: HttpRequest, org_pk: int, pk: int) -> HttpResponse:
    organisation = _member_enterprise(request, org_pk)
    consent = get_object_or_404(
        ScoreConsent.objects.select_related("institution"), pk=pk, organisation=organisation
    )
    try:
        services.consent_revoke(actor=request.user, consent=consent)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("已撤回“%(name)s”查看创新积分的授权。") % {"name": consent.institution.name}
        )
    return redirect(f"{reverse('site:workspace-points', kwargs={'org_pk': organisation.pk})}#consents")
