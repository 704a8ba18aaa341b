"""The index follows the database: publish → found, withdraw/archive → gone, never anything private.

These go through the real write paths (verification services), the real signal → on-commit →
task path (tasks run inline in tests), stored embeddings, the change log and the live index.
"""

import datetime

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from innomarket.common.tests.factories import OrganisationFactory, city, city_admin, field_tag, member_of
from innomarket.matching import services
from innomarket.matching.index import LiveIndex, embedder, live_index
from innomarket.matching.models import IndexChange, SearchDocument
from innomarket.matching.selectors import search_listings
from innomarket.site.tests.catalogue_checks import make_listing, unpublished_statuses
from innomarket.verification.services import listing_archive, listing_create, listing_verify

pytestmark = pytest.mark.django_db


def found(query: str, **kwargs) -> list[str]:
    return [f"{h.listing_type.key}:{h.obj.pk}" for h in search_listings(query=query, **kwargs).hits]


def publish_achievement(owner, title: str, summary: str = "", **fields):
    """Create, submit and verify an achievement the way members and city admins do."""
    from innomarket.achievements.models import Achievement

    member = member_of(owner)
    record = listing_create(
        actor=member,
        record=Achievement(owner=owner, city=owner.city, title=title, summary=summary, **fields),
        submit=True,
    )
    return listing_verify(actor=city_admin(owner.city.slug), record=record), member


def test_a_newly_published_listing_is_found_and_an_archived_one_is_not(django_capture_on_commit_callbacks):
    owner = OrganisationFactory(city=city("suzhou"))
    with django_capture_on_commit_callbacks(execute=True):
        record, member = publish_achievement(owner, "脉搏波无创血压连续监测装置", "基于脉搏波传导时间的血压估计")

    assert found("脉搏波") == [f"achievement:{record.pk}"]
    doc = SearchDocument.objects.get(type_key="achievement", object_id=record.pk)
    assert doc.embedder == embedder().name and doc.passages >= 2  # vectors stored with the record

    with django_capture_on_commit_callbacks(execute=True):
        listing_archive(actor=member, record=record)

    assert found("脉搏波") == []
    assert not SearchDocument.objects.filter(type_key="achievement", object_id=record.pk).exists()
    changes = IndexChange.objects.filter(key=f"achievement:{record.pk}").values_list("action", flat=True)
    assert list(changes) == ["upsert", "remove"]


def test_a_submitted_but_unverified_listing_is_never_indexed(django_capture_on_commit_callbacks):
    owner = OrganisationFactory(city=city("wuxi"))
    from innomarket.achievements.models import Achievement

    with django_capture_on_commit_callbacks(execute=True):
        listing_create(
            actor=member_of(owner),
            record=Achievement(owner=owner, city=owner.city, title="集成电路先进封装工艺"),
            submit=True,
        )

    assert found("集成电路") == []
    assert not SearchDocument.objects.filter(type_key="achievement").exists()


def test_one_task_per_transaction_covers_every_record_touched(django_capture_on_commit_callbacks):
    from django_tasks.signals import task_enqueued

    enqueued = []

    def remember(sender, task_result, **kwargs):
        enqueued.append(task_result.args)

    task_enqueued.connect(remember)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            a = make_listing("policy", city="nanjing", title="人工智能政策")
            b = make_listing("achievement", city="nanjing", title="人工智能成果")
            b.fields.add(field_tag("ai"))
    finally:
        task_enqueued.disconnect(remember)
    assert enqueued == [[[f"achievement:{b.pk}", f"policy:{a.pk}"]]]  # one task for the transaction
    assert sorted(found("人工智能")) == sorted([f"policy:{a.pk}", f"achievement:{b.pk}"])


def test_editing_a_public_listing_takes_it_out_until_verified_again(django_capture_on_commit_callbacks):
    from innomarket.verification.services import listing_update

    owner = OrganisationFactory(city=city("nanjing"))
    with django_capture_on_commit_callbacks(execute=True):
        record, member = publish_achievement(owner, "石墨烯导热膜制备技术")
    assert found("石墨烯") == [f"achievement:{record.pk}"]

    with django_capture_on_commit_callbacks(execute=True):
        record = listing_update(actor=member, record=record, changed={"title": "石墨烯散热膜量产工艺"})
    assert found("石墨烯") == []  # back in the verification queue

    with django_capture_on_commit_callbacks(execute=True):
        listing_verify(actor=city_admin("nanjing"), record=record)
    hits = search_listings(query="散热膜").hits
    assert [h.obj.pk for h in hits] == [record.pk]
    assert "<mark>散热膜</mark>" in hits[0].title_html


