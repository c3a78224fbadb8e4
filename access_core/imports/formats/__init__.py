"""Roster files as schools export them: limits on hostile files, text encodings, and the
SIECLE XML, SIECLE CSV, ONDE CSV and spreadsheet layouts (docs/import-formats.md).

Each reader turns a file into ``SourceRecord``s (the raw values of one pupil, with the line of
the file and, for SIECLE XML, the ``ELEVE_ID``); ``access_core.imports.files`` validates them
into the rows the import matches. Nothing here touches the database.
"""
