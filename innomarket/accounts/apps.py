from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _refresh_admin_groups(sender, app_config=None, using="default", **kwargs):
    """After every migration, give the back-office groups the permissions of models added since
    they were made (a new model in a city administrator's app is otherwise invisible to them)."""
    from django.apps import apps

    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    if app_config is not with_models[-1]:
        return  # once per migrate run, after every app's permissions exist (post_migrate skips apps without models)
    from .services import admin_groups_refresh

    admin_groups_refresh(using=using)


class AccountsConfig(AppConfig):
    name = "innomarket.accounts"
    verbose_name = _("用户与角色")

    def ready(self) -> None:
        post_migrate.connect(_refresh_admin_groups, dispatch_uid="innomarket.accounts.refresh_admin_groups")
