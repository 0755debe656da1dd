"""Every admin action, custom view and form, walked from the admin's own registry: refused to
staff who may only look, done by curators, written in the object's history, and reaching the
search index. An action, custom view or model admin added without a case here fails."""

from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.test import RequestFactory
from django.urls import reverse

from annotations.models import Annotation, AnnotationStatus
from annotations.services import save_annotation
from archive.models import (
    Concept,
    Document,
    Passage,
    PassageAlias,
)
from tests.conftest import SLUGS
from tests.factories import OWN_APPS, staff
from tests.helpers import form_data, index_differences

pytestmark = pytest.mark.django_db
STANDARD_VIEWS = ("changelist", "add", "history", "delete", "change")


def own_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in OWN_APPS
    ]


def actions_of(model_admin):
    return [(name, func) for func, name, _ in model_admin._get_base_actions()]


def url_name(model, view):
    return f"{model._meta.app_label}_{model._meta.model_name}_{view}"


def custom_url_names(model, model_admin):
    standard = {url_name(model, view) for view in STANDARD_VIEWS}
    return [
        pattern.name
        for pattern in model_admin.get_urls()
        if pattern.name and pattern.name not in standard
    ]


@pytest.fixture
def viewer(client, db):
    """Staff who may look at everything in the admin and change nothing."""
    client.force_login(staff("viewer", ["view"]))
    return client


@pytest.fixture
def curator_user(db):
    return staff("curator", ["view", "add", "change", "delete"])


@pytest.fixture
def curator(client, curator_user):
    """A curator: every permission on the archive's models, but not a superuser."""
    client.force_login(curator_user)
    return client


def fingerprint():
    """Every row the archive, the index queue and the admin history hold."""
    models = [
        *(m for label in OWN_APPS for m in apps.get_app_config(label).get_models()),
        LogEntry,
    ]
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in models}


def note(passage, words, status):
    annotation = Annotation(passage=passage, exact=words, body=f"On {words}.", status=status)
    return save_annotation(annotation, user=None)


def passage(key, n):
    return Passage.objects.select_related("document").get(document__slug=SLUGS[key], n=n)


# What each action is tried on: the objects selected, the changelist filter it is run from
# (an action must not depend on what the queryset selects after it changed it), and what a
# curator's run must have done.
@dataclass
class ActionCase:
    select: object  # () -> list of objects
    filters: dict = field(default_factory=dict)
    done: object = None  # (selected objects) -> bool
    confirm: bool = False  # a second "yes, I'm sure" post, as deletions ask


def unpublished(key):
    document = Document.objects.get(slug=SLUGS[key])
    Document.objects.filter(pk=document.pk).set_published(False)
    return [document]


def drafts():
    return [note(passage("003", 4), "Litinov", AnnotationStatus.DRAFT)]


def published_notes():
    return [note(passage("003", 4), "Litinov", AnnotationStatus.PUBLISHED)]


def status_is(status):
    return lambda objs: all(Annotation.objects.get(pk=o.pk).status == status for o in objs)


ACTIONS = {
    ("archive.document", "publish"): ActionCase(
        select=lambda: unpublished("003"),
        filters={"published__exact": "0"},
        done=lambda objs: Document.objects.get(pk=objs[0].pk).published,
    ),
    ("archive.document", "unpublish"): ActionCase(
        select=lambda: [Document.objects.get(slug=SLUGS["003"])],
        filters={"published__exact": "1"},
        done=lambda objs: not Document.objects.get(pk=objs[0].pk).published,
    ),
    ("archive.passage", "merge_selected"): ActionCase(
        select=lambda: [passage("003", 2), passage("003", 3)],
        filters={"document__id__exact": lambda: str(passage("003", 2).document_id)},
        done=lambda objs: all(Passage.objects.get(pk=o.pk).withdrawn for o in objs),
    ),
    ("archive.concept", "delete_selected"): ActionCase(
        select=lambda: [Concept.objects.get(slug="lithuania")],
        filters={"kind__exact": "place"},
        done=lambda objs: not Concept.objects.filter(pk=objs[0].pk).exists(),
        confirm=True,
    ),
    ("annotations.annotation", "publish"): ActionCase(
        select=drafts,
        filters={"status__exact": "draft"},
        done=status_is(AnnotationStatus.PUBLISHED),
    ),
    ("annotations.annotation", "unpublish"): ActionCase(
        select=published_notes,
        filters={"status__exact": "published"},
        done=status_is(AnnotationStatus.DRAFT),
    ),
    ("annotations.annotation", "send_for_review"): ActionCase(
        select=published_notes,
        filters={"status__exact": "published"},
        done=status_is(AnnotationStatus.REVIEW),
    ),
    ("annotations.annotation", "delete_selected"): ActionCase(
        select=published_notes,
        filters={"status__exact": "published"},
        done=lambda objs: not Annotation.objects.filter(pk=objs[0].pk).exists(),
        confirm=True,
    ),
}


