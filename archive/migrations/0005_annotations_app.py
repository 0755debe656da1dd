"""Annotations now live in their own app (annotations/migrations/0001_initial.py): the archive
forgets their models; their tables and rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0004_annotations"),
        ("annotations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AnnotationChange"),
                migrations.DeleteModel(name="Annotation"),
            ],
        ),
    ]
