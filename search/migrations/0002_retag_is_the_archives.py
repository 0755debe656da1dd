from django.db import migrations, models


def queued_retags_to_requests(apps, schema_editor):
    """A re-tagging still queued for the index becomes the archive's request for it."""
    IndexTask = apps.get_model("search", "IndexTask")
    RetagRequest = apps.get_model("archive", "RetagRequest")
    queued = IndexTask.objects.filter(kind="retag")
    if queued.exists():
        RetagRequest.objects.create()
        queued.delete()


class Migration(migrations.Migration):
    """Re-tagging passages after a thesaurus change is the archive's job, not index work."""

    dependencies = [
        ("search", "0001_index_queue"),
        ("archive", "0006_retag_request"),
    ]

    operations = [
        migrations.RunPython(queued_retags_to_requests, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="indextask",
            name="kind",
            field=models.CharField(
                choices=[("passage", "Reindex a passage"), ("rebuild", "Rebuild the whole index")],
                max_length=10,
                verbose_name="kind",
            ),
        ),
    ]
