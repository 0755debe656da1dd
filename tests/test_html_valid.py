"""Every kind of page the archive serves is valid HTML, as the Nu HTML Checker (the W3C's
validator, npm vnu-jar) reads it: pages are rendered by the test client and checked in one run
of the checker."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from annotations.models import Annotation
from annotations.services import save_annotation
from archive.models import Passage
from tests.conftest import SLUGS

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
MISSING = (
    "java is not installed"
    if not shutil.which("java")
    else ""
    if VNU.is_file()
    else "node_modules/vnu-jar is missing: run make node"
)
pytestmark = [pytest.mark.django_db, pytest.mark.skipif(bool(MISSING), reason=MISSING)]


def pages(client) -> dict[str, str]:
    """A page of every type, by name, with a note, a withdrawn passage and an earlier revision
    made for the purpose."""
    withdrawn = Passage.objects.get(document__slug=SLUGS["003"], n=2)
    withdrawn.withdraw()
    revised = Passage.objects.get(document__slug=SLUGS["001"], n=5)
    revised.revise(revised.text.replace("München", "Munchen"), reason="edit")
    noted = Passage.objects.get(document__slug=SLUGS["001"], n=4)
    note = Annotation(passage=noted, exact=noted.text.split()[1], body="*See* the protocol.")
    note.status = "published"
    save_annotation(note, user=None)
    return {
        "home": "/",
        "search-results": "/search/?q=Molotov",
        "search-no-results": "/search/?q=zzxqvw",
        "catalogue": "/documents/",
        "reader": f"/documents/{SLUGS['001']}/",
        "passage": f"/documents/{SLUGS['001']}/4/",
        "passage-withdrawn": withdrawn.get_absolute_url(),
        "passage-old-revision": f"{revised.get_absolute_url()}?rev=1",
        "not-found": "/documents/no-such-document/",
        "admin-login": "/admin/login/",
    }


def test_every_page_type_is_valid_html(client, tmp_path):
    files = []
    for name, path in pages(client).items():
        response = client.get(path)
        assert response.status_code == (404 if name == "not-found" else 200), name
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.content)
        files.append(str(file))
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # The checker writes its JSON report on standard error; it exits 1 when it found errors.
    assert done.returncode in (0, 1), done.stderr
    messages = json.loads(done.stderr.strip().splitlines()[-1])["messages"]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]
    assert not errors, "\n".join(errors)
