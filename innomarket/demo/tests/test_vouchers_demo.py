"""The demo's 创新券: programmes in at least three cities, funded; providers registered across cities;
the complete 南京 → 苏州 settlement; demo-member with an open voucher and a redemption to confirm."""

import pytest

from innomarket.accounts.models import User
from innomarket.demo.loader import DemoLoader
from innomarket.verification.selectors import status_events_for
from innomarket.vouchers import selectors
from innomarket.vouchers.models import (
    LedgerEntry,
    LedgerTransaction,
    ProviderApplication,
    Redemption,
    Voucher,
    VoucherProgram,
)


@pytest.mark.django_db
def test_voucher_demo_tells_the_cross_city_story_and_is_idempotent():
    DemoLoader(achievements=6).run()

    programmes = VoucherProgram.objects.select_related("city")
    assert len({p.city.slug for p in programmes}) >= 3
    assert all("示例" in p.name and p.status == "open" for p in programmes)
    for programme in programmes:
        figures = selectors.programme_figures(programme=programme)
        assert 0 < figures.funded <= selectors.wan_fen(programme.total_budget_wan)

    settled = Redemption.objects.select_related("voucher__program__city", "provider__city").get(
        status="settled"
    )
    assert settled.voucher.program.city.slug == "nanjing" and settled.provider.city.slug == "suzhou"
    assert settled.voucher.enterprise.city.slug == "nanjing"
    assert settled.closing is not None and settled.closing.kind == "settle"
    assert [e.to_status for e in reversed(status_events_for(settled))] == [
        "requested",
        "confirmed",
        "settled",
    ]

    member = User.objects.get(username="demo-member")
    member_vouchers = list(selectors.vouchers_of_user(member))
    assert member_vouchers and member_vouchers[0].balance > 0
    assert selectors.redemptions_to_confirm(user=member).count() == 1
    assert User.objects.filter(username="demo-provider").exists()
    assert ProviderApplication.objects.filter(status="submitted").count() == 1  # left for admin-changzhou
    assert LedgerEntry.objects.values_list("amount", flat=True)  # something was posted
    assert sum(LedgerEntry.objects.values_list("amount", flat=True)) == 0

    counts = (Voucher.objects.count(), LedgerTransaction.objects.count(), Redemption.objects.count())
    DemoLoader(achievements=6).run()
    assert (Voucher.objects.count(), LedgerTransaction.objects.count(), Redemption.objects.count()) == counts
