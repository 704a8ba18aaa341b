from django.db import models
from django.utils.translation import gettext_lazy as _

from innomarket.common.models import BaseModel


class FieldTag(BaseModel):
    """One shared taxonomy of fields/industries (战略性新兴产业) used by every listing and the matching engine."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    slug = models.SlugField(_("网址标识"), max_length=40, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    synonyms = models.CharField(
        _("同义词"), max_length=300, blank=True, help_text=_("以顿号或逗号分隔，供检索与匹配使用")
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("领域/产业")
        verbose_name_plural = _("领域/产业")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name

    def synonym_list(self) -> list[str]:
        import re

        return [s for s in re.split(r"[、,，;；\s]+", self.synonyms) if s]
