"""Who did what: audit events written inside the caller's transaction, the journal's reads and
export, the client's address of the current request.
"""
