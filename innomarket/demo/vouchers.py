"""Demo data of 科技创新券 (通用通兑): sample programmes in five member cities, funded through the ledger,
providers registered through their applications, vouchers issued through approved applications, and
one complete cross-city settlement.

The seeds name 创新券 通用通兑 as a goal of the alliance but give no programme, budget or provider, so
everything here is a sample: programme names end in （示例）, the testing body is a 【示例】 organisation,
and the other providers are the sample institutes that own the sample instruments.

The story, every step through the services (so the ledger, the events and the notifications are the
real ones):

- ``demo-nanjing`` (a member of the sample 南京 enterprise) applied to the 南京 programme; admin-nanjing
  approved 20 万元; ``demo-provider`` (a member of the sample 苏州 institute, registered in the 南京
  programme across cities) entered the voucher's code for a test; the 南京 enterprise confirmed;
  admin-nanjing settled it: 南京's budget paid a 苏州 provider.
- ``demo-member`` (the sample 普陀 enterprise) holds an open 普陀 voucher with one redemption by the 苏州
  institute awaiting its confirmation.
- ``demo-provider``'s application to the 常州 programme waits for admin-changzhou.

Idempotent: each step looks for what it would create first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from innomarket.accounts.models import User
from innomarket.organisations.models import Membership, Organisation
from innomarket.vouchers import services
from innomarket.vouchers.models import (
    ProgrammeProvider,
    ProviderApplication,
    Redemption,
    Voucher,
    VoucherApplication,
    VoucherProgram,
)

from . import samples as S

if TYPE_CHECKING:
    from .loader import DemoLoader

ELIGIBLE_SERVICES = "检验检测、大型科学仪器共享、研究开发与技术服务、技术转移与成果转化、知识产权服务（示例：以发券城市当年申报指南为准）"
TESTING_BODY = "苏州某检验检测服务中心"


@dataclass(frozen=True)
class ProgrammeSpec:
    city: str
    name: str  # after the year
    total_wan: int
    cap_wan: int
    funded_wan: int
    cross_city: bool = True
    accepted: tuple[str, ...] = field(default_factory=tuple)  # empty: every city


PROGRAMMES = (
    ProgrammeSpec("nanjing", "南京市科技创新券（示例）", 2000, 30, 1200),
    ProgrammeSpec(
        "suzhou",
        "苏州市科技创新券（示例）",
        3000,
        50,
        1500,
        accepted=("nanjing", "wuxi", "changzhou", "nantong"),
    ),
    ProgrammeSpec(
        "putuo", "上海市普陀区科技创新券（示例）", 500, 20, 300, accepted=("suzhou", "nanjing", "wuxi")
    ),
    ProgrammeSpec("wuxi", "无锡市科技创新券（示例）", 1500, 30, 800, cross_city=False),
    ProgrammeSpec("changzhou", "常州市科技创新券（示例）", 1000, 20, 500),
)

PROVIDER_SERVICES = {
    "institute": "材料成分分析（按检测项目收费）；扫描电镜、X射线衍射等大型仪器机时共享（按机时收费）（示例）",
    "testing": "电子电气产品安全与电磁兼容检测；环境可靠性试验（按检测项目收费）（示例）",
}


def _programme(loader: DemoLoader, spec: ProgrammeSpec) -> VoucherProgram:
    city = loader.cities[spec.city]
    year = loader.today.year
    programme = loader._upsert(
        VoucherProgram,
        {"name": f"{year}年度{spec.name}", "city": city},
        {
            "issuer": f"{city.short_name}科技主管部门（示例）",
            "year": year,
            "total_budget_wan": Decimal(spec.total_wan),
            "max_per_enterprise_wan": Decimal(spec.cap_wan),
            "eligible_services": ELIGIBLE_SERVICES,
            "cross_city": spec.cross_city,
            # Valid through the coming year: vouchers issued now can be used for a year.
            "valid_from": dt.date(year, 1, 1),
            "valid_to": dt.date(year + 1, 12, 31),
            "status": VoucherProgram.Status.OPEN,
        },
        m2m={"accepted_cities": [loader.cities[slug].pk for slug in spec.accepted]},
        update=False,
    )
    assert isinstance(programme, VoucherProgram)
    return programme


def _admin(slug: str) -> User:
    return User.objects.get(username=f"admin-{slug}")


def _member(loader: DemoLoader, username: str, name: str, organisation: Organisation, password: Any) -> User:
    user = loader._ensure_user(username, name, password)
    Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": Membership.Role.ADMIN}
    )
    user._member_org_ids = None  # memberships may just have been written
    return user


def _testing_body(loader: DemoLoader) -> Organisation:
    city = loader.cities["suzhou"]
    org = loader._upsert(
        Organisation,
        {"name": f"{S.SAMPLE_PREFIX}{TESTING_BODY}", "city": city},
        {
            "kind": Organisation.Kind.SERVICE_PROVIDER,
            "intro": "示例机构：用于演示创新券跨城兑付的检验检测服务机构，非真实单位。",
            **loader._sample_values(),
        },
        on_create=loader._published(),
        update=False,
    )
    assert isinstance(org, Organisation)
    return org


def _register(
    *,
    admin: User,
    applicant: User,
    programme: VoucherProgram,
    provider: Organisation,
    kinds: list[str],
    text: str,
    accept: bool = True,
) -> None:
    """The provider applies and (unless ``accept`` is off) the programme's city registers it."""
    if ProgrammeProvider.objects.filter(programme=programme, provider=provider).exists():
        return
    application = ProviderApplication.objects.filter(
        programme=programme, provider=provider, status=ProviderApplication.Status.SUBMITTED
    ).first()
    if application is None:
        application = services.provider_application_submit(
            actor=applicant,
            programme=programme,
            provider=provider,
            service_kinds=kinds,
            services=text,
            qualifications="具备检验检测机构资质认定（CMA）（示例）",
        )
    if accept:
        services.provider_application_accept(
            actor=admin, application=application, note="资质与服务范围符合要求（示例）"
        )


