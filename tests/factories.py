"""People the tests act as: one place that makes curators, staff with chosen permissions, and
readers' notes' authors, so no test builds its own accounts."""

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

PASSWORD = "a-long-test-password"
# The apps whose models curators work on (registered in the admin or edited inline there).
OWN_APPS = ("archive", "annotations", "search")


def superuser(username: str = "curator", password: str = PASSWORD, **fields):
    """A superuser who can log in with `password`."""
    return get_user_model().objects.create_superuser(username, "", password, **fields)


def staff(username: str, actions, password: str = PASSWORD):
    """A staff account (not a superuser) holding the permissions named by `actions` ("view",
    "add", "change", "delete") on every model of the archive and the admin."""
    user = get_user_model().objects.create_user(username, password=password, is_staff=True)
    models = {*admin.site._registry}
    models |= {m for label in OWN_APPS for m in apps.get_app_config(label).get_models()}
    types = [ContentType.objects.get_for_model(model) for model in models]
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__in=types, codename__regex=rf"^({'|'.join(actions)})_"
        )
    )
    return user
