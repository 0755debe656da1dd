"""The embedded Whoosh engine: its backend, query evaluation over posting arrays, facet arrays,
full builds and the index swap."""
