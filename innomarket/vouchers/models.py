"""创新券 (通用通兑): fields only here; issuing, redemption and settlement are a later issue."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from innomarket.common.models import BaseModel


class VoucherProgram(BaseModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("筹备中")
        OPEN = "open", _("申领中")
        CLOSED = "closed", _("已结束")

    city = models.ForeignKey("regions.City", verbose_name=_("发券城市"), on_delete=models.PROTECT)
    name = models.CharField(_("名称"), max_length=120)
    issuer = models.CharField(_("发券机构"), max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    total_budget_wan = models.DecimalField(_("总额度（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_per_enterprise_wan = models.DecimalField(
        _("单家企业上限（万元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    eligible_services = models.TextField(_("可兑付服务"), blank=True)
    cross_city = models.BooleanField(_("跨城通用通兑"), default=True)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_to = models.DateField(_("有效期止"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        verbose_name = _("创新券计划")
        verbose_name_plural = _("创新券计划")
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return self.name


class Voucher(BaseModel):
    class Status(models.TextChoices):
        ISSUED = "issued", _("已发放")
        REDEEMED = "redeemed", _("已使用")
        SETTLED = "settled", _("已结算")
        EXPIRED = "expired", _("已过期")
        CANCELLED = "cancelled", _("已作废")

    program = models.ForeignKey(VoucherProgram, verbose_name=_("创新券计划"), on_delete=models.PROTECT)
    code = models.CharField(_("券号"), max_length=40, unique=True)
    enterprise = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("持券企业"), on_delete=models.PROTECT, related_name="vouchers"
    )
    amount_wan = models.DecimalField(_("面额（万元）"), max_digits=10, decimal_places=2)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ISSUED)
    issued_at = models.DateTimeField(_("发放时间"), null=True, blank=True)
    redeemed_with = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("服务机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="redeemed_vouchers",
    )
    redeemed_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("创新券")
        verbose_name_plural = _("创新券")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.code

    @property
    def city_id(self) -> int:
        return self.program.city_id