@pytest.mark.parametrize("status", unpublished_statuses("achievement") + ["archived", "expired"])
def test_records_that_are_not_public_never_appear(status):
    make_listing("achievement", city="nanjing", title=f"量子点显示材料{status}", status=status)
    make_listing("organisation", city="nanjing", title="量子点材料研究院", status=status)

    services.rebuild_index()

    assert found("量子点") == []


def test_confidential_challenge_text_is_never_indexed_or_shown():
    challenge = make_listing(
        "challenge",
        city="putuo",
        title="高精度减速器寿命提升",
        summary="面向工业机器人关节",
        problem_statement="核心配方为钛合金渗氮工艺参数",
        indicators="寿命两万小时",
        confidentiality="confidential",
    )

    services.rebuild_index()

    doc = SearchDocument.objects.get(type_key="challenge", object_id=challenge.pk)
    assert "渗氮" not in doc.text and "两万小时" not in doc.text
    assert found("渗氮") == [] and found("两万小时") == []
    hit = search_listings(query="减速器").hits[0]
    assert hit.obj == challenge and "渗氮" not in hit.snippet_html


def test_expired_records_are_not_found():
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    make_listing("challenge", city="nanjing", title="固态电池隔膜攻关", deadline=yesterday)
    open_one = make_listing(
        "challenge", city="nanjing", title="固态电池电解质攻关", deadline=yesterday + datetime.timedelta(days=30)
    )

    services.rebuild_index()

    assert found("固态电池") == [f"challenge:{open_one.pk}"]


def test_rebuild_reuses_stored_vectors_and_every_process_catches_up():
    make_listing("achievement", city="nanjing", title="钙钛矿太阳能电池效率提升")
    first = services.rebuild_index()
    second = services.rebuild_index()

    assert first.embedded_passages >= 0 and len(first.upserted) == 1
    assert second.embedded_passages == 0 and len(second.unchanged) == 1  # nothing re-embedded

    # Two "processes": each has its own live index over the same database.
    other = LiveIndex()
    with other.engine() as engine:
        assert len(engine) == 1
    new = make_listing("achievement", city="wuxi", title="钙钛矿叠层电池封装")
    services.index_records([f"achievement:{new.pk}"])  # what the background task does
    with other.engine() as engine, live_index.engine() as mine:
        assert f"achievement:{new.pk}" in engine and f"achievement:{new.pk}" in mine
    assert other.loads == 1  # applied from the change log, not reloaded


def test_background_rebuild_is_searchable_by_words_at_once_and_by_meaning_after_the_task(
    django_capture_on_commit_callbacks,
):
    record = make_listing("achievement", city="nanjing", title="脉搏波血压监测", summary="可穿戴设备")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.rebuild_index(background=True)
    assert report.deferred == 1
    doc = SearchDocument.objects.get()
    assert doc.passages == 0 and found("脉搏波") == [f"achievement:{record.pk}"]

    for callback in callbacks:  # the worker runs the embedding task
        callback()
    doc.refresh_from_db()
    assert doc.passages >= 2
    vectors = doc.vectors(embedder().dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-2)


def test_rebuild_index_command_reports_what_it_did():
    make_listing("policy", city="nanjing", title="人工智能政策")
    from io import StringIO

    out = StringIO()
    call_command("rebuild_index", stdout=out)
    assert "1 stored" in out.getvalue()
    assert IndexChange.objects.filter(action="reset").count() == 1


def test_stale_index_entries_are_dropped_by_the_public_selector():
    """If a record stops being public without the index hearing of it, it is still never shown."""
    record = make_listing("policy", city="nanjing", title="数字经济专项政策")
    services.rebuild_index()
    type(record).objects.filter(pk=record.pk).update(status="archived")  # bypasses signals

    assert found("数字经济") == []
