"""The demo has upcoming events that take registrations (one nearly full), an application waiting for
demo-member's enterprise, a public 人才库 profile, and the seeds' talent stations; rerunning adds nothing."""

import pytest
from django.utils import timezone

from innomarket.accounts import roles
from innomarket.accounts.models import User
from innomarket.demo.loader import DemoLoader
from innomarket.events import services as event_services
from innomarket.events.models import Event, Registration
from innomarket.talent.models import TalentApplication, TalentProfile, TalentStation


@pytest.mark.django_db
def test_upcoming_events_applications_and_profiles(settings, tmp_path):
    settings.INNOMARKET_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    DemoLoader(achievements=6).run()

    upcoming = Event.objects.filter(
        takes_registrations=True, starts_at__gt=timezone.now(), status="published"
    )
    assert upcoming.count() >= 3
    assert all(e.is_sample and e.title.startswith("【示例】") for e in upcoming)
    assert all(e.is_registration_open() for e in upcoming)
    nearly_full = upcoming.get(capacity=5)
    assert event_services.seats_left(nearly_full) == 2
    assert Registration.objects.filter(event=nearly_full, status="confirmed").count() == 3
    assert roles.is_member_of(User.objects.get(username="demo-university"), nearly_full.owner_id)
    assert upcoming.filter(requires_review=True).exists() and upcoming.filter(capacity__isnull=True).exists()

    waiting = TalentApplication.objects.get()
    assert waiting.status == "submitted" and waiting.awaiting_since is not None
    assert roles.is_member_of(User.objects.get(username="demo-member"), waiting.post.owner_id)
    assert waiting.cv.read().startswith(b"%PDF")
    assert TalentProfile.objects.filter(visibility="public").count() == 1
    assert TalentStation.objects.filter(source="seed").count() >= 2

    again = DemoLoader(achievements=6).run()
    assert again.created["events.Registration"] == again.created["talent.TalentApplication"] == 0
    assert Registration.objects.count() == 3 and TalentApplication.objects.count() == 1
    assert Event.objects.filter(takes_registrations=True).count() == upcoming.count()
