"""Turning source files into documents and passages: read, clean, detect, segment, store."""
