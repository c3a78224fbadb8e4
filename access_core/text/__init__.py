"""All wording: one catalogue in French (default) and English, split by surface (interface, command
line, documents, overview).
"""
