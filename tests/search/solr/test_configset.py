"""The archive's Solr configset, read as files: its fields are the ones the index writes, its
facet fields are kept whole, and its mapping files follow the archive's folding."""

import pytest
from lxml import etree

from archive.models import Passage
from search.engine.solr.mappings import CONF, files
from search.facets import INDEX_FIELDS
from search.search_indexes import PassageIndex

SCHEMA = etree.parse(str(CONF / "managed-schema.xml")).getroot()
FIELDS = {f.get("name"): f for f in SCHEMA.iter("field")}
TYPES = {t.get("name"): t for t in SCHEMA.iter("fieldType")}


@pytest.mark.parametrize("name", sorted(files()))
def test_mapping_files_are_what_the_folding_writes_now(name):
    # After a change to archive.text: `manage.py write_solr_mappings`.
    assert (CONF / name).read_text(encoding="utf-8") == files()[name]


def test_fold_mapping_folds_what_the_archive_folds():
    lines = (CONF / "mapping-fold.txt").read_text(encoding="utf-8").splitlines()
    assert {'"Ș" => "s"', '"ş" => "s"', '"đ" => "d"', '"ß" => "ss"', '"’" => "\'"'} <= set(lines)
    # "й" is a letter of its own in Russian, not "и" with a mark.
    assert not [line for line in lines if line.startswith('"й"')]


@pytest.mark.django_db
def test_schema_has_exactly_the_fields_the_index_writes():
    passage = Passage.objects.published().first()
    written = set(PassageIndex().full_prepare(passage))
    assert set(FIELDS) - {"_version_"} == written


@pytest.mark.parametrize("field", INDEX_FIELDS)
def test_facet_fields_are_whole_values_with_doc_values(field):
    kind = TYPES[FIELDS[field].get("type")]
    assert kind.get("class") == "solr.StrField"
    assert kind.get("docValues") == "true"
