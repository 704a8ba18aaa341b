"""里程碑验收 through its services: every transition, who may make it, reasons, evidence, the real dates,
the completion of the cooperation and the challenge, the notifications, and the data migration."""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from innomarket.challenges import milestones, services
from innomarket.common.choices import Phase
from innomarket.common.exceptions import ApplicationError, ErrorCode, PermissionDenied
from innomarket.common.tests.factories import alliance_admin, member_of
from innomarket.lists.models import (
    MILESTONE_WORKFLOW,
    CooperationMilestone,
    MilestoneEvidence,
    MilestoneStatus,
)
from innomarket.notifications.models import Notification
from innomarket.verification.models import StatusEvent

pytestmark = pytest.mark.django_db

PLAN = [("方案设计", dt.date(2027, 3, 31)), ("样机验证", dt.date(2027, 9, 30))]


def awarded(world, *, sign: bool = True):
    """A challenge awarded to 南京某大学 (bidder_a) with two milestones; contract signed unless told."""
    challenge = world.challenge()
    bid = world.bid(challenge, "a")
    services.bidding_close(actor=world.owner_user, challenge=challenge)
    services.bid_shortlist(actor=world.owner_user, bid=bid)
    cooperation = services.bid_award(actor=world.owner_user, bid=bid, milestones=PLAN)
    if sign:
        services.contract_sign(actor=world.owner_user, challenge=challenge)
    first, second = cooperation.milestones.all()
    return challenge, cooperation, first, second


def pdf(name: str = "测试报告.pdf", content: bytes = b"%PDF-1.4 report") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def events(milestone) -> list[tuple[str, str, str, object]]:
    return [
        (e.from_status, e.to_status, e.reason, e.actor)
        for e in StatusEvent.objects.filter(
            content_type__model="cooperationmilestone", object_id=milestone.pk
        ).order_by("id")
    ]


