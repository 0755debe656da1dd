"""Concepts: the thesaurus of people, places, organisations, events, treaties and terms,
its loading from the curated file, and the tagging of passages with what they mention."""
