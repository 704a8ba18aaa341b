"""报名名单 as a real Excel workbook (openpyxl), for the event's organisers only."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from innomarket.common.exceptions import PermissionDenied

from . import selectors
from .models import Event
from .services import can_organise


def _when(value: Any) -> Any:
    # Excel has no time zones: write the local wall-clock time the organisers read.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def registration_workbook(*, actor: Any, event: Event) -> bytes:
    """The event's 报名名单 (all registrations with their status), as .xlsx bytes."""
    if not can_organise(actor, event):
        raise PermissionDenied(_("只有主办机构的成员可以导出报名名单。"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("报名名单")
    headers = [
        (_("序号"), 6),
        (_("姓名"), 12),
        (_("单位"), 28),
        (_("职务"), 14),
        (_("手机号码"), 15),
        (_("电子邮箱"), 24),
        (_("状态"), 10),
        (_("候补顺序"), 9),
        (_("签到码"), 9),
        (_("报名时间"), 18),
        (_("签到时间"), 18),
        (_("备注"), 30),
    ]
    sheet.append([str(h) for h, _w in headers])
    for index, (_h, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
    waiting = 0
    for n, registration in enumerate(selectors.registrations_for_event(event), start=1):
        position = None
        if registration.status == "waitlisted":
            waiting += 1
            position = waiting
        sheet.append(
            [
                n,
                registration.name,
                registration.affiliation,
                registration.position,
                registration.phone,
                registration.user.email,
                str(registration.get_status_display()),
                position,
                registration.check_in_code,
                _when(registration.created_at),
                _when(registration.checked_in_at),
                registration.note,
            ]
        )
    for row in sheet.iter_rows(min_row=2, min_col=10, max_col=11):
        for cell in row:
            cell.number_format = "yyyy-mm-dd hh:mm"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
