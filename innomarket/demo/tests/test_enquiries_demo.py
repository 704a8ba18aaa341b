"""The demo gives demo-university an intent to answer and demo-member an answered question."""

import pytest

from innomarket.accounts.models import User
from innomarket.demo.enquiries import CONSULT_SUBJECT, INTENT_SUBJECT
from innomarket.demo.loader import DemoLoader
from innomarket.enquiries.models import Enquiry
from innomarket.notifications.selectors import awaiting_my_reply


@pytest.mark.django_db
def test_demo_accounts_each_have_a_side_of_a_conversation():
    DemoLoader(achievements=24).run()

    member = User.objects.get(username="demo-member")
    intent = Enquiry.objects.get(author=member, subject=INTENT_SUBJECT)
    consult = Enquiry.objects.get(author=member, subject=CONSULT_SUBJECT)
    assert (intent.kind, intent.status) == ("intent", "submitted")
    assert consult.status == "answered" and consult.messages.filter(from_owner=True).exists()
    university_user = User.objects.get(username="demo-university")
    assert "enquiry" in {item.key for item in awaiting_my_reply(university_user)}

    again = DemoLoader(achievements=24).run()
    assert again.created["enquiries.Enquiry"] == 0
    assert Enquiry.objects.count() == 2
