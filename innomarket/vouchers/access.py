"""Who may see what in the 创新券 transactions. Predicates only; views call them to answer 404 to
anyone else (so another party's records are not disclosed), services check each action again."""

from __future__ import annotations

from typing import Any

from innomarket.accounts import roles

from .models import ProviderApplication, Redemption, Voucher, VoucherApplication


def programme_admin(user: Any, city_id: int) -> bool:
    return roles.can_administer_city(user, city_id)


def can_view_voucher_application(user: Any, application: VoucherApplication) -> bool:
    return roles.is_member_of(user, application.enterprise_id) or programme_admin(
        user, application.programme.city_id
    )


def can_view_provider_application(user: Any, application: ProviderApplication) -> bool:
    return roles.is_member_of(user, application.provider_id) or programme_admin(
        user, application.programme.city_id
    )


def can_view_voucher(user: Any, voucher: Voucher) -> bool:
    return roles.is_member_of(user, voucher.enterprise_id) or programme_admin(user, voucher.program.city_id)


def can_view_redemption(user: Any, redemption: Redemption) -> bool:
    return (
        roles.is_member_of(user, redemption.voucher.enterprise_id)
        or roles.is_member_of(user, redemption.provider_id)
        or programme_admin(user, redemption.voucher.program.city_id)
    )


def administers_any_city(user: Any) -> bool:
    return roles.is_alliance_admin(user) or roles.is_city_admin(user)