def _voucher(
    *,
    admin: User,
    applicant: User,
    programme: VoucherProgram,
    enterprise: Organisation,
    wan: str,
    purpose: str,
) -> Voucher:
    """The enterprise's voucher in ``programme``: applied for and approved (once)."""
    application = VoucherApplication.objects.filter(programme=programme, enterprise=enterprise).first()
    if application is None:
        application = services.voucher_application_submit(
            actor=applicant,
            programme=programme,
            enterprise=enterprise,
            amount_wan=Decimal(wan),
            service_kind="testing",
            purpose=purpose,
        )
    if application.status == VoucherApplication.Status.SUBMITTED:
        application = services.voucher_application_approve(
            actor=admin, application=application, note="符合申领条件（示例）"
        )
    assert application.voucher is not None
    return application.voucher


def load_vouchers(loader: DemoLoader, password: Any) -> None:
    """Programmes, funding, providers, vouchers and the 南京 → 苏州 settlement (needs the demo accounts)."""
    programmes = {spec.city: _programme(loader, spec) for spec in PROGRAMMES}
    for spec in PROGRAMMES:
        programme = programmes[spec.city]
        services.programme_fund(
            actor=_admin(spec.city),
            programme=programme,
            amount_fen=spec.funded_wan * services.FEN_PER_WAN,
            memo="年度财政资金拨入（示例）",
            idempotency_key=f"demo-voucher-fund-{programme.pk}",
        )

    # Providers: the sample institutes own the sample instruments; one sample testing body in 苏州.
    suzhou_institute = loader.sample_orgs[("suzhou", "institute")]
    provider_user = _member(loader, "demo-provider", "示例服务机构成员（演示）", suzhou_institute, password)
    testing_body = _testing_body(loader)
    testing_user = _member(loader, "demo-testing", "示例检测机构成员（演示）", testing_body, password)
    institute_text = PROVIDER_SERVICES["institute"]
    for slug in ("suzhou", "nanjing", "putuo"):  # 苏州 locally, 南京 and 普陀 across cities
        _register(
            admin=_admin(slug),
            applicant=provider_user,
            programme=programmes[slug],
            provider=suzhou_institute,
            kinds=["testing", "instrument"],
            text=institute_text,
        )
    for slug in ("suzhou", "nanjing"):
        _register(
            admin=_admin(slug),
            applicant=testing_user,
            programme=programmes[slug],
            provider=testing_body,
            kinds=["testing"],
            text=PROVIDER_SERVICES["testing"],
        )
    for slug in ("nanjing", "wuxi", "putuo"):  # each city's own institute in its own programme
        institute = loader.sample_orgs[(slug, "institute")]
        owner = _member(
            loader,
            f"demo-institute-{slug}",
            f"示例{loader.cities[slug].short_name}研究院成员（演示）",
            institute,
            password,
        )
        _register(
            admin=_admin(slug),
            applicant=owner,
            programme=programmes[slug],
            provider=institute,
            kinds=["instrument", "rnd"],
            text=institute_text,
        )
    # Left waiting for admin-changzhou: 苏州 institute asks to join 常州's programme.
    _register(
        admin=_admin("changzhou"),
        applicant=provider_user,
        programme=programmes["changzhou"],
        provider=suzhou_institute,
        kinds=["testing", "instrument"],
        text=institute_text,
        accept=False,
    )

    # The 南京 story: 20 万 voucher, 3.68 万 test at the 苏州 institute, confirmed and settled.
    nanjing_firm = loader.sample_orgs[("nanjing", "enterprise_a")]
    nanjing_user = _member(loader, "demo-nanjing", "示例南京企业成员（演示）", nanjing_firm, password)
    nanjing_voucher = _voucher(
        admin=_admin("nanjing"),
        applicant=nanjing_user,
        programme=programmes["nanjing"],
        enterprise=nanjing_firm,
        wan="20",
        purpose="新产品研发所需的材料成分分析与扫描电镜表征，拟委托苏州的检测服务机构（示例）",
    )
    if not Redemption.objects.filter(voucher=nanjing_voucher, provider=suzhou_institute).exists():
        redemption = services.redemption_request(
            actor=provider_user,
            provider=suzhou_institute,
            code=nanjing_voucher.code,
            service="材料成分分析 12 项、扫描电镜测试 8 机时（示例）",
            amount_fen=3_680_000,  # 36,800.00 元
        )
        redemption = services.redemption_confirm(actor=nanjing_user, redemption=redemption)
        services.redemption_complete(actor=_admin("nanjing"), redemption=redemption, memo="示例结算凭证")

    # 苏州 and 无锡 enterprises hold vouchers too (issued on application, through demo members).
    for slug, wan in (("suzhou", "30"), ("wuxi", "15")):
        firm = loader.sample_orgs[(slug, "enterprise_a")]
        member = _member(
            loader,
            f"demo-enterprise-{slug}",
            f"示例{loader.cities[slug].short_name}企业成员（演示）",
            firm,
            password,
        )
        _voucher(
            admin=_admin(slug),
            applicant=member,
            programme=programmes[slug],
            enterprise=firm,
            wan=wan,
            purpose="委托检验检测与仪器共享服务（示例）",
        )

    # demo-member: an open 普陀 voucher and one redemption awaiting its confirmation.
    member = User.objects.filter(username="demo-member").first()
    if member is None:
        return
    member._member_org_ids = None
    putuo_firm = loader.sample_orgs[("putuo", "enterprise_a")]
    putuo_voucher = _voucher(
        admin=_admin("putuo"),
        applicant=member,
        programme=programmes["putuo"],
        enterprise=putuo_firm,
        wan="15",
        purpose="产品可靠性验证所需的检验检测服务（示例）",
    )
    if not Redemption.objects.filter(voucher=putuo_voucher).exists():
        services.redemption_request(
            actor=provider_user,
            provider=suzhou_institute,
            code=putuo_voucher.code,
            service="X射线衍射物相分析 6 项（示例）",
            amount_fen=1_250_000,  # 12,500.00 元
        )
