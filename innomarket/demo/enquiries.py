"""Demo data of 在线咨询 / 洽谈意向, so both demo accounts see a conversation on each side at once.

demo-member (a sample enterprise) offers to license an achievement of demo-university's sample
university: it waits for demo-university's answer (工作台 → 待我答复). And demo-member's question about
a sample instrument of another city has already been answered (the conversation shows both sides).
Everything is sample content about sample records, written through the services so the inbox,
history and statistics are what a real user would produce. Idempotent: skipped when present.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from innomarket.accounts.models import User
from innomarket.achievements.models import Achievement
from innomarket.enquiries import services
from innomarket.enquiries.models import Enquiry
from innomarket.enquiries.selectors import answerers
from innomarket.organisations.models import Membership
from innomarket.resources.models import Instrument

if TYPE_CHECKING:
    from .loader import DemoLoader

INTENT_SUBJECT = "【示例】成果许可使用洽谈"
CONSULT_SUBJECT = "【示例】送样测试的排期与费用"


def load_enquiries(loader: DemoLoader) -> None:
    member = User.objects.filter(username="demo-member").first()
    university_user = User.objects.filter(username="demo-university").first()
    if member is None or university_user is None:
        return
    member._member_org_ids = None  # memberships were just written
    enterprise = Membership.objects.filter(user=member).select_related("organisation").first()
    university = Membership.objects.filter(user=university_user).values_list("organisation_id", flat=True).first()
    if enterprise is None or university is None:
        return
    if not Enquiry.objects.filter(author=member, subject=INTENT_SUBJECT).exists():
        achievement = (
            Achievement.objects.filter(owner_id=university, status="published").order_by("id").first()
        )
        if achievement is not None:
            services.enquiry_submit(
                actor=member,
                record=achievement,
                kind=Enquiry.Kind.INTENT,
                author_organisation=enterprise.organisation,
                purpose=Enquiry.Purpose.LICENSE,
                budget_wan=Decimal("200"),
                subject=INTENT_SUBJECT,
                message="示例：我司希望将该成果用于新一代产品的研发，意向以普通许可方式合作三年，可先做小试验证。",
            )
            loader.created["enquiries.Enquiry"] += 1
    if not Enquiry.objects.filter(author=member, subject=CONSULT_SUBJECT).exists():
        instrument = (
            Instrument.objects.filter(status="published", owner__isnull=False)
            .exclude(owner_id=enterprise.organisation_id)
            .exclude(city_id=enterprise.organisation.city_id)
            .order_by("id")
            .first()
        )
        if instrument is None:
            return
        enquiry = services.enquiry_submit(
            actor=member,
            record=instrument,
            subject=CONSULT_SUBJECT,
            message="示例：我们有 10 个陶瓷样品需要测试，请问最近可以排到哪一天？费用如何计算？可以用创新券吗？",
        )
        answerer = answerers(enquiry).first()
        if answerer is not None:
            services.enquiry_reply(
                actor=answerer,
                enquiry=enquiry,
                message="示例：下周二、周四均可送样；按机时收费，可使用创新券抵扣，请在仪器页面提交预约。",
            )
        loader.created["enquiries.Enquiry"] += 1
