"""Writes of API tokens: issue (the key returned once), revoke, and authenticate a presented key.

Every function checks the actor's right on the organisation or city the token acts for
(``accounts.roles``), so the workspace page, the back office and any future caller share one rule.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError, ErrorCode, PermissionDenied

from .models import CITY_SCOPES, ORGANISATION_SCOPES, ApiToken, Scope

KEY_PREFIX = "imk_"
NAME_MAX_LENGTH = 80


class TokenError:
    INVALID = "token_invalid"
    REVOKED = "token_revoked"
    EXPIRED = "token_expired"
    OWNER_INACTIVE = "token_owner_inactive"
    ALREADY_REVOKED = "token_already_revoked"


def hash_key(key: str) -> str:
    """The SHA-256 of a key, hex: what is stored and looked up. Keys carry 256 random bits, so a
    fast unsalted hash is enough (nothing to brute-force, unlike passwords)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _new_key() -> tuple[str, str]:
    """(prefix, key): ``imk_`` + 8 public characters + ``_`` + 43 secret ones."""
    public = secrets.token_hex(4)
    prefix = f"{KEY_PREFIX}{public}"
    return prefix, f"{prefix}_{secrets.token_urlsafe(32)}"


def allowed_scopes(*, organisation: Any = None, city: Any = None) -> tuple[str, ...]:
    return tuple(ORGANISATION_SCOPES if organisation is not None else CITY_SCOPES)


def _clean_scopes(scopes: Iterable[str], allowed: tuple[str, ...]) -> list[str]:
    chosen = list(dict.fromkeys(scopes))
    if not chosen:
        raise ApplicationError(_("请至少选择一项权限范围。"), ErrorCode.VALIDATION, {"field": "scopes"})
    wrong = [s for s in chosen if s not in allowed]
    if wrong:
        raise ApplicationError(
            _("此类令牌不能拥有以下权限：%(scopes)s。") % {"scopes": "、".join(wrong)},
            ErrorCode.VALIDATION,
            {"field": "scopes"},
        )
    # Stored in the catalogue's order, so two tokens with the same rights look the same.
    return [s for s in Scope.values if s in chosen]


@transaction.atomic
def api_token_issue(
    *,
    actor: Any,
    name: str,
    scopes: Iterable[str],
    organisation: Any = None,
    city: Any = None,
    expires_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token for ``organisation`` (any of its members may) or ``city`` (that city's
    administrators and the alliance's). Returns the token and its key; the key is never stored and
    cannot be shown again."""
    now = now or timezone.now()
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied(_("请先登录。"))
    if (organisation is None) == (city is None):
        raise ApplicationError(_("令牌须属于一个机构或一个城市。"), ErrorCode.VALIDATION)
    if organisation is not None and not roles.is_member_of(actor, organisation.pk):
        raise PermissionDenied(_("只有本机构成员可以为本机构创建接口令牌。"))
    if city is not None and not roles.can_administer_city(actor, city.pk):
        raise PermissionDenied(_("只有本市管理员可以为本市创建接口令牌。"))
    name = " ".join((name or "").split())
    if not name:
        raise ApplicationError(_("请填写令牌名称（用途）。"), ErrorCode.VALIDATION, {"field": "name"})
    if len(name) > NAME_MAX_LENGTH:
        raise ApplicationError(
            _("令牌名称最多 %(max)d 字。") % {"max": NAME_MAX_LENGTH}, ErrorCode.VALIDATION, {"field": "name"}
        )
    if expires_at is not None and expires_at <= now:
        raise ApplicationError(_("有效期须晚于现在。"), ErrorCode.VALIDATION, {"field": "expires_at"})
    clean = _clean_scopes(scopes, allowed_scopes(organisation=organisation, city=city))
    prefix, key = _new_key()
    token = ApiToken(
        name=name,
        prefix=prefix,
        key_hash=hash_key(key),
        organisation=organisation,
        city=city,
        scopes=clean,
        created_by=actor,
        expires_at=expires_at,
        created_at=now,
    )
    token.full_clean()
    token.save()
    return token, key


def can_manage(actor: Any, token: ApiToken) -> bool:
    """Who may revoke: the person who issued it; for an organisation's token, the organisation's
    administrators; for a city's token, that city's administrators (and the alliance's)."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if token.created_by_id == actor.pk:
        return True
    if token.organisation_id is not None:
        from innomarket.organisations.models import Membership

        return Membership.objects.filter(
            user=actor, organisation_id=token.organisation_id, role=Membership.Role.ADMIN
        ).exists()
    return roles.can_administer_city(actor, token.city_id)


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken, now: dt.datetime | None = None) -> ApiToken:
    """Revoke at once and for good: the next request with the key is refused."""
    if not can_manage(actor, token):
        raise PermissionDenied(_("您不能撤销这个令牌。"))
    current = ApiToken.objects.select_for_update().get(pk=token.pk)
    if current.revoked_at is not None:
        raise ApplicationError(_("这个令牌已经撤销。"), TokenError.ALREADY_REVOKED)
    current.revoked_at = now or timezone.now()
    current.revoked_by = actor
    current.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    return current


class TokenRejected(ApplicationError):
    """A presented key that does not authenticate (the API answers 401)."""


def _last_used_interval() -> dt.timedelta:
    return dt.timedelta(seconds=int(settings.INNOMARKET_API.get("LAST_USED_INTERVAL_SECONDS", 60)))


def api_token_authenticate(*, key: str, now: dt.datetime | None = None) -> ApiToken:
    """The active token whose key is ``key``, its person loaded; ``TokenRejected`` otherwise.

    ``last_used_at`` is written at most once a minute per token, so reading does not mean a write
    per request."""
    now = now or timezone.now()
    key = (key or "").strip()
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        raise TokenRejected(_("接口令牌无效。"), TokenError.INVALID)
    token = (
        ApiToken.objects.select_related("created_by", "organisation", "city")
        .filter(key_hash=hash_key(key))
        .first()
    )
    if token is None:
        raise TokenRejected(_("接口令牌无效。"), TokenError.INVALID)
    if token.revoked_at is not None:
        raise TokenRejected(_("接口令牌已撤销。"), TokenError.REVOKED)
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRejected(_("接口令牌已过期，请重新创建。"), TokenError.EXPIRED)
    if not token.created_by.is_active:
        raise TokenRejected(_("令牌所属的账号已停用。"), TokenError.OWNER_INACTIVE)
    if token.last_used_at is None or now - token.last_used_at >= _last_used_interval():
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
