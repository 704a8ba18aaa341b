"""在线咨询 pages: ask about a record, the inbox of received and sent enquiries, one conversation.

Thin: find the object, check that the user may see it (404 otherwise), call one service, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innomarket.catalog import LISTING_TYPES
from innomarket.common.exceptions import ApplicationError
from innomarket.common.forms import add_service_error
from innomarket.notifications import replies
from innomarket.organisations.models import Organisation

from . import selectors, services
from .forms import DeclineForm, EnquiryForm, IntentForm, MessageForm
from .models import Enquiry


def _public_record(type_key: str, pk: int) -> Any:
    listing_type = LISTING_TYPES.get(type_key)
    if listing_type is None:
        raise Http404
    record = listing_type.model._default_manager.select_related("owner", "city").filter(pk=pk).first()
    if record is None or not record.is_public:
        raise Http404
    return record


@login_required
def enquiry_new(request: HttpRequest, type_key: str, pk: int) -> HttpResponse:
    record = _public_record(type_key, pk)
    kind = Enquiry.Kind.INTENT if request.GET.get("kind") == "intent" else Enquiry.Kind.CONSULT
    if kind == Enquiry.Kind.INTENT and type_key != "achievement":
        raise Http404
    existing = selectors.open_enquiry(request.user, record, kind)
    if existing is not None:
        messages.info(request, _("您对这条信息已有进行中的咨询，请在原对话中继续。"))
        return redirect(existing.get_absolute_url())
    organisations = Organisation.objects.filter(members=request.user).order_by("name")
    form_class = IntentForm if kind == Enquiry.Kind.INTENT else EnquiryForm
    form = form_class(request.POST or None, organisations=organisations)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                enquiry = services.enquiry_submit(
                    actor=request.user,
                    record=record,
                    kind=kind,
                    subject=data["subject"],
                    message=data["message"],
                    author_organisation=data.get("author_organisation"),
                    purpose=data.get("purpose", ""),
                    budget_wan=data.get("budget_wan"),
                )
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("已发送。对方答复后会通知您（站内信和电子邮件）。"))
                return redirect(enquiry.get_absolute_url())
        status = 400
    return render(
        request,
        "enquiries/new.html",
        {
            "form": form,
            "record": record,
            "kind": kind,
            "type_key": type_key,
            "kind_label": Enquiry.Kind(kind).label,
            "rule": replies.rule("enquiry"),
        },
        status=status,
    )


@login_required
def enquiry_list(request: HttpRequest) -> HttpResponse:
    box = "sent" if request.GET.get("box") == "sent" else "received"
    qs = (
        selectors.enquiries_sent(request.user)
        if box == "sent"
        else selectors.enquiries_received(request.user)
    )
    return render(
        request,
        "enquiries/list.html",
        {
            "box": box,
            "enquiries": qs[:200],
            "waiting": selectors.enquiries_received(request.user).filter(status="submitted").count(),
        },
    )


def _enquiry_or_404(request: HttpRequest, pk: int) -> Enquiry:
    enquiry = selectors.enquiry_for(request.user, pk)
    if enquiry is None:
        raise Http404
    return enquiry


@login_required
def enquiry_detail(
    request: HttpRequest, pk: int, *, forms: dict[str, Form] | None = None, status: int = 200
) -> HttpResponse:
    enquiry = _enquiry_or_404(request, pk)
    is_author = enquiry.author_id == request.user.pk
    may_answer = selectors.can_answer(request.user, enquiry)
    forms = forms or {}
    return render(
        request,
        "enquiries/detail.html",
        {
            "enquiry": enquiry,
            "conversation": selectors.conversation(enquiry),
            "history": selectors.history(enquiry),
            "is_author": is_author,
            "may_answer": may_answer,
            "message_form": forms.get("message") or MessageForm(),
            "decline_form": forms.get("decline") or DeclineForm(),
            "record_url": _record_url(enquiry),
        },
        status=status,
    )


def _record_url(enquiry: Enquiry) -> str:
    record = enquiry.record
    return record.get_absolute_url() if record is not None and getattr(record, "is_public", False) else ""


@login_required
@require_POST
def enquiry_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    enquiry = _enquiry_or_404(request, pk)
    if action == "decline":
        form: Form = DeclineForm(request.POST)
        key = "decline"
    elif action == "close":
        form = Form(request.POST)
        key = "message"
    else:
        form = MessageForm(request.POST)
        key = "message"
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "reply":
                services.enquiry_reply(actor=request.user, enquiry=enquiry, message=data["message"])
            elif action == "accept":
                services.enquiry_accept(actor=request.user, enquiry=enquiry, message=data["message"])
            elif action == "follow-up":
                services.enquiry_follow_up(actor=request.user, enquiry=enquiry, message=data["message"])
            elif action == "decline":
                services.enquiry_decline(
                    actor=request.user, enquiry=enquiry, reason=data["reason"], note=data["note"]
                )
            elif action == "close":
                services.enquiry_close(actor=request.user, enquiry=enquiry)
            else:
                raise Http404
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已保存，对方会收到通知。"))
            return redirect(enquiry.get_absolute_url())
    return enquiry_detail(request, pk, forms={key: form}, status=400)
