"""Reference data: 创新积分 indicator set version 1, published.

Structure after 科技部办公厅《“创新积分制”工作指引（全国试行版）》(2024): three classes of indicators
(技术创新、成长经营、辅助) and its core indicators as we could name them without the guideline's text and
its table of weights at hand (not checked item by item). The scoring curves and the weights are this
platform's trial calibration (试行校准), stated as such in the set's description; alliance
administrators replace them by publishing a new version once checked against the guideline.

Points of each indicator run from 0 to 1 (share of full marks); the weights sum to 100, so the total is
out of 100.
"""

from decimal import Decimal

from django.db import migrations

DESCRIPTION = (
    "依据：科技部办公厅《“创新积分制”工作指引（全国试行版）》（2024 年）。本版沿用其指标结构——"
    "技术创新指标、成长经营指标、辅助指标三类，以及研发投入、研发人员、知识产权、技术合同成交额、"
    "营业收入增长、高新技术产品收入、股权融资、研发机构、科技奖励、企业资质等核心指标。\n"
    "本版的指标名称按指引的指标结构整理，尚未与指引正文及其所附指标权重表逐项核对；计分档位和权重"
    "是本平台的试行校准（非官方数值）。核对后由联盟管理员以新版本发布；已计算的积分不因新版本而改变。\n"
    "另设三项平台指标（揭榜挂帅项目、合作项目、共享资源使用），数据来自本平台的记录。\n"
    "每项指标得分为 0–1（满分的比例），乘以权重后相加，权重合计 100，总分满分 100。"
)

# key, name, class, unit, source, source_field, curve kind, steps, weight
INDICATORS = [
    # 技术创新指标 (47)
    (
        "rd-expense",
        "研发费用金额",
        "技术创新",
        "万元",
        "profile",
        "rd_expense_wan",
        "thresholds",
        [[1, 0.2], [100, 0.4], [300, 0.6], [1000, 0.8], [3000, 1]],
        "10",
    ),
    (
        "rd-intensity",
        "研发费用占营业收入比例",
        "技术创新",
        "%",
        "profile",
        "rd_intensity",
        "linear",
        [[0, 0], [3, 0.5], [6, 0.8], [10, 1]],
        "10",
    ),
    (
        "rd-staff",
        "研发人员数",
        "技术创新",
        "人",
        "profile",
        "rd_staff",
        "thresholds",
        [[1, 0.2], [10, 0.5], [30, 0.8], [100, 1]],
        "5",
    ),
    (
        "rd-staff-ratio",
        "研发人员占职工总数比例",
        "技术创新",
        "%",
        "profile",
        "rd_staff_ratio",
        "linear",
        [[0, 0], [10, 0.5], [20, 0.8], [30, 1]],
        "5",
    ),
    (
        "ip-total",
        "有效知识产权数",
        "技术创新",
        "件",
        "profile",
        "ip_total",
        "thresholds",
        [[1, 0.2], [5, 0.5], [20, 0.8], [50, 1]],
        "3",
    ),
    (
        "invention-patents",
        "发明专利数",
        "技术创新",
        "件",
        "profile",
        "invention_patents",
        "thresholds",
        [[1, 0.4], [3, 0.6], [10, 0.8], [20, 1]],
        "4",
    ),
    (
        "class1-ip",
        "Ⅰ类知识产权数",
        "技术创新",
        "件",
        "profile",
        "class1_ip",
        "thresholds",
        [[1, 0.4], [3, 0.6], [10, 0.8], [20, 1]],
        "5",
    ),
    (
        "tech-contract",
        "技术合同成交额",
        "技术创新",
        "万元",
        "profile",
        "tech_contract_wan",
        "thresholds",
        [[10, 0.2], [50, 0.5], [200, 0.8], [1000, 1]],
        "5",
    ),
    # 成长经营指标 (28)
    (
        "revenue-growth",
        "营业收入增长率",
        "成长经营",
        "%",
        "profile",
        "revenue_growth",
        "linear",
        [[-20, 0], [0, 0.3], [15, 0.7], [30, 1]],
        "10",
    ),
    (
        "high-tech-share",
        "高新技术产品（服务）收入占营业收入比例",
        "成长经营",
        "%",
        "profile",
        "high_tech_share",
        "linear",
        [[0, 0], [30, 0.5], [60, 1]],
        "8",
    ),
    (
        "equity-financing",
        "股权融资金额",
        "成长经营",
        "万元",
        "profile",
        "equity_financing_wan",
        "thresholds",
        [[100, 0.3], [500, 0.6], [2000, 0.8], [5000, 1]],
        "10",
    ),
    # 辅助指标 (25)
    (
        "rd-institutions",
        "省级以上研发机构",
        "辅助",
        "个",
        "profile",
        "rd_institutions",
        "thresholds",
        [[1, 0.7], [2, 1]],
        "4",
    ),
    (
        "science-awards",
        "省部级以上科技奖励",
        "辅助",
        "项",
        "profile",
        "science_awards",
        "thresholds",
        [[1, 0.7], [2, 1]],
        "4",
    ),
    (
        "qualifications",
        "企业资质（高新技术企业、专精特新、小巨人、瞪羚等）",
        "辅助",
        "项",
        "platform",
        "qualifications",
        "thresholds",
        [[1, 0.6], [2, 0.8], [3, 1]],
        "5",
    ),
    (
        "challenge-projects",
        "揭榜挂帅项目（定榜或中榜）",
        "辅助",
        "项",
        "platform",
        "challenge_projects",
        "thresholds",
        [[1, 0.6], [2, 0.8], [3, 1]],
        "5",
    ),
    (
        "cooperation-projects",
        "平台合作项目",
        "辅助",
        "项",
        "platform",
        "cooperation_projects",
        "thresholds",
        [[1, 0.5], [3, 1]],
        "4",
    ),
    (
        "bookings-completed",
        "共享仪器与空间使用（完成预约）",
        "辅助",
        "次",
        "platform",
        "bookings_completed",
        "thresholds",
        [[1, 0.5], [5, 1]],
        "3",
    ),
]


def seed(apps, schema_editor):
    IndicatorSet = apps.get_model("points", "IndicatorSet")
    IndicatorDefinition = apps.get_model("points", "IndicatorDefinition")
    if IndicatorSet.objects.filter(version=1).exists():
        return
    from django.utils import timezone

    indicator_set = IndicatorSet.objects.create(
        version=1,
        name="创新积分指标体系（试行）",
        description=DESCRIPTION,
        status="published",
        published_at=timezone.now(),
        tier_cutoffs={"A": 75, "B": 60, "C": 40, "D": 0},
        total_cap=Decimal(100),
    )
    for order, (key, name, klass, unit, source, field, kind, steps, weight) in enumerate(INDICATORS, start=1):
        IndicatorDefinition.objects.create(
            indicator_set=indicator_set,
            key=key,
            name=name,
            klass=klass,
            unit=unit,
            source=source,
            source_field=field,
            curve_kind=kind,
            steps=steps,
            weight=Decimal(weight),
            order=order * 10,
        )


def unseed(apps, schema_editor):
    IndicatorSet = apps.get_model("points", "IndicatorSet")
    IndicatorSet.objects.filter(version=1, scores__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("points", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