def notes_for(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def private_files() -> list[Path]:
    root = Path(settings.INNOMARKET_PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def at(moment: dt.datetime):
    """Run the services as if it were ``moment`` (Django's clock, not ours)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


# ---------------------------------------------------------------- the table


ALL = list(MilestoneStatus.values)


def test_the_table_allows_report_accept_and_return_only():
    allowed = {(a, b) for a in ALL for b in ALL if MILESTONE_WORKFLOW.allows(a, b)}
    assert allowed == {("pending", "reported"), ("reported", "accepted"), ("reported", "pending")}


def test_every_move_the_table_forbids_is_refused_by_the_services(world):
    _challenge, _cooperation, first, _second = awarded(world)
    # 待完成: neither accepted nor returned before a report.
    for call in (
        lambda: milestones.milestone_accept(actor=world.owner_user, milestone=first),
        lambda: milestones.milestone_return(actor=world.owner_user, milestone=first, reason="x"),
    ):
        with pytest.raises(ApplicationError) as err:
            call()
        assert err.value.code == ErrorCode.INVALID_TRANSITION
    # 已报告完成: not reported twice.
    milestones.milestone_report(actor=world.bidder_a, milestone=first, note="方案已完成")
    with pytest.raises(ApplicationError) as err:
        milestones.milestone_report(actor=world.bidder_a, milestone=first, note="再报一次")
    assert err.value.code == ErrorCode.INVALID_TRANSITION and "等待发榜方验收" in str(err.value)
    # 已验收 is final.
    milestones.milestone_accept(actor=world.owner_user, milestone=first)
    for call in (
        lambda: milestones.milestone_report(actor=world.bidder_a, milestone=first, note="x"),
        lambda: milestones.milestone_accept(actor=world.owner_user, milestone=first),
        lambda: milestones.milestone_return(actor=world.owner_user, milestone=first, reason="x"),
    ):
        with pytest.raises(ApplicationError) as err:
            call()
        assert err.value.code == ErrorCode.INVALID_TRANSITION and "已经验收" in str(err.value)
    first.refresh_from_db()
    assert first.status == "accepted"
    assert [(f, t) for f, t, _r, _a in events(first)] == [("pending", "reported"), ("reported", "accepted")]


def test_nothing_is_reported_before_the_contract_is_signed(world):
    _challenge, _cooperation, first, _second = awarded(world, sign=False)
    with pytest.raises(ApplicationError) as err:
        milestones.milestone_report(actor=world.bidder_a, milestone=first, note="方案已完成")
    assert err.value.code == ErrorCode.INVALID_TRANSITION and "签约" in str(err.value)
    first.refresh_from_db()
    assert first.status == "pending" and not events(first)


def test_nothing_moves_once_the_challenge_is_cancelled(world):
    challenge, _cooperation, first, _second = awarded(world)
    milestones.milestone_report(actor=world.bidder_a, milestone=first, note="方案已完成")
    services.challenge_cancel(actor=world.owner_user, challenge=challenge, reason="企业战略调整")
    with pytest.raises(ApplicationError) as err:
        milestones.milestone_accept(actor=world.owner_user, milestone=first)
    assert err.value.code == ErrorCode.INVALID_TRANSITION


# ---------------------------------------------------------------- 报告完成


def test_the_bidder_reports_with_a_note_and_evidence_and_the_owner_is_told(world):
    _challenge, _cooperation, first, _second = awarded(world)

    reported = milestones.milestone_report(
        actor=world.bidder_a,
        milestone=first,
        note="  完成方案设计，通过专家评审。  ",
        files=[pdf(), pdf("交付清单.xlsx", b"xlsx")],
    )

    assert reported.status == "reported"
    assert reported.note == "完成方案设计，通过专家评审。"
    assert reported.reported_by == world.bidder_a and reported.reported_at is not None
    assert events(first) == [("pending", "reported", "完成方案设计，通过专家评审。", world.bidder_a)]
    report_event = StatusEvent.objects.get(content_type__model="cooperationmilestone", object_id=first.pk)
    evidence = list(first.evidence.all())
    assert [e.name for e in evidence] == ["测试报告.pdf", "交付清单.xlsx"]
    assert {e.report_id for e in evidence} == {report_event.pk}
    assert all(e.uploaded_by == world.bidder_a for e in evidence)
    # Stored privately, under random names (the user's name stays in the database).
    stored = Path(evidence[0].file.path)
    assert str(stored).startswith(str(Path(settings.INNOMARKET_PRIVATE_MEDIA_ROOT)))
    assert stored.read_bytes() == b"%PDF-1.4 report" and "测试报告" not in stored.name
    told = notes_for(world.owner_user, "milestone_reported")
    assert len(told) == 1 and "方案设计" in told[0].title and "完成方案设计" in told[0].body
    assert told[0].url == milestones.milestone_url(first)
    assert not Notification.objects.filter(recipient=world.bidder_a, kind="milestone_reported").exists()


@pytest.mark.parametrize("note", ["", "   ", None])
def test_a_report_needs_a_note_and_stores_nothing_without_one(world, note):
    _challenge, _cooperation, first, _second = awarded(world)
    with pytest.raises(ApplicationError) as err:
        milestones.milestone_report(actor=world.bidder_a, milestone=first, note=note, files=[pdf()])
    assert err.value.code == ErrorCode.REASON_REQUIRED and err.value.extra["field"] == "note"
    first.refresh_from_db()
    assert first.status == "pending" and not events(first)
    assert not MilestoneEvidence.objects.exists() and private_files() == []


def test_a_file_of_a_forbidden_type_refuses_the_whole_report(world):
    _challenge, _cooperation, first, _second = awarded(world)
    with pytest.raises(ApplicationError) as err:
        milestones.milestone_report(
            actor=world.bidder_a,
            milestone=first,
            note="完成",
            files=[pdf(), SimpleUploadedFile("setup.exe", b"MZ")],
        )
    assert err.value.extra["field"] == "evidence" and "setup.exe" in str(err.value)
    first.refresh_from_db()
    assert first.status == "pending" and private_files() == []


def test_a_failure_after_the_files_were_stored_removes_them(world):
    _challenge, _cooperation, first, _second = awarded(world)
    with (
        mock.patch.object(milestones, "notify", side_effect=RuntimeError("mail server down")),
        pytest.raises(RuntimeError),
    ):
        milestones.milestone_report(actor=world.bidder_a, milestone=first, note="完成", files=[pdf()])
    first.refresh_from_db()
    assert first.status == "pending" and private_files() == []


def test_only_the_bidders_members_may_report(world):
    _challenge, _cooperation, first, _second = awarded(world)
    owner_colleague = member_of(world.owner, username="owner2")
    for outsider in (
        world.owner_user,
        owner_colleague,
        world.admin,  # the challenge's city: accepts, never reports
        world.other_admin,  # 南京, the bidder's own city
        world.bidder_b,
        world.tm_user,
        alliance_admin(),
    ):
        with pytest.raises(PermissionDenied):
            milestones.milestone_report(actor=outsider, milestone=first, note="完成")
    first.refresh_from_db()
    assert first.status == "pending" and not events(first)
    colleague = member_of(world.uni_a, username="bidder_a2")  # any member of the bidder
    assert milestones.milestone_report(actor=colleague, milestone=first, note="完成").status == "reported"


# ---------------------------------------------------------------- 验收 and 退回


def test_only_the_owner_side_may_accept_or_return(world):
    _challenge, _cooperation, first, second = awarded(world)
    for milestone in (first, second):
        milestones.milestone_report(actor=world.bidder_a, milestone=milestone, note="完成")
    for outsider in (world.bidder_a, world.bidder_b, world.other_admin, world.tm_user):
        with pytest.raises(PermissionDenied):
            milestones.milestone_accept(actor=outsider, milestone=first)
        with pytest.raises(PermissionDenied):
            milestones.milestone_return(actor=outsider, milestone=first, reason="不合格")
    first.refresh_from_db()
    assert first.status == "reported"
    # The challenge city's administrator acts for the owner, as everywhere on the console.
    assert milestones.milestone_accept(actor=world.admin, milestone=first).accepted_by == world.admin
    assert milestones.milestone_return(
        actor=world.owner_user, milestone=second, reason="缺检测报告"
    ).status == ("pending")


@pytest.mark.parametrize("reason", ["", "  ", None])
def test_a_return_needs_a_reason(world, reason):
    _challenge, _cooperation, first, _second = awarded(world)
    milestones.milestone_report(actor=world.bidder_a, milestone=first, note="完成")
    with pytest.raises(ApplicationError) as err:
        milestones.milestone_return(actor=world.owner_user, milestone=first, reason=reason)
    assert err.value.code == ErrorCode.REASON_REQUIRED and err.value.extra["field"] == "reason"
    first.refresh_from_db()
    assert first.status == "reported"
    assert not Notification.objects.filter(kind="milestone_returned").exists()


def test_returned_then_reported_again_then_accepted_keeps_every_step(world):
    _challenge, _cooperation, first, _second = awarded(world)
    milestones.milestone_report(actor=world.bidder_a, milestone=first, note="完成方案设计", files=[pdf()])

    returned = milestones.milestone_return(
        actor=world.owner_user, milestone=first, reason="缺少第三方检测报告，请补充。"
    )

    assert returned.status == "pending" and returned.return_reason == "缺少第三方检测报告，请补充。"
    told = notes_for(world.bidder_a, "milestone_returned")
    assert len(told) == 1 and "缺少第三方检测报告" in told[0].body
    assert not notes_for(world.owner_user, "milestone_returned")

    milestones.milestone_report(
        actor=world.bidder_a, milestone=first, note="已补充检测报告", files=[pdf("检测报告.pdf")]
    )
    accepted = milestones.milestone_accept(actor=world.owner_user, milestone=first, comment="资料齐全")

    assert accepted.status == "accepted" and accepted.return_reason == ""
    assert accepted.accepted_by == world.owner_user and accepted.accepted_at is not None
    assert events(first) == [
        ("pending", "reported", "完成方案设计", world.bidder_a),
        ("reported", "pending", "缺少第三方检测报告，请补充。", world.owner_user),
        ("pending", "reported", "已补充检测报告", world.bidder_a),
        ("reported", "accepted", "资料齐全", world.owner_user),
    ]
    assert len(notes_for(world.owner_user, "milestone_reported")) == 2
    assert len(notes_for(world.bidder_a, "milestone_accepted")) == 1
    # Each report keeps its own evidence.
    history = milestones.milestone_history(accepted)
    assert [h.kind for h in history] == ["reported", "returned", "reported", "accepted"]
    assert [[e.name for e in h.evidence] for h in history] == [["测试报告.pdf"], [], ["检测报告.pdf"], []]


# ---------------------------------------------------------------- dates and completion


def test_the_cooperation_runs_from_the_award_to_the_last_acceptance(world):
    challenge, cooperation, first, second = awarded(world)
    award_day = timezone.localdate()
    assert cooperation.started_on == award_day and cooperation.ended_on is None

    # Given both milestones accepted on days that are neither planned nor today
    tz = timezone.get_current_timezone()
    first_day = dt.datetime(2027, 3, 28, 10, 0, tzinfo=tz)  # three days early
    last_day = dt.datetime(2027, 10, 8, 16, 30, tzinfo=tz)  # eight days late
    milestones.milestone_report(actor=world.bidder_a, milestone=first, note="完成方案设计")
    with at(first_day):
        first = milestones.milestone_accept(actor=world.owner_user, milestone=first)
    cooperation.refresh_from_db()
    challenge.refresh_from_db()
    assert (cooperation.phase, cooperation.ended_on, challenge.status) == (Phase.PRESENT, None, "in_progress")
    assert not Notification.objects.filter(kind="cooperation_completed").exists()

    milestones.milestone_report(actor=world.bidder_a, milestone=second, note="样机通过验证")
    with at(last_day):
        second = milestones.milestone_accept(actor=world.owner_user, milestone=second)

    cooperation.refresh_from_db()
    challenge.refresh_from_db()
    assert cooperation.phase == Phase.PAST
    assert (cooperation.started_on, cooperation.ended_on) == (award_day, dt.date(2027, 10, 8))
    assert challenge.status == "completed"
    assert (first.accepted_on, first.days_late, first.days_early) == (dt.date(2027, 3, 28), -3, 3)
    assert (second.accepted_on, second.days_late, second.days_early) == (dt.date(2027, 10, 8), 8, None)
    completed = StatusEvent.objects.filter(content_type__model="challenge", object_id=challenge.pk).latest(
        "id"
    )
    assert (completed.to_status, completed.reason, completed.actor) == (
        "completed",
        milestones.REASON_ALL_ACCEPTED,
        world.owner_user,
    )
    for person in (world.owner_user, world.bidder_a):
        assert len(notes_for(person, "cooperation_completed")) == 1


def test_the_cooperation_is_not_completed_while_one_milestone_is_only_reported(world):
    challenge, cooperation, first, second = awarded(world)
    for milestone in (first, second):
        milestones.milestone_report(actor=world.bidder_a, milestone=milestone, note="完成")
    milestones.milestone_accept(actor=world.owner_user, milestone=second)  # out of order is fine
    cooperation.refresh_from_db()
    challenge.refresh_from_db()
    assert cooperation.phase == Phase.PRESENT and challenge.status == "in_progress"


# ---------------------------------------------------------------- existing data


def test_milestones_completed_before_acceptance_existed_count_as_accepted(world):
    _challenge, _cooperation, first, second = awarded(world)
    # The state right after 0003: the old completion time carried over, the status still the default.
    done_at = timezone.now() - dt.timedelta(days=30)
    CooperationMilestone.objects.filter(pk=first.pk).update(accepted_at=done_at, accepted_by=world.bidder_a)

    migration = importlib.import_module("innomarket.lists.migrations.0004_completed_milestones_are_accepted")
    migration.completed_are_accepted(apps, None)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.accepted_at, first.is_done) == ("accepted", done_at, True)
    assert (second.status, second.is_done) == ("pending", False)
    # …and the old completion column was renamed, not dropped, so its values survived.
    schema = importlib.import_module("innomarket.lists.migrations.0003_milestone_acceptance")
    renames = {
        (op.old_name, op.new_name)
        for op in schema.Migration.operations
        if op.__class__.__name__ == "RenameField"
    }
    assert {("completed_at", "accepted_at"), ("completed_by", "accepted_by")} <= renames
