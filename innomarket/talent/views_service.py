"""Public pages of 人才交流 as a service: apply to a post, the 人才库, contact an expert.

Thin: find the object, call one service, render. Permission checks live in the services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError
from innomarket.common.forms import add_service_error
from innomarket.regions.models import City
from innomarket.taxonomy.models import FieldTag

from . import selectors, services
from .forms import ApplicationForm, ContactRequestForm
from .models import (
    ContactRequest,
    ContactStatus,
    Expert,
    TalentApplication,
    TalentPost,
    TalentProfile,
    TechManager,
)

# ---------------------------------------------------------------- detail-page panels


def talentpost_panel(request: HttpRequest, post: TalentPost) -> dict[str, Any]:
    """我要应聘 on the post's page: who is looking decides what the panel offers."""
    user = request.user
    context: dict[str, Any] = {
        "accepts_applications": services.post_accepts_applications(post),
        "is_owner_member": roles.is_member_of(user, post.owner_id),
        "my_application": None,
    }
    if getattr(user, "is_authenticated", False):
        context["my_application"] = (
            TalentApplication.objects.filter(post=post, applicant=user).order_by("-created_at", "-id").first()
        )
    if context["is_owner_member"]:
        context["applications_count"] = post.applications.count()
    return context


def contact_panel(request: HttpRequest, target: Expert | TechManager) -> dict[str, Any]:
    """在线联系 on an expert's or technology manager's page."""
    user = request.user
    context: dict[str, Any] = {
        "can_be_contacted": services.can_be_contacted(target),
        "is_self": getattr(user, "is_authenticated", False) and target.user_id == user.pk,
        "my_contact": None,
    }
    if getattr(user, "is_authenticated", False):
        lookup = {"expert": target} if isinstance(target, Expert) else {"tech_manager": target}
        context["my_contact"] = (
            ContactRequest.objects.filter(requester=user, **lookup).order_by("-created_at", "-id").first()
        )
    return context


# ---------------------------------------------------------------- apply (投递简历)


@login_required
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(selectors.talentpost_queryset().select_related("owner", "city"), pk=pk)
    if not services.post_accepts_applications(post):
        messages.error(request, _("这条人才需求已停止接收申请。"))
        return redirect(post.get_absolute_url())
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                actor=request.user,
                post=post,
                cover_note=form.cleaned_data["cover_note"],
                cv=form.cleaned_data["cv"],
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("简历已投递。发布机构会查看并答复，结果会通知您。"))
            return redirect(application.get_absolute_url())
    return render(
        request, "talent/apply.html", {"post": post, "form": form}, status=400 if form.errors else 200
    )


# ---------------------------------------------------------------- 人才库


def talent_pool(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:50]
    city_id = _int(request.GET.get("city"))
    field_id = _int(request.GET.get("field"))
    profiles = selectors.talent_profiles_public(q=q, city_id=city_id, field_id=field_id)
    page = Paginator(profiles, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "talent/pool.html",
        {
            "page": page,
            "q": q,
            "city_id": city_id,
            "field_id": field_id,
            "cities": City.objects.filter(is_member=True).order_by("id"),
            "field_tags": FieldTag.objects.order_by("sort_order", "id"),
        },
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def talent_profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_object_or_404(TalentProfile.objects.select_related("city", "field"), pk=pk)
    is_own = getattr(request.user, "is_authenticated", False) and profile.user_id == request.user.pk
    if not profile.is_public and not is_own:
        raise Http404
    return render(request, "talent/profile_detail.html", {"profile": profile, "is_own": is_own})


# ---------------------------------------------------------------- contact (联系专家/技术经理人)


def _contact(request: HttpRequest, target: Expert | TechManager) -> HttpResponse:
    if not services.can_be_contacted(target):
        messages.error(request, _("暂未开通在线联系。"))
        return redirect(target.get_absolute_url())
    form = ContactRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_request_submit(
                actor=request.user,
                target=target,
                purpose=form.cleaned_data["purpose"],
                message=form.cleaned_data["message"],
                requester_contact=form.cleaned_data["requester_contact"],
                organisation=form.cleaned_data["organisation"],
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("联系请求已发送，对方答复后会通知您。"))
            return redirect(contact.get_absolute_url())
    pending = ContactRequest.objects.filter(
        requester=request.user,
        status=ContactStatus.SUBMITTED,
        **({"expert": target} if isinstance(target, Expert) else {"tech_manager": target}),
    ).first()
    return render(
        request,
        "talent/contact_form.html",
        {"target": target, "form": form, "pending": pending},
        status=400 if form.errors else 200,
    )


@login_required
def expert_contact(request: HttpRequest, pk: int) -> HttpResponse:
    return _contact(request, get_object_or_404(selectors.expert_queryset(), pk=pk))


@login_required
def techmanager_contact(request: HttpRequest, pk: int) -> HttpResponse:
    return _contact(request, get_object_or_404(selectors.techmanager_queryset(), pk=pk))
