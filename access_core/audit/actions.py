"""Every action code the journal records: one list, so each has its words in both languages.

A test (tests/project/test_journal_actions.py) finds every code the code records and asks that
it be listed here and worded in ``text/fr/journal.py`` and ``text/en/journal.py``; events written
by other programs may carry other codes, which the journal shows as they are.
"""

from __future__ import annotations

ACTIONS: frozenset[str] = frozenset(
    {
        # administrators' accounts and sessions
        "admin_created",
        "admin_password_changed",
        "admin_disabled",
        "admin_enabled",
        "login_succeeded",
        "login_failed",
        "login_refused_locked",
        "login_locked",
        "login_unlocked",
        "sessions_revoked",
        "session_ended",
        "oidc_login_refused",
        # staff accounts (« Comptes », the command line)
        "account_created",
        "account_disabled",
        "account_enabled",
        "account_password_reset",
        "account_school_granted",
        "account_school_revoked",
        "account_class_granted",
        "account_class_revoked",
        "account_classes_changed",
        # learners' own logins (the portal)
        "learner_login_succeeded",
        "learner_login_failed",
        "learner_login_expired",
        "learner_login_refused_locked",
        "learner_password_changed",
        # resets
        "password_reset",
        "reset_undone",
        "reset_undo_kept",
        # imports
        "class_created",
        "learner_created",
        "learner_updated",
        "learner_moved",
        "learner_deactivated",
        "learner_reactivated",
        "initial_password_moved",
        "import_applied",
        "learner_transferred",
        # schools
        "school_created",
        "school_updated",
        # documents
        "identifiers_exported",
        "slips_printed",
        "learner_data_exported",
        "journal_exported",
        # retention and operations
        "learners_purged",
        "demo_created",
    }
)
