"""Fixtures of 人才交流: an organisation with a public talent post, an applicant, an expert."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from innomarket.common.tests.factories import OrganisationFactory, UserFactory, city, member_of
from innomarket.talent.models import Expert, TalentPost, TechManager

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "简历.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def talent(db, settings, tmp_path) -> SimpleNamespace:
    settings.INNOMARKET_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    org = OrganisationFactory(name="南京某智能装备有限公司", city=city("nanjing"))
    hr = member_of(org, username="hr", name="人事甲")
    other_org = OrganisationFactory(name="无锡某研究院", city=city("wuxi"))
    outsider = member_of(other_org, username="outsider", name="外单位乙")
    applicant = UserFactory(username="seeker", name="求职者丙")
    now = timezone.now()
    post = TalentPost.objects.create(
        title="机器视觉算法工程师",
        owner=org,
        city=org.city,
        status="published",
        published_at=now,
        kind=TalentPost.Kind.FULL_TIME,
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )
    expert_user = UserFactory(username="prof", name="专家丁")
    expert = Expert.objects.create(
        title="专家 NJ-01",
        owner=other_org,
        city=other_org.city,
        status="published",
        user=expert_user,
        summary="长期从事机器视觉研究，联系电话 13800138000。",
    )
    manager = TechManager.objects.create(
        title="技术经理人 WX-01", owner=other_org, city=other_org.city, status="published"
    )
    return SimpleNamespace(
        org=org,
        hr=hr,
        other_org=other_org,
        outsider=outsider,
        applicant=applicant,
        post=post,
        expert=expert,
        expert_user=expert_user,
        manager=manager,
    )
