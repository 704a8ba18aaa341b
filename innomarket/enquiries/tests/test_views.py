"""在线咨询 pages: the button on every detail page, the form, the inbox, the conversation, 404s."""

from __future__ import annotations

import pytest
from django.urls import reverse

from innomarket.common.tests import factories as f
from innomarket.enquiries import services
from innomarket.enquiries.models import Enquiry

pytestmark = pytest.mark.django_db


def test_every_public_detail_page_offers_enquiry_and_achievements_also_intent(client, instrument, achievement):
    page = client.get(instrument.get_absolute_url()).content.decode()
    assert reverse("site:enquiry-new", args=["instrument", instrument.pk]) in page
    assert "提交洽谈意向" not in page
    page = client.get(achievement.get_absolute_url()).content.decode()
    assert reverse("site:enquiry-new", args=["achievement", achievement.pk]) + "?kind=intent" in page


def test_anonymous_visitors_are_sent_to_log_in(client, instrument):
    response = client.get(reverse("site:enquiry-new", args=["instrument", instrument.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_form_errors_are_shown_on_their_field_and_nothing_is_written(client, asker, instrument):
    client.force_login(asker)
    url = reverse("site:enquiry-new", args=["instrument", instrument.pk])

    response = client.post(url, {"subject": "", "message": "能否测样？"})

    assert response.status_code == 400
    assert response.context["form"].errors["subject"]
    assert not Enquiry.objects.exists()


def test_asking_redirects_to_the_conversation_and_a_second_ask_goes_back_to_it(client, asker, instrument):
    client.force_login(asker)
    url = reverse("site:enquiry-new", args=["instrument", instrument.pk])

    response = client.post(url, {"subject": "送样", "message": "能否测样？"})

    enquiry = Enquiry.objects.get()
    assert response.status_code == 302 and response["Location"] == enquiry.get_absolute_url()
    assert client.get(url)["Location"] == enquiry.get_absolute_url()


def test_owner_answers_and_declines_from_the_conversation_page(client, asker, owner, instrument):
    enquiry = services.enquiry_submit(actor=asker, record=instrument, subject="送样", message="能否测样？")
    client.force_login(owner)
    inbox = client.get(reverse("site:enquiry-list")).content.decode()
    assert "送样" in inbox and "1 条待答复" in inbox

    bad = client.post(reverse("site:enquiry-act", args=[enquiry.pk, "decline"]), {"reason": "other", "note": ""})
    assert bad.status_code == 400 and bad.context["decline_form"].errors["note"]
    response = client.post(reverse("site:enquiry-act", args=[enquiry.pk, "reply"]), {"message": "可以，周二送样"})

    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == "answered"
    client.force_login(asker)
    page = client.get(enquiry.get_absolute_url()).content.decode()
    assert "可以，周二送样" in page and "已答复" in page


def test_strangers_and_other_cities_get_404(client, asker, instrument):
    enquiry = services.enquiry_submit(actor=asker, record=instrument, subject="送样", message="能否测样？")
    for user in (f.UserFactory(), f.city_admin("wuxi")):
        client.force_login(user)
        assert client.get(enquiry.get_absolute_url()).status_code == 404
        assert client.post(reverse("site:enquiry-act", args=[enquiry.pk, "reply"]), {"message": "x"}).status_code == 404
    client.force_login(f.city_admin("nanjing"))
    assert client.get(enquiry.get_absolute_url()).status_code == 200


def test_user_text_is_escaped(client, asker, owner, instrument):
    enquiry = services.enquiry_submit(
        actor=asker, record=instrument, subject="<script>alert(1)</script>", message="<img src=x onerror=alert(1)>"
    )
    client.force_login(owner)
    page = client.get(enquiry.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_unpublished_records_and_unknown_types_are_404(client, asker, instrument):
    client.force_login(asker)
    assert client.get(reverse("site:enquiry-new", args=["nosuchtype", 1])).status_code == 404
    assert client.get(reverse("site:enquiry-new", args=["instrument", instrument.pk]) + "?kind=intent").status_code == 404
    instrument.status = "draft"
    instrument.save()
    assert client.get(reverse("site:enquiry-new", args=["instrument", instrument.pk])).status_code == 404


def test_workspace_home_lists_what_awaits_my_answer(client, asker, owner, instrument):
    client.force_login(owner)
    assert 'data-rule="enquiry"' not in client.get(reverse("site:workspace")).content.decode()
    services.enquiry_submit(actor=asker, record=instrument, subject="送样", message="能否测样？")

    page = client.get(reverse("site:workspace"))

    mine = {item.key: item for item in page.context["awaiting_mine"]}
    assert mine["enquiry"].count == 1 and not mine["enquiry"].overdue
    assert mine["enquiry"].url == reverse("site:enquiry-list")
    client.force_login(asker)  # the asker owes nothing
    assert "enquiry" not in {item.key for item in client.get(reverse("site:workspace")).context["awaiting_mine"]}
