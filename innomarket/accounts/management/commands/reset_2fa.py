"""重置两步验证 from the server's command line: for an administrator who lost their phone and recovery
codes when no other alliance administrator can do it in the back office."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from innomarket.accounts.services import second_factor_reset


class Command(BaseCommand):
    help = "Remove a person's second-factor devices (authenticator and recovery codes); they set up a new one at their next sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        removed = second_factor_reset(user=user)
        self.stdout.write(f"Second factor of {username} reset ({removed} authenticator(s) removed).")
