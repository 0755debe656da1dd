"""The Solr engine: the archive's passages in a SolrCloud collection (configset in ./configset)."""
