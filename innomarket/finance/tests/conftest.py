"""A bank with a product, an enterprise that applies, and their people."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from innomarket.accounts.models import User
from innomarket.common.tests.factories import OrganisationFactory, city, city_admin, member_of
from innomarket.finance import services
from innomarket.finance.models import FinancialProduct, FinancingRequest, LoanApplication
from innomarket.organisations.models import Organisation
from innomarket.regions.tests.helpers import make_listing


@dataclass
class World:
    bank: Organisation
    banker: User
    enterprise: Organisation
    founder: User
    other_enterprise: Organisation
    outsider: User
    investor: Organisation
    investor_user: User
    admin: User  # the bank's (the product's) city
    other_admin: User
    product: FinancialProduct
    financing: FinancingRequest

    def apply(self, *, amount: str = "3500", files: Any = (), **kwargs: Any) -> LoanApplication:
        values = {"purpose": "研发投入与业务拓展", "term_months": 12, **kwargs}
        return services.loan_application_submit(
            actor=self.founder,
            product=self.product,
            applicant=self.enterprise,
            amount_wan=Decimal(amount),
            files=files,
            **values,
        )


def pdf(name: str = "财务报表.pdf", content: bytes = b"%PDF-1.4 test") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    settings.INNOMARKET_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    bank = OrganisationFactory(name="普陀某商业银行", kind=Organisation.Kind.BANK, city=city("putuo"))
    enterprise = OrganisationFactory(name="蓝鸟测试科技有限公司", city=city("putuo"))
    other = OrganisationFactory(name="无锡某材料公司", city=city("wuxi"))
    investor = OrganisationFactory(name="南京某创投", kind=Organisation.Kind.INVESTOR, city=city("nanjing"))
    product = make_listing(
        "product",
        city="putuo",
        title="科创企业授信",
        owner=bank,
        product_type="credit_line",
        amount_min_wan=Decimal("100"),
        amount_max_wan=Decimal("5000"),
        term_months=36,
    )
    financing = make_listing(
        "financing",
        city="putuo",
        title="A轮融资需求",
        owner=enterprise,
        round="a",
        amount_wan=Decimal("3000"),
    )
    return World(
        bank=bank,
        banker=member_of(bank, username="banker", email="banker@example.com"),
        enterprise=enterprise,
        founder=member_of(enterprise, username="founder", email="founder@example.com"),
        other_enterprise=other,
        outsider=member_of(other, username="outsider"),
        investor=investor,
        investor_user=member_of(investor, username="vc", email="vc@example.com"),
        admin=city_admin("putuo", username="ptadmin"),
        other_admin=city_admin("nanjing", username="njadmin"),
        product=product,
        financing=financing,
    )
