"""发榜 in the workspace: the demand diagnosis gates submission, attachments go to private storage."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from innomarket.challenges.models import Challenge, ChallengeAttachment
from innomarket.common.tests.factories import field_tag

from .conftest import COMPLETE_CHALLENGE

pytestmark = pytest.mark.django_db


def post_data(world, **overrides):
    data = {
        **{k: str(v) for k, v in COMPLETE_CHALLENGE.items()},
        "deadline": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
        "city": world.owner.city_id,
        "fields": [field_tag("green-low-carbon").pk],
        "submit": "1",
    }
    data.update(overrides)
    return data


def new_url(world):
    return reverse("site:workspace-listing-new", kwargs={"org_pk": world.owner.pk, "type_key": "challenge"})


def test_submitting_without_acceptance_criteria_is_refused_by_the_diagnosis(client, world):
    client.force_login(world.owner_user)
    response = client.post(new_url(world), post_data(world, acceptance_criteria=""))
    assert response.status_code == 200
    form = response.context["form"]
    assert "验收标准" in " ".join(form.errors["acceptance_criteria"])
    html = response.content.decode()
    assert 'id="challenge-diagnosis"' in html and "缺少验收标准" in html
    assert not Challenge.objects.exists()  # nothing half-written

    response = client.post(
        new_url(world),
        {**{k: v for k, v in post_data(world, acceptance_criteria="").items() if k != "submit"}, "save": "1"},
    )
    assert response.status_code == 302  # a draft may be saved incomplete
    assert Challenge.objects.get().status == "draft"


def test_a_complete_challenge_is_submitted_with_its_attachments_in_private_storage(client, world, settings):
    client.force_login(world.owner_user)
    upload = SimpleUploadedFile("工况说明.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(new_url(world), {**post_data(world), "attachments": [upload]})
    assert response.status_code == 302
    challenge = Challenge.objects.get()
    assert challenge.status == "submitted"
    attachment = ChallengeAttachment.objects.get(challenge=challenge)
    assert attachment.name == "工况说明.pdf"
    stored = Path(attachment.file.path)
    assert stored.is_file() and str(stored).startswith(str(settings.INNOMARKET_PRIVATE_MEDIA_ROOT))
    assert "工况说明" not in stored.name  # stored under a random name
    assert not str(stored).startswith(str(settings.MEDIA_ROOT))


def test_a_forbidden_attachment_type_writes_nothing(client, world):
    client.force_login(world.owner_user)
    upload = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(new_url(world), {**post_data(world), "attachments": [upload]})
    assert response.status_code == 200
    assert "run.exe" in " ".join(response.context["form"].errors["attachments"])
    assert not Challenge.objects.exists()


def test_the_live_diagnosis_endpoint(client, world):
    path = reverse("site:workspace-challenge-diagnose")
    assert client.post(path, {}).status_code == 302  # sign in first
    client.force_login(world.owner_user)
    assert client.get(path).status_code == 405
    response = client.post(path, post_data(world, acceptance_criteria="", indicators="性能达到国际先进水平"))
    html = response.content.decode()
    assert "缺少验收标准" in html
    assert "“国际先进水平”等模糊表述" in html
    complete = client.post(path, post_data(world)).content.decode()
    assert "缺少验收标准" not in complete
