"""What the audit log records: creates, updates, status changes, many-to-many changes and deletions."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from innomarket import audit
from innomarket.audit.models import AuditEntry
from innomarket.audit.selectors import history_for
from innomarket.audit.services import record_bulk_create, tracked_models
from innomarket.catalog import LISTING_TYPES
from innomarket.challenges.models import Bid, Challenge
from innomarket.common.tests import factories as f
from innomarket.lists.models import Cooperation, CooperationMilestone
from innomarket.organisations.models import Organisation
from innomarket.policies.models import Policy
from innomarket.regions.tests.helpers import make_listing
from innomarket.verification import services

pytestmark = pytest.mark.django_db


def policy_for(org, actor, **kwargs):
    values = {"title": "南京市科技创新券实施细则", "issuer": "南京市科学技术局", "support_type": "funding"}
    values.update(kwargs)
    return services.listing_create(actor=actor, record=Policy(owner=org, city=org.city, **values))


def workspace_post(**overrides):
    data = {
        "title": "高新技术企业培育奖励办法",
        "issuer": "南京市科学技术局",
        "support_type": "funding",
        "summary": "对首次认定的高新技术企业给予奖励。",
        "city": f.city("nanjing").pk,
        "fields": [f.field_tag("ai").pk],
    }
    data.update(overrides)
    return data


def test_every_verifiable_model_and_bids_and_milestones_are_tracked():
    tracked = tracked_models()
    for listing_type in LISTING_TYPES.values():
        assert listing_type.model in tracked, listing_type.key
    assert {Organisation, Bid, CooperationMilestone} <= set(tracked)
    assert tracked[Bid].city_path == "challenge__city"
    assert "fields" in tracked[Policy].m2m


# ------------------------------------------------------------------ through a request


def test_workspace_create_and_edit_record_actor_fields_and_tags(client, org, member):
    client.force_login(member)

    client.post(reverse("site:workspace-listing-new", args=[org.pk, "policy"]), workspace_post())
    policy = Policy.objects.get()
    [created] = history_for(policy)
    assert (created.action, created.actor, created.actor_display) == ("create", member, "张三")
    assert created.city == f.city("nanjing") and created.object_repr == "高新技术企业培育奖励办法"
    assert created.changes["title"] == [None, "高新技术企业培育奖励办法"]
    assert created.changes["city"] == [None, {"id": f.city("nanjing").pk, "repr": "南京市"}]
    assert created.changes["owner"][1]["repr"] == "南京甲科技有限公司"
    # The field tags set right after the save belong to the same entry.
    assert created.changes["fields"] == [[], [f.field_tag("ai").name]]
    assert created.request_id and created.ip == "127.0.0.1"

    client.post(
        reverse("site:workspace-listing-edit", args=["policy", policy.pk]),
        workspace_post(title="修订版", fields=[f.field_tag("ai").pk, f.field_tag("biomedicine").pk]),
    )

    latest = history_for(policy).first()
    assert (latest.action, latest.actor) == ("update", member)
    assert latest.changes == {
        "title": ["高新技术企业培育奖励办法", "修订版"],
        "fields": [
            [f.field_tag("ai").name],
            sorted([f.field_tag("ai").name, f.field_tag("biomedicine").name]),
        ],
    }
    assert history_for(policy).count() == 2


def test_editing_a_published_listing_records_the_edit_and_the_return_to_verification(client, org, member):
    record = services.listing_submit(actor=member, record=policy_for(org, member))
    record = services.listing_verify(actor=f.city_admin("nanjing"), record=record)
    client.force_login(member)

    client.post(
        reverse("site:workspace-listing-edit", args=["policy", record.pk]), workspace_post(title="修订版")
    )

    status, update = list(history_for(record)[:2])
    assert (update.action, update.actor, update.changes["title"]) == (
        "update",
        member,
        ["南京市科技创新券实施细则", "修订版"],
    )
    assert (status.action, status.actor) == ("status", member)
    assert status.changes["status"] == ["published", "submitted"]
    assert status.reason == "内容已修改，重新提交核验"


def test_status_change_in_the_back_office_records_admin_and_reason(client, org, member, nanjing_admin):
    record = services.listing_submit(actor=member, record=policy_for(org, member))
    client.force_login(nanjing_admin)

    client.post(
        reverse("admin:policies_policy_transition", args=[record.pk, "reject"]),
        {"reason": "请补充政策原文链接"},
    )

    entry = history_for(record).first()
    assert (entry.action, entry.actor, entry.reason) == ("status", nanjing_admin, "请补充政策原文链接")
    assert entry.changes["status"] == ["submitted", "rejected"]
    assert entry.changes["status_reason"] == ["", "请补充政策原文链接"]
    assert "请补充政策原文链接" in entry.changes_text


# ------------------------------------------------------------------ services and the context manager


def test_service_calls_without_context_take_the_transition_actor(org, member, nanjing_admin):
    record = services.listing_submit(actor=member, record=policy_for(org, member))
    services.listing_verify(actor=nanjing_admin, record=record)

    verify, submit, create = history_for(record)
    assert (create.action, create.actor, create.actor_label) == ("create", None, "系统")
    assert (submit.action, submit.actor, submit.changes["status"]) == (
        "status",
        member,
        ["draft", "submitted"],
    )
    assert (verify.actor, verify.changes["status"]) == (nanjing_admin, ["submitted", "published"])
    assert verify.changes["last_verified_at"][0] is None
    datetime.datetime.fromisoformat(verify.changes["last_verified_at"][1])


def test_context_manager_names_actor_and_reason_and_nests(org, nanjing_admin, alliance):
    with audit.actor(nanjing_admin, reason="批量导入"):
        policy = make_listing("policy", city="nanjing", title="导入的政策", owner=org)
        with audit.actor(alliance):
            policy.title = "联盟改过的标题"
            policy.save()
        policy.summary = "补充简介"
        policy.save()

    summary, title, created = history_for(policy)
    assert (created.actor, created.reason) == (nanjing_admin, "批量导入")
    assert (title.actor, title.reason, title.changes) == (
        alliance,
        "",
        {"title": ["导入的政策", "联盟改过的标题"]},
    )
    assert (summary.actor, summary.changes) == (nanjing_admin, {"summary": ["", "补充简介"]})


def test_no_entry_when_nothing_changed(org):
    cooperation = make_listing("cooperation", city="nanjing", owner=org, amount_wan=Decimal("12.5"))
    before = AuditEntry.objects.count()

    cooperation.save()
    cooperation.amount_wan = "12.50"  # as a form might set it: the same amount
    cooperation.save()
    fresh = Cooperation.objects.get(pk=cooperation.pk)
    fresh.save(update_fields=["updated_at"])
    fresh.fields.set([])

    assert AuditEntry.objects.count() == before


def test_values_are_json_safe(org):
    with audit.actor(None):
        cooperation = make_listing(
            "cooperation", city="nanjing", owner=org, started_on=datetime.date(2024, 3, 1)
        )
        cooperation.amount_wan = Decimal("88.80")
        cooperation.started_on = datetime.date(2024, 4, 2)
        cooperation.save()

    entry = history_for(cooperation).first()
    assert entry.changes["amount_wan"] == [None, "88.80"]
    assert entry.changes["started_on"] == ["2024-03-01", "2024-04-02"]
    assert entry.actor is None and entry.actor_display == ""


def test_one_query_reads_the_old_row_and_one_writes_the_entry(org, django_assert_num_queries):
    policy = make_listing("policy", city="nanjing", owner=org)
    policy.title = "改名"

    with django_assert_num_queries(3):  # the save, the old row, the entry
        policy.save()


def test_foreign_key_change_names_both_records(org):
    other = f.OrganisationFactory(name="南京乙研究院", city=f.city("nanjing"))
    policy = make_listing("policy", city="nanjing", owner=org)

    policy.owner = other
    policy.save()

    entry = history_for(policy).first()
    assert entry.changes["owner"] == [
        {"id": org.pk, "repr": "南京甲科技有限公司"},
        {"id": other.pk, "repr": "南京乙研究院"},
    ]


def test_many_to_many_add_remove_and_clear_are_recorded(org):
    cooperation = make_listing("cooperation", city="nanjing", owner=org)
    fresh = Cooperation.objects.get(pk=cooperation.pk)  # no earlier entry to join

    fresh.partner_cities.add(f.city("suzhou"), f.city("wuxi"))
    fresh = Cooperation.objects.get(pk=cooperation.pk)
    fresh.partner_cities.remove(f.city("wuxi"))
    fresh = Cooperation.objects.get(pk=cooperation.pk)
    fresh.partner_cities.clear()

    cleared, removed, added, _created = history_for(cooperation)
    suzhou, wuxi = f.city("suzhou").name, f.city("wuxi").name
    assert added.changes == {"partner_cities": [[], sorted([suzhou, wuxi])]}
    assert removed.changes == {"partner_cities": [sorted([suzhou, wuxi]), [suzhou]]}
    assert cleared.changes == {"partner_cities": [[suzhou], []]}
    assert added.action == "update"


def test_set_records_one_entry_from_before_to_after(org):
    cooperation = make_listing("cooperation", city="nanjing", owner=org)
    Cooperation.objects.get(pk=cooperation.pk).partners.add(org)
    other = f.OrganisationFactory(name="苏州丙公司", city=f.city("suzhou"))
    before = AuditEntry.objects.count()

    fresh = Cooperation.objects.get(pk=cooperation.pk)
    fresh.partners.set([other])

    assert AuditEntry.objects.count() == before + 1
    assert history_for(cooperation).first().changes == {"partners": [["南京甲科技有限公司"], ["苏州丙公司"]]}


def test_delete_is_recorded_with_last_values(org, nanjing_admin):
    policy = make_listing("policy", city="nanjing", owner=org, title="将被删除的政策")
    pk = policy.pk

    with audit.actor(nanjing_admin, reason="重复录入"):
        policy.delete()

    entry = AuditEntry.objects.get(object_id=pk, action="delete")
    assert (entry.actor, entry.reason, entry.object_repr) == (nanjing_admin, "重复录入", "将被删除的政策")
    assert entry.changes["title"] == ["将被删除的政策", None]
    assert entry.city == f.city("nanjing")


def test_bids_and_milestones_take_the_city_of_their_challenge_or_cooperation(org):
    challenge = Challenge.objects.create(title="高精度传感器攻关", city=f.city("suzhou"), owner=org)
    bid = Bid.objects.create(challenge=challenge, organisation=org, team="五人团队")
    cooperation = make_listing("cooperation", city="wuxi", owner=org)
    milestone = CooperationMilestone.objects.create(
        cooperation=Cooperation.objects.get(pk=cooperation.pk),
        title="样机交付",
        due_on=datetime.date(2025, 1, 1),
    )

    bid = Bid.objects.get(pk=bid.pk)
    bid.status = "submitted"
    bid.save()

    assert [e.action for e in history_for(bid)] == ["status", "create"]
    assert {e.city.slug for e in history_for(bid)} == {"suzhou"}
    assert history_for(milestone).get().city.slug == "wuxi"


def test_raw_saves_are_not_recorded(org):
    policy = make_listing("policy", city="nanjing", owner=org)
    before = AuditEntry.objects.count()

    from django.db.models.signals import post_save, pre_save

    pre_save.send(sender=Policy, instance=policy, raw=True, update_fields=None)
    post_save.send(sender=Policy, instance=policy, created=True, raw=True, update_fields=None)

    assert AuditEntry.objects.count() == before


def test_record_bulk_create_writes_entries_in_bulk(org, nanjing_admin, django_assert_max_num_queries):
    rows = [
        Policy(
            title=f"导入政策{i}",
            issuer="南京市科学技术局",
            support_type="funding",
            city_id=f.city("nanjing").pk,
            owner=org,
        )
        for i in range(5)
    ]
    Policy.objects.bulk_create(rows)
    assert not AuditEntry.objects.filter(action="create", object_repr__startswith="导入政策").exists()

    with django_assert_max_num_queries(3):  # the city names, the insert (owners are loaded)
        entries = audit.record_bulk_create(Policy, rows, nanjing_admin, reason="批量导入")

    assert len(entries) == 5
    entry = history_for(rows[0]).get()
    assert (entry.action, entry.actor, entry.reason) == ("create", nanjing_admin, "批量导入")
    assert entry.changes["city"] == [None, {"id": f.city("nanjing").pk, "repr": "南京市"}]
    assert entry.city_id == f.city("nanjing").pk
    with audit.actor(nanjing_admin, reason="导入"):
        [again] = record_bulk_create(Policy, rows[:1])
    assert (again.actor, again.reason) == (nanjing_admin, "导入")


def test_record_change_for_queryset_updates(org, alliance):
    other = f.OrganisationFactory(name="南京甲科技（合并后）", city=f.city("nanjing"))
    policy = make_listing("policy", city="nanjing", owner=org)
    Policy.objects.filter(pk=policy.pk).update(owner=other)

    with audit.actor(alliance, reason="合并重复机构"):
        entry = audit.record_change(policy, {"owner": (org.pk, other.pk), "fields": ([], ["人工智能"])})

    assert (entry.action, entry.actor, entry.reason) == ("update", alliance, "合并重复机构")
    assert entry.changes == {
        "owner": [
            {"id": org.pk, "repr": "南京甲科技有限公司"},
            {"id": other.pk, "repr": "南京甲科技（合并后）"},
        ],
        "fields": [[], ["人工智能"]],
    }
