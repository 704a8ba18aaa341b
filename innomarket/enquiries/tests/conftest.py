import pytest
from django.utils import timezone

from innomarket.achievements.models import Achievement
from innomarket.common.tests import factories as f
from innomarket.resources.models import Instrument


@pytest.fixture
def owner_org():
    return f.OrganisationFactory(name="示例高校仪器中心", kind="university")


@pytest.fixture
def owner(owner_org):
    return f.member_of(owner_org, username="owner")


@pytest.fixture
def asker_org():
    return f.OrganisationFactory(name="蓝鸟测试科技有限公司", city=f.city("suzhou"))


@pytest.fixture
def asker(asker_org):
    return f.member_of(asker_org, username="asker")


@pytest.fixture
def instrument(owner_org):
    return Instrument.objects.create(
        title="场发射扫描电子显微镜",
        owner=owner_org,
        city=owner_org.city,
        status="published",
        published_at=timezone.now(),
    )


@pytest.fixture
def achievement(owner_org):
    return Achievement.objects.create(
        title="高通量单细胞测序芯片",
        owner=owner_org,
        city=owner_org.city,
        status="published",
        published_at=timezone.now(),
    )
