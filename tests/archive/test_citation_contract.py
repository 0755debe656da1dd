"""Every cited URL keeps showing the text that was cited: re-imports, revisions, aliases."""

import html

import pytest
from django.urls import reverse

from archive.aliases import merge_passages, rename_document, split_passage
from archive.ingest.importer import import_paths
from archive.models import Passage
from tests.conftest import SEED, SLUGS, seed_text

pytestmark = pytest.mark.django_db


def cited(slug):
    return {p.get_absolute_url(): p.text for p in Passage.objects.filter(document__slug=slug)}


def shows(client, url, text):
    """Whether the URL (following redirects, or a listed revision) shows the text."""
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    page = html.unescape(response.content.decode())
    if text in page:
        return True
    passage = response.context["passage"]
    return any(
        text
        in html.unescape(
            client.get(f"{passage.get_absolute_url()}?rev={r.number}").content.decode()
        )
        for r in passage.revisions.all()
    )


def revise_source(tmp_path, key, change):
    path = tmp_path / SEED[key]
    path.write_text(change(seed_text(key)), encoding="utf-8")
    return path


@pytest.mark.parametrize("key", ["000", "001"])
def test_after_a_revised_import_every_old_url_shows_its_old_text(client, tmp_path, catalogue, key):
    slug = SLUGS[key]
    before = cited(slug)
    old_numbers = {p.n for p in Passage.objects.filter(document__slug=slug)}

    def change(text):
        lines = text.splitlines()
        body = [i for i, line in enumerate(lines) if len(line) > 200]
        fix, gone, insert_at = body[0], body[3], body[5]
        lines[fix] = lines[fix].replace(" a ", " A ", 1).replace(" je ", " JE ", 1)
        lines.insert(insert_at, "Un paragraf cu totul nou, despre acordul comercial din 1940.")
        del lines[gone]
        return "\n".join(lines) + "\n"

    [result] = import_paths([revise_source(tmp_path, key, change)], catalogue)
    assert result.status == "revised"
    assert result.changes["new"] >= 1 and result.changes["withdrawn"] >= 1
    for url, text in before.items():
        assert shows(client, url, text), url
    new = Passage.objects.filter(document__slug=slug).exclude(n__in=old_numbers)
    assert new.exists() and min(p.n for p in new) > max(old_numbers)


def test_an_earlier_revision_shows_a_banner_and_a_word_diff(client):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=4)
    old = passage.text
    passage.revise(old.replace("Litinov", "Litvinov"), reason="edit")
    page = client.get(passage.get_absolute_url() + "?rev=1").content.decode()
    assert "You are reading revision 1 of 2" in page
    assert "This text was revised on" in page
    assert "<del>Litinov,</del>" in page or "<del>Litinov</del>" in page
    assert "<ins>Litvinov" in page
    assert f'<link rel="canonical" href="http://testserver{passage.get_absolute_url()}">' in page
    assert client.get(passage.get_absolute_url() + "?rev=9").status_code == 404
    assert client.get(passage.get_absolute_url() + "?rev=x").status_code == 404


def test_a_renamed_document_redirects_permanently(client, admin_user):
    old = SLUGS["003"]
    document = Passage.objects.filter(document__slug=old).first().document
    rename_document(document, "soviet-nazi-relations-essay", reason="clearer", user=admin_user)
    response = client.get(f"/documents/{old}/2/?rev=1")
    assert response.status_code == 301
    assert response["Location"] == "/documents/soviet-nazi-relations-essay/2/?rev=1"
    assert client.get(f"/documents/{old}/")["Location"] == "/documents/soviet-nazi-relations-essay/"
    assert client.get(f"/api/documents/{old}/2/").status_code == 301


def test_renaming_refuses_a_slug_in_use(admin_user):
    from django.core.exceptions import ValidationError

    document = Passage.objects.filter(document__slug=SLUGS["003"]).first().document
    with pytest.raises(ValidationError):
        rename_document(document, SLUGS["002"], user=admin_user)


def test_merged_passages_redirect_to_the_merged_one(client):
    first, second = Passage.objects.filter(document__slug=SLUGS["003"]).order_by("position")[:2]
    merged = merge_passages(first, second, reason="one argument")
    assert merged.n > 6 and merged.text.startswith(first.text)
    response = client.get(first.get_absolute_url())
    assert response.status_code == 301 and response["Location"] == merged.get_absolute_url()
    # The text as cited stays readable as a revision.
    assert first.text in html.unescape(
        client.get(first.get_absolute_url() + "?rev=1").content.decode()
    )
    data = client.get(f"/api/documents/{SLUGS['003']}/{first.n}/").json()
    assert data["withdrawn"] and data["replaced_by"] == [merged.ref]
    positions = list(
        Passage.objects.filter(document__slug=SLUGS["003"])
        .current()
        .order_by("position")
        .values_list("position", flat=True)
    )
    assert positions == sorted(set(positions))


def test_a_split_passage_shows_a_page_linking_its_parts(client):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=2)
    at = passage.text.index(". ") + 1
    head, tail = split_passage(passage, at, reason="two ideas")
    page = html.unescape(client.get(passage.get_absolute_url()).content.decode())
    assert "This passage was split." in page
    assert head.get_absolute_url() in page and tail.get_absolute_url() in page
    assert passage.text in page
    order = list(
        Passage.objects.filter(document__slug=SLUGS["003"])
        .current()
        .order_by("position")
        .values_list("n", flat=True)
    )
    assert order.index(head.n) + 1 == order.index(tail.n)


def test_a_split_passage_a_re_import_brings_back_still_links_its_parts(client):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=2)
    head, tail = split_passage(passage, passage.text.index(". ") + 1, reason="two ideas")
    # As the importer restores a passage the revised source has again.
    passage.withdrawn = False
    passage.save()
    page = client.get(passage.get_absolute_url()).content.decode()
    assert "This passage was split." in page
    assert head.get_absolute_url() in page and tail.get_absolute_url() in page


def test_curator_merges_splits_and_renames_in_the_admin(admin_client):
    first, second = Passage.objects.filter(document__slug=SLUGS["003"]).order_by("position")[:2]
    response = admin_client.post(
        reverse("admin:archive_passage_changelist"),
        {"action": "merge_selected", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert "Merged into" in response.content.decode()
    target = Passage.objects.filter(document__slug=SLUGS["003"]).current().order_by("-n").first()
    split_url = reverse("admin:archive_passage_split", args=[target.pk])
    form = admin_client.get(split_url).context["form"]
    at = form.fields["at"].choices[0][0]
    assert admin_client.post(split_url, {"at": at, "reason": "undo"}).status_code == 302
    document = target.document
    rename_url = reverse("admin:archive_document_rename", args=[document.pk])
    bad = admin_client.post(rename_url, {"new_slug": SLUGS["002"], "reason": "x"})
    assert bad.status_code == 200 and "already has the slug" in bad.content.decode()
    assert (
        admin_client.post(rename_url, {"new_slug": "essay-1930s", "reason": "x"}).status_code == 302
    )
    aliases = admin_client.get(reverse("admin:archive_passagealias_changelist")).content.decode()
    assert f"{SLUGS['003']}:{first.n}" in aliases or "essay-1930s:" in aliases
    assert (
        "essay-1930s"
        in admin_client.get(reverse("admin:archive_documentalias_changelist")).content.decode()
    )


def test_merging_refuses_passages_that_are_not_neighbours():
    from django.core.exceptions import ValidationError

    ps = list(Passage.objects.filter(document__slug=SLUGS["003"]).order_by("position"))
    with pytest.raises(ValidationError):
        merge_passages(ps[0], ps[2])
