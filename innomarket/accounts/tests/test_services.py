import pytest

from innomarket.accounts.services import user_register
from innomarket.common.exceptions import ApplicationError
from innomarket.common.tests import factories as f

pytestmark = pytest.mark.django_db


def test_user_register_creates_an_ordinary_user():
    user = user_register(
        username="zhaoliu", name=" 赵六 ", email="ZhaoLiu@EXAMPLE.com", password="Secret-Pass-2025"
    )
    assert user.pk and user.name == "赵六"
    assert user.email == "ZhaoLiu@example.com"  # the domain part is normalised
    assert user.check_password("Secret-Pass-2025")
    assert not (user.is_staff or user.is_superuser or user.is_alliance_admin or user.administered_city_id)


def test_user_register_refuses_a_taken_email_on_the_email_field():
    f.UserFactory(email="taken@example.com")
    with pytest.raises(ApplicationError) as exc:
        user_register(username="someone", name="某人", email="TAKEN@example.com", password="Secret-Pass-2025")
    assert exc.value.extra == {"field": "email"}


@pytest.mark.django_db
def test_after_a_migration_administrators_get_the_permissions_of_models_added_since():
    from django.contrib.auth.models import Group, Permission
    from django.core.management import call_command

    from innomarket.accounts.services import CITY_ADMIN_GROUP
    from innomarket.common.tests.factories import city_admin

    city_admin("nanjing", username="nj-migrate")
    group = Group.objects.get(name=CITY_ADMIN_GROUP)
    added = Permission.objects.get(codename="change_policycondition")
    group.permissions.remove(added)  # as if the model had come after the group was made

    call_command("migrate", verbosity=0)

    assert group.permissions.filter(pk=added.pk).exists()
