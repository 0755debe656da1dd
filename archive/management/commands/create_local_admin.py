"""Create a curator login for a local copy of the archive, once; say it only then.

python manage.py create_local_admin
HOST=0.0.0.0 PORT=8080 python manage.py create_local_admin   # the address `make run` serves on
"""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

USERNAME = "curator"


class Command(BaseCommand):
    help = "Create a local superuser 'curator' with a random password (once) and print the login."

    def handle(self, *args, **options):
        if os.environ.get("ARCHIVE_PRODUCTION") == "1":
            # A generated password in a file is for a local copy, never for a public server.
            self.stdout.write(
                "Production: create curators with `python manage.py createsuperuser`."
            )
            return
        login_file = settings.DATA_DIR / "admin-login.txt"
        users = get_user_model().objects
        if users.filter(username=USERNAME).exists():
            # Said once, when made; it stays in the login file (or: manage.py changepassword).
            return
        password = secrets.token_urlsafe(12)
        users.create_superuser(USERNAME, "", password)
        host, port = os.environ.get("HOST") or "127.0.0.1", os.environ.get("PORT") or "8000"
        address = f"http://{host}:{port}"
        text = (
            f"Admin login for this local archive: {address}/admin/ "
            f"user '{USERNAME}', password '{password}' (kept in {login_file})."
        )
        login_file.write_text(text + "\n")
        login_file.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(text))