@dataclass
class ViewCase:
    target: object  # () -> the object the view is opened for
    data: object  # (object) -> what the curator posts
    done: object  # (object) -> bool


def split_point(p):
    return str(p.text.index(". ") + 1)


VIEWS = {
    "archive_document_rename": ViewCase(
        target=lambda: Document.objects.get(slug=SLUGS["003"]),
        data=lambda d: {"new_slug": "soviet-nazi-relations", "reason": "shorter"},
        done=lambda d: Document.objects.get(pk=d.pk).slug == "soviet-nazi-relations",
    ),
    "archive_passage_split": ViewCase(
        target=lambda: next(p for p in passage("003", 1).document.passages.all() if ". " in p.text),
        data=lambda p: {"at": split_point(p), "reason": "two arguments"},
        done=lambda p: Passage.objects.get(pk=p.pk).withdrawn,
    ),
}


# Pages that only show (no object, nothing posted): who may open them.
READ_ONLY_VIEWS = {
    # The curator's to-do list of names; needs view_concept.
    "archive_concept_names_without_concept": "view_concept",
}


def every_action(user):
    """The actions each of the archive's admins offers this user."""
    request = RequestFactory().get("/admin/")
    request.user = user
    return [
        (model._meta.label_lower, name)
        for model, model_admin in own_admins()
        for name in model_admin.get_actions(request)
    ]


def every_view():
    return [
        (model, name)
        for model, model_admin in own_admins()
        for name in custom_url_names(model, model_admin)
    ]


def changelist(model, filters):
    query = {k: (v() if callable(v) else v) for k, v in filters.items()}
    url = reverse(f"admin:{url_name(model, 'changelist')}")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def run_action(client, label, name, case, objs):
    model = apps.get_model(label)
    data = {"action": name, "_selected_action": [o.pk for o in objs], "index": 0}
    url = changelist(model, case.filters)
    response = client.post(url, data)
    if case.confirm and response.status_code == 200:
        response = client.post(url, {**data, "post": "yes"})
    return response


def test_every_action_of_every_admin_declares_the_permission_it_needs():
    undeclared = [
        f"{model._meta.label}.{name}"
        for model, model_admin in admin.site._registry.items()
        for name, func in actions_of(model_admin)
        if not getattr(func, "allowed_permissions", None)
    ]
    assert undeclared == []


def test_every_action_and_custom_view_of_the_archive_has_a_case_here(curator_user):
    assert set(every_action(curator_user)) == set(ACTIONS)
    assert {name for _, name in every_view()} == set(VIEWS) | set(READ_ONLY_VIEWS)


@pytest.mark.parametrize("label,name", sorted(ACTIONS))
def test_staff_who_may_only_look_cannot_run_an_action(viewer, label, name):
    case = ACTIONS[(label, name)]
    objs = case.select()
    before = fingerprint()
    run_action(viewer, label, name, case, objs)
    assert fingerprint() == before


@pytest.mark.parametrize("name", sorted(READ_ONLY_VIEWS))
def test_a_page_that_only_shows_needs_its_view_permission_and_changes_nothing(client, viewer, name):
    url = reverse(f"admin:{name}")
    before = fingerprint()
    assert viewer.get(url).status_code == 200
    assert viewer.post(url).status_code in (403, 405)
    assert fingerprint() == before
    client.force_login(staff("nobody", ["add"]))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_staff_who_may_only_look_are_refused_a_custom_view(viewer, name):
    case = VIEWS[name]
    obj = case.target()
    url = reverse(f"admin:{name}", args=[obj.pk])
    before = fingerprint()
    assert viewer.get(url).status_code == 403
    assert viewer.post(url, case.data(obj)).status_code == 403
    assert fingerprint() == before


@pytest.mark.parametrize("label,name", sorted(ACTIONS))
def test_a_curator_runs_an_action_from_a_filtered_list_and_it_reaches_the_index(
    curator, private_index, label, name
):
    case = ACTIONS[(label, name)]
    objs = case.select()
    index_differences()  # the index in step with what the case set up, before the action
    logged = LogEntry.objects.count()
    response = run_action(curator, label, name, case, objs)
    assert response.status_code == 302
    assert case.done(objs)
    assert LogEntry.objects.count() > logged  # in the objects' admin history
    assert index_differences().total == 0


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_a_curator_uses_a_custom_view_and_it_is_recorded_and_reaches_the_index(
    curator, private_index, name
):
    case = VIEWS[name]
    obj = case.target()
    url = reverse(f"admin:{name}", args=[obj.pk])
    assert curator.get(url).status_code == 200
    assert curator.post(url, case.data(obj)).status_code == 302
    assert case.done(obj)
    entry = LogEntry.objects.filter(object_id=str(obj.pk)).latest("action_time")
    history = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])
    assert entry.get_change_message() in curator.get(history).content.decode()
    assert index_differences().total == 0


