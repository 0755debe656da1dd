"""Annotations move out of the archive app into their own: their tables stay as they are (the
models name them), so the move changes Django's state only; the content types follow, and with
them the curators' permissions and the admin history of every note."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ("annotation", "annotationchange")


def relabel(apps, old: str, new: str) -> None:
    """Give the moved models' content types their new app label, so that the permissions and
    admin history pointing at them keep working. One already under the new label (made after
    this migration was reversed, with the moved models' default permissions) gives way to the
    one curators' groups and history point at."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        current = ContentType.objects.filter(app_label=old, model=model).first()
        if current is None:
            continue  # a new database: the content types are made after the migrations
        ContentType.objects.filter(app_label=new, model=model).delete()
        current.app_label = new
        current.save(update_fields=["app_label"])


def move_content_types(apps, schema_editor):
    relabel(apps, "archive", "annotations")


def move_content_types_back(apps, schema_editor):
    relabel(apps, "annotations", "archive")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("archive", "0004_annotations"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Annotation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "uuid",
                            models.UUIDField(
                                default=uuid.uuid4,
                                editable=False,
                                unique=True,
                                verbose_name="identifier",
                            ),
                        ),
                        (
                            "exact",
                            models.TextField(
                                help_text="The annotated words, exactly as in the passage text.",
                                verbose_name="quote",
                            ),
                        ),
                        (
                            "prefix",
                            models.CharField(blank=True, max_length=64, verbose_name="text before"),
                        ),
                        (
                            "suffix",
                            models.CharField(blank=True, max_length=64, verbose_name="text after"),
                        ),
                        (
                            "start",
                            models.PositiveIntegerField(
                                help_text="Character offset of the quote.", verbose_name="start"
                            ),
                        ),
                        ("end", models.PositiveIntegerField(verbose_name="end")),
                        (
                            "original_exact",
                            models.TextField(
                                blank=True,
                                editable=False,
                                help_text="The quote as first annotated, kept if the text later changes.",
                                verbose_name="original quote",
                            ),
                        ),
                        (
                            "body",
                            models.TextField(
                                blank=True,
                                help_text="Markdown: *emphasis*, **strong**, [links](https://…), lists, and a span with a lang attribute for words in another language.",
                                verbose_name="note",
                            ),
                        ),
                        (
                            "body_language",
                            models.CharField(
                                choices=[
                                    ("hr", "Croatian"),
                                    ("ro", "Romanian"),
                                    ("en", "English"),
                                    ("de", "German"),
                                    ("ru", "Russian"),
                                ],
                                default="en",
                                max_length=8,
                                verbose_name="language of the note",
                            ),
                        ),
                        (
                            "motivation",
                            models.CharField(
                                choices=[
                                    ("commenting", "Comment"),
                                    ("describing", "Description"),
                                    ("identifying", "Identification (a person, place, …)"),
                                    ("linking", "Link to another passage"),
                                    ("correcting", "Correction"),
                                    ("tagging", "Tags only"),
                                ],
                                default="commenting",
                                max_length=20,
                                verbose_name="motivation",
                            ),
                        ),
                        (
                            "tags",
                            models.CharField(
                                blank=True,
                                help_text="Comma-separated, e.g. “person, typo”.",
                                max_length=300,
                                verbose_name="tags",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("draft", "Draft"),
                                    ("review", "Awaiting review"),
                                    ("published", "Published"),
                                ],
                                default="draft",
                                max_length=12,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "anchor_status",
                            models.CharField(
                                choices=[
                                    ("exact", "Exact: the quote is where it was"),
                                    ("moved", "Moved: found again after a revision"),
                                    (
                                        "orphaned",
                                        "Orphaned: the quote is gone; a curator must look",
                                    ),
                                ],
                                default="exact",
                                editable=False,
                                max_length=12,
                                verbose_name="anchor",
                            ),
                        ),
                        (
                            "anchor_score",
                            models.FloatField(
                                default=1.0, editable=False, verbose_name="anchor score"
                            ),
                        ),
                        (
                            "version",
                            models.PositiveIntegerField(
                                default=1, editable=False, verbose_name="version"
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now,
                                editable=False,
                                verbose_name="created",
                            ),
                        ),
                        (
                            "modified_at",
                            models.DateTimeField(auto_now=True, verbose_name="modified"),
                        ),
                        (
                            "creator",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="annotations",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="creator",
                            ),
                        ),
                        (
                            "link_concept",
                            models.ForeignKey(
                                blank=True,
                                help_text="For an identification: who or what the words name.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="annotations",
                                to="archive.concept",
                                verbose_name="identified concept",
                            ),
                        ),
                        (
                            "link_passage",
                            models.ForeignKey(
                                blank=True,
                                help_text="For a link: the passage this one refers to.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="linked_from",
                                to="archive.passage",
                                verbose_name="linked passage",
                            ),
                        ),
                        (
                            "passage",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="annotations",
                                to="archive.passage",
                                verbose_name="passage",
                            ),
                        ),
                        (
                            "revision",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="archive.passagerevision",
                                verbose_name="made on revision",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "annotation",
                        "verbose_name_plural": "annotations",
                        "db_table": "archive_annotation",
                        "ordering": ["passage", "start", "created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="AnnotationChange",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "annotation_uuid",
                            models.UUIDField(db_index=True, verbose_name="annotation"),
                        ),
                        ("action", models.CharField(max_length=20, verbose_name="action")),
                        ("changes", models.JSONField(default=dict, verbose_name="changes")),
                        (
                            "at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="when"
                            ),
                        ),
                        (
                            "annotation",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="changes",
                                to="annotations.annotation",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "annotation change",
                        "verbose_name_plural": "annotation changes",
                        "db_table": "archive_annotationchange",
                        "ordering": ["-at"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="annotation",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("end__gt", models.F("start"))),
                        name="annotation_span_not_empty",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="annotation",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("exact", ""), _negated=True),
                        name="annotation_quote_not_empty",
                    ),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
