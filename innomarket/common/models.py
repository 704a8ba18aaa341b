from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every table carries when a row was created and last changed."""

    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True