# Saving a change form, an add form or a deletion: each one the admin offers a curator.
# A case gives the object and how the curator changes the form as the admin shows it.
def change_document():
    return Document.objects.get(slug=SLUGS["003"]), lambda data: data.update(
        title="Soviet–Nazi relations in the thirties"
    )


def change_passage():
    p = passage("003", 4)
    return p, lambda data: data.update(text=p.text + " Addendum.", revision_note="a word")


def change_concept():
    def add_label(data):
        n = int(data["labels-TOTAL_FORMS"])
        data.update({"labels-TOTAL_FORMS": n + 1, f"labels-{n}-language": "en"})
        data[f"labels-{n}-text"] = "Memel"

    return Concept.objects.get(slug="lithuania"), add_label


def change_annotation():
    return published_notes()[0], lambda data: data.update(body="A misspelling of Litvinov.")


def change_document_alias():
    from archive.aliases import rename_document

    document = Document.objects.get(slug=SLUGS["003"])
    rename_document(document, "soviet-nazi", reason="shorter")
    return document.aliases.get(), lambda data: data.update(reason="shorter and clearer")


def change_passage_alias():
    from archive.aliases import merge_passages

    merge_passages(passage("003", 2), passage("003", 3), reason="one argument")
    return PassageAlias.objects.first(), lambda data: data.update(reason="said twice")


CHANGES = {
    "archive.document": change_document,
    "archive.passage": change_passage,
    "archive.concept": change_concept,
    "annotations.annotation": change_annotation,
    "archive.documentalias": change_document_alias,
    "archive.passagealias": change_passage_alias,
}


def offered(model_admin, user, permission):
    request = RequestFactory().get("/admin/")
    request.user = user
    return getattr(model_admin, f"has_{permission}_permission")(request)


def test_every_form_the_admin_offers_a_curator_has_a_case_here(curator_user):
    for permission, cases in (("change", CHANGES), ("add", ADDS), ("delete", DELETES)):
        offered_here = {
            model._meta.label_lower
            for model, model_admin in own_admins()
            if offered(model_admin, curator_user, permission)
        }
        assert offered_here == set(cases), permission


@pytest.mark.parametrize("label", sorted(CHANGES))
def test_a_curator_saves_a_change_form_and_it_reaches_the_index(curator, private_index, label):
    obj, edit = CHANGES[label]()
    index_differences()
    url = reverse(f"admin:{url_name(obj, 'change')}", args=[obj.pk])
    data = form_data(curator.get(url))
    edit(data)
    response = curator.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert index_differences().total == 0


def add_concept():
    return {
        "slug": "memel",
        "kind": "place",
        "note": "",
        "labels-TOTAL_FORMS": 1,
        "labels-INITIAL_FORMS": 0,
        "labels-0-language": "en",
        "labels-0-text": "Memel",
        "labels-0-preferred": "on",
    }, lambda: Concept.objects.get(slug="memel").passages.exists()


def add_annotation():
    p = passage("003", 4)
    return {
        "passage": p.pk,
        "exact": "Litinov",
        "motivation": "commenting",
        "body": "A misspelling.",
        "body_language": "en",
        "status": "published",
        "changes-TOTAL_FORMS": 0,
        "changes-INITIAL_FORMS": 0,
    }, lambda: p.annotations.filter(body="A misspelling.").exists()


ADDS = {"archive.concept": add_concept, "annotations.annotation": add_annotation}


@pytest.mark.parametrize("label", sorted(ADDS))
def test_a_curator_adds_an_object_and_it_reaches_the_index(curator, private_index, label):
    model = apps.get_model(label)
    data, done = ADDS[label]()
    url = reverse(f"admin:{url_name(model, 'add')}")
    response = curator.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert index_differences().total == 0
    assert done()  # a new concept's passages are tagged once the queue is applied


DELETES = {
    "archive.concept": lambda: Concept.objects.get(slug="lithuania"),
    "annotations.annotation": lambda: published_notes()[0],
}


@pytest.mark.parametrize("label", sorted(DELETES))
def test_a_curator_deletes_an_object_and_it_reaches_the_index(curator, private_index, label):
    obj = DELETES[label]()
    index_differences()
    response = curator.post(
        reverse(f"admin:{url_name(obj, 'delete')}", args=[obj.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not type(obj).objects.filter(pk=obj.pk).exists()
    assert index_differences().total == 0
