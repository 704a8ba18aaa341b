"""What the matching engine indexes, stored so that the index is derived data.

``SearchDocument`` holds one public record as the engine sees it: only its public text (a
challenge's confidential parts never get here), its facets and boost attributes, and its passage
embeddings, computed once by a background task and reused by every process and every rebuild.
``IndexChange`` is an append-only log of which documents changed; each web process keeps its own
in-memory engine and applies the rows above the last one it saw (``index.LiveIndex``), so several
stateless processes converge on the same index without talking to each other.
"""

from __future__ import annotations

import numpy as np
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    type_key = models.CharField(_("信息类型"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("记录编号"))
    # The engine's type: the listing type, refined for organisations ("organisation:university")
    # so that recommendations can ask for universities and institutes only.
    engine_type = models.CharField(max_length=40)
    title = models.CharField(_("标题"), max_length=300)
    text = models.TextField(_("公开正文"), blank=True)
    city = models.CharField(_("城市"), max_length=40, blank=True)  # City.slug
    fields = models.JSONField(_("领域"), default=list)  # FieldTag slugs
    accepts_vouchers = models.BooleanField(default=False)
    completed_cooperations = models.PositiveIntegerField(default=0)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    content_hash = models.CharField(max_length=64)  # of everything the embedding depends on
    embedder = models.CharField(max_length=60, blank=True)
    embedding = models.BinaryField(null=True)  # float16, (passages × dim) row-major
    passages = models.PositiveSmallIntegerField(default=0)
    indexed_at = models.DateTimeField(_("索引时间"), auto_now=True)

    class Meta:
        verbose_name = _("检索文档")
        verbose_name_plural = _("检索文档")
        constraints = [
            models.UniqueConstraint(fields=["type_key", "object_id"], name="search_document_unique_record")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"

    @property
    def key(self) -> str:
        return document_key(self.type_key, self.object_id)

    def vectors(self, dim: int) -> np.ndarray | None:
        if not self.embedding or not self.passages:
            return None
        return (
            np.frombuffer(bytes(self.embedding), dtype=np.float16)
            .reshape(self.passages, dim)
            .astype(np.float32)
        )


class IndexChange(models.Model):
    """One change to the set of indexed documents; processes catch up by id."""

    class Action(models.TextChoices):
        UPSERT = "upsert", _("加入或更新")
        REMOVE = "remove", _("移除")
        RESET = "reset", _("全部重建")

    id = models.BigAutoField(primary_key=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    key = models.CharField(max_length=60, blank=True)  # "achievement:12"; empty for RESET
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("索引变更")
        verbose_name_plural = _("索引变更")

    def __str__(self) -> str:
        return f"{self.id} {self.action} {self.key}"


class Synonym(models.Model):
    """检索词典: a group of words the engine treats as one (synonyms, abbreviations, English names).

    Added to the maintained default list shipped with the engine
    (``engine/data/synonyms.txt``); alliance administrators edit these in the back office.
    """

    terms = models.CharField(
        _("同义词组"),
        max_length=300,
        help_text=_("用“|”分隔，首个为规范词，例如：人工智能 | AI | 人工智慧。英文缩写按整词匹配。"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("检索词典")
        verbose_name_plural = _("检索词典")
        ordering = ["terms", "id"]

    def __str__(self) -> str:
        return self.terms

    def members(self) -> list[str]:
        return [t.strip() for t in self.terms.split("|") if t.strip()]


class MatchOutcome(models.Model):
    """What happened to a recommendation: a supplier's answer to a challenge, which adjusts later
    recommendations for similar needs (``engine/feedback.py``). ``vector`` is the need's
    embedding when it was recorded (float16), so the memory needs no re-embedding."""

    class Kind(models.TextChoices):
        AWARDED = "awarded", _("中榜")
        SHORTLISTED = "shortlisted", _("入围")
        BID = "bid", _("揭榜")
        DECLINED_NOT_FIT = "declined_not_fit", _("婉拒：不对口")
        DECLINED_OTHER = "declined_other", _("婉拒：其他原因")
        BID_DECLINED_FIT = "bid_declined_fit", _("方案未获采纳：技术不符")

    challenge = models.ForeignKey(
        "challenges.Challenge",
        verbose_name=_("榜单"),
        on_delete=models.CASCADE,
        related_name="match_outcomes",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("机构"),
        on_delete=models.CASCADE,
        related_name="match_outcomes",
    )
    supplier = models.CharField(_("推荐对象"), max_length=60)  # "expert:12" or "organisation:7"
    kind = models.CharField(_("结果"), max_length=20, choices=Kind.choices)
    value = models.FloatField(_("反馈值"))
    embedder = models.CharField(max_length=60, blank=True)
    vector = models.BinaryField(null=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("匹配结果反馈")
        verbose_name_plural = _("匹配结果反馈")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "supplier", "kind"], name="match_outcome_once_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.challenge_id} {self.supplier} {self.kind}"

    def vector_array(self, dim: int) -> np.ndarray | None:
        if not self.vector:
            return None
        arr = np.frombuffer(bytes(self.vector), dtype=np.float16)
        return arr.astype(np.float32) if len(arr) == dim else None


def document_key(type_key: str, object_id: int) -> str:
    return f"{type_key}:{object_id}"


def parse_key(key: str) -> tuple[str, int]:
    type_key, _sep, pk = key.partition(":")
    return type_key, int(pk)
