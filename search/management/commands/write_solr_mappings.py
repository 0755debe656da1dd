"""Write the Solr configset's mapping files from the archive's folding (archive.text)."""

from django.core.management.base import BaseCommand

from search.engine.solr.mappings import write


class Command(BaseCommand):
    help = (
        "Write the mapping files of the Solr configset (search/engine/solr/configset/conf) "
        "from archive.text's folding, after a change to it."
    )

    def handle(self, *args, **options):
        for path in write():
            self.stdout.write(str(path))
