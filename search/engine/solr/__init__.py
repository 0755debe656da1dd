"""The Solr engine: the archive's passages in a SolrCloud collection alias (configset in
./configset), searched with plans compiled to Solr's JSON requests (`backend`, `compile`), over
several nodes tried in turn (`client`)."""
