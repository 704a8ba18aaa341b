"""Demo data of 人才交流 and 活动报名.

The seeds name events (论坛、沙龙、路演 …) but give none a future date, so the upcoming events that
take registrations on the platform are samples (marked 示例), dated relative to the day the demo is
loaded: a 南京 matchmaking meeting organised by demo-university's sample university with five seats,
three already taken by demo accounts (nearly full: demo-member takes the last seat, the next person
waits); a 普陀 roadshow whose registrations the sample bank reviews; and an online briefing without a
limit. The seeds' talent stations (长宁's 虹桥人才荟 and 虹桥国际人才港分中心) are loaded with the other
seed facts; the seeds name no talent station in a member city, so none is invented.

For 人才交流: demo-university's member has applied (with a small sample CV) to the sample post of
demo-member's enterprise, so demo-member finds an application waiting for an answer; demo-expert keeps a
public 人才库 profile.

Idempotent: events are looked up by title and city, registrations and applications by their people.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.utils import timezone

from innomarket.accounts.models import User
from innomarket.events import services as event_services
from innomarket.events.models import Event, Registration
from innomarket.talent import services as talent_services
from innomarket.talent.models import TalentApplication, TalentPost, TalentProfile
from innomarket.taxonomy.models import FieldTag

from . import samples as S

if TYPE_CHECKING:
    from .loader import DemoLoader

NEARLY_FULL_TITLE = "产学研协同创新对接会（南京）"
NEARLY_FULL_REGISTRANTS = ("demo-expert", "demo-techmanager", "demo-bank")

# A one-page PDF saying it is a sample; no person's data.
SAMPLE_CV = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 44>>stream\nBT /F1 18 Tf 72 760 Td (Sample CV - demo) Tj ET\nendstream endobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _at(loader: DemoLoader, days: int, hour: int) -> dt.datetime:
    day = loader.today + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


def load_events(loader: DemoLoader) -> None:
    """Upcoming sample events that take registrations (inside ``DemoLoader.run``'s transaction)."""
    nanjing = list(S.CITY_CODES)[1]
    specs: list[dict[str, Any]] = [
        {
            "city_slug": nanjing,
            "owner": loader.sample_orgs[(nanjing, "university")],
            "title": NEARLY_FULL_TITLE,
            "summary": "示例活动：高校科研团队与企业技术负责人面对面对接，现场发布技术需求与成果。",
            "kind": Event.Kind.MATCHMAKING,
            "starts_at": _at(loader, 14, 14),
            "ends_at": _at(loader, 14, 17),
            "venue": "示例高校学术交流中心（示例）",
            "capacity": 5,
            "registration_deadline": _at(loader, 12, 18),
            "fields": S.CITY_ENTERPRISE_FIELDS[nanjing],
        },
        {
            "city_slug": "putuo",
            "owner": loader.sample_orgs[("putuo", "bank")],
            "title": "科技金融路演日（普陀）",
            "summary": "示例活动：科技型企业向银行与投资机构路演，报名经主办方审核。",
            "kind": Event.Kind.ROADSHOW,
            "starts_at": _at(loader, 21, 9),
            "ends_at": _at(loader, 21, 12),
            "venue": "示例路演厅（示例）",
            "capacity": 40,
            "requires_review": True,
            "fields": [],
        },
        {
            "city_slug": "suzhou",
            "owner": loader.sample_orgs[("suzhou", "institute")],
            "title": "人才政策线上宣讲会（苏州）",
            "summary": "示例活动：人才落户、安居与项目申报政策线上解读，不限名额。",
            "kind": Event.Kind.TRAINING,
            "starts_at": _at(loader, 10, 15),
            "ends_at": _at(loader, 10, 16),
            "venue": "线上直播（示例）",
            "is_online": True,
            "capacity": None,
            "fields": [],
        },
    ]
    for spec in specs:
        spec = dict(spec)
        loader._sample_listing(
            Event,
            organiser=spec["owner"].name,
            takes_registrations=True,
            **spec,
        )
    loader.record_creation_events()


def load_demo_activity(loader: DemoLoader) -> None:
    """Registrations and an application by the demo accounts (after ``load_users``)."""
    users = {u.username: u for u in User.objects.filter(username__startswith="demo-")}
    event = Event.objects.filter(
        title=f"{S.SAMPLE_PREFIX}{NEARLY_FULL_TITLE}", city=loader.cities[list(S.CITY_CODES)[1]]
    ).first()
    if event is not None and event.is_registration_open():
        for username in NEARLY_FULL_REGISTRANTS:
            user = users.get(username)
            if user is None or Registration.objects.filter(event=event, user=user).exists():
                continue
            event_services.registration_submit(
                actor=user, event=event, name=user.display_name, affiliation="示例单位（演示）"
            )
            loader.created["events.Registration"] += 1

    applicant, member = users.get("demo-university"), users.get("demo-member")
    post = (
        TalentPost.objects.filter(owner=loader.sample_orgs[("putuo", "enterprise_a")], status="published")
        .order_by("id")
        .first()
    )
    if (
        applicant
        and member
        and post
        and not TalentApplication.objects.filter(post=post, applicant=applicant).exists()
    ):
        applicant._member_org_ids = None  # memberships were just written
        if talent_services.post_accepts_applications(post):
            talent_services.application_submit(
                actor=applicant,
                post=post,
                cover_note="示例求职说明：高校科研助理，熟悉实验设计与数据分析，希望参与企业研发项目（示例）。",
                cv=ContentFile(SAMPLE_CV, name="示例简历.pdf"),
            )
            loader.created["talent.TalentApplication"] += 1

    expert = users.get("demo-expert")
    field = FieldTag.objects.order_by("sort_order", "id").first()
    if expert and field and not TalentProfile.objects.filter(user=expert).exists():
        TalentProfile.objects.create(
            user=expert,
            display_name="示例人才（演示）",
            headline="示例档案：新材料方向研究员，可提供技术咨询",
            field=field,
            skills="材料表征、中试放大工艺、技术评审（示例）",
            city=loader.cities[list(S.CITY_CODES)[1]],
            availability=TalentProfile.Availability.CONSULTING,
            visibility=TalentProfile.Visibility.PUBLIC,
        )
        loader.created["talent.TalentProfile"] += 1
