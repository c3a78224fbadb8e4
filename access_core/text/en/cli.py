"""English texts of the command line's messages (successes, summaries, warnings, errors)."""

TEXTS: dict[str, str] = {
    "cli_schema_created": "schema created at revision {revision}",
    "cli_schema_upgraded": "schema upgraded from revision {before} to {after}",
    "cli_schema_current": "schema already at revision {revision}: nothing to do",
    "cli_demo_created": (
        "demo school created: {classes} classes, {active} active learners, "
        "{deactivated} deactivated"
    ),
    "cli_demo_created_total": "demo school created: {classes} classes, {learners} learners",
    "cli_admin_created": "administrator '{username}' created",
    "cli_admin_password_changed": (
        "password of '{username}' changed; its open sessions are closed"
    ),
    "cli_admin_disabled": "administrator '{username}' disabled; its open sessions are closed",
    "cli_admin_enabled": "administrator '{username}' enabled",
    "cli_unlocked": "'{username}' unlocked",
    "cli_not_locked": "'{username}' was not locked",
    "cli_first_admin": "  administrator: {username}",
    "cli_first_password": "  password:      {password}",
    "cli_first_once": ("  shown once only: note it now (it is stored only as a bcrypt hash)"),
    "cli_admins_exist": "administrator accounts exist already; log in with yours",
    "cli_export_written": (
        "{count} {count:p:learner|learners} of {class_name} written to {output}"
    ),
    "cli_slips_written": (
        "{count} {count:p:slip|slips} on {pages} {pages:p:page|pages} written to {output}"
    ),
    "cli_slip_no_birth_date": "warning: no birth date, no slip for {name}",
    "cli_slips_class_written": "[{number}/{total}] {class_name}: {count} {count:p:slip|slips}",
    "cli_slips_interrupted": (
        "interrupted: the slips of {done} of {total} {total:p:class|classes} were written to "
        "{output} and journalled, the others were not"
    ),
    "cli_slips_class_empty": (
        "[{number}/{total}] {class_name}: no slip (no learner, or none with a birth date)"
    ),
    "cli_slip_missing_glyph": (
        "warning: no installed font has {char} (U+{code}) of {name}; printed as {mark}"
    ),
    "cli_state_active": "active",
    "cli_state_deactivated": "deactivated",
    "cli_reset_list": (
        "{count} {count:p:learner|learners} to reset to their birth date (ddmmyyyy):"
    ),
    "cli_reset_done": "{count} {count:p:password|passwords} reset (batch {batch})",
    "cli_reset_slips_hint": "{count:p:the login slip|their login slips}: {command}",
    "cli_import_file": "format: {format}, encoding: {encoding}, school year: {year}",
    "cli_import_year_unknown": "not stated",
    "cli_import_departed": "; {count} {count:p:pupil|pupils} left before today",
    "cli_plan_new": "new",
    "cli_plan_updated": "updated",
    "cli_plan_moved": "moved",
    "cli_plan_reactivated": "reactivated",
    "cli_plan_deactivated": "deactivated",
    "cli_plan_unchanged": "unchanged",
    "cli_plan_rejected": "rejected",
    "cli_plan_password_moved": "initial password moves to the corrected birth date",
    "cli_plan_kept": "kept active: their row is rejected",
    "cli_plan_count": "count",
    "cli_plan_line": "line {line}",
    "cli_plan_section": "{title} ({count}):",
    "cli_plan_rejected_row": "  {line}{ref}: {reason}{name}",
    "cli_plan_not_in_file": "not in the file",
    "cli_plan_more": "  ... and {count} more",
    "cli_plan_new_classes": "new classes: {names}",
    "cli_plan_needs_confirmation": (
        "this import deactivates {count} of the {active} active learners (more than "
        "{percent} %): {how}"
    ),
    "cli_plan_forced": "confirmed by --force",
    "cli_plan_needs_force": "it needs --force",
    "cli_import_hashing": (
        "initial {count:p:password|passwords} for {count} new {count:p:learner|learners}: "
        "about {seconds} s"
    ),
    "cli_import_refused": "nothing imported: fix the rejected rows or pass --skip-bad-rows",
    "cli_import_dry_run": "dry run: nothing imported",
    "cli_import_nothing": "nothing to change",
    "cli_import_done": (
        "imported: {new} new, {updated} updated, {moved} moved, {reactivated} reactivated, "
        "{deactivated} deactivated"
    ),
    "cli_import_passwords_moved": (
        "; {count} initial {count:p:password|passwords} moved to the corrected birth date"
    ),
    "cli_import_skipped": "; {count} bad {count:p:row|rows} skipped",
    "cli_check_problems": "{count} {count:p:problem|problems}",
    "cli_backup_written": (
        "backup written to {path} (schema {revision}, {learners} {learners:p:learner|learners})"
    ),
    "cli_restored": (
        "restored from {path} (schema {revision}, {learners} {learners:p:learner|learners}); "
        "schema now at {head}"
    ),
    "cli_restored_previous": "; the previous database is kept as {previous}",
    "cli_interrupted": "interrupted, nothing changed",
    "cli_progress_demo": "demo passwords",
    "cli_progress_hashing": "hashing",
    "cli_progress_initial": "initial passwords",
    "cli_no_terminal": "no terminal to prompt for the password: use --password-stdin",
    "cli_passwords_differ": "the two passwords differ",
    "cli_cannot_write": "cannot write {path}: {reason}",
    "cli_not_a_folder": "{path} is not a folder",
    "cli_folder_not_empty": "{path} is not empty: name a new folder",
    "cli_cannot_read": "cannot read {path}: {reason}",
    "cli_unknown_logins": "unknown {count:p:login|logins}: {logins}",
    "cli_no_slip_no_birth_date": "no slip to print: no learner has a birth date",
    "cli_no_slip_no_learner": "no slip to print: no learner found",
    "cli_nothing_to_reset": "no learner to reset",
    "cli_confirmation_needed": "confirmation needed: run in a terminal or pass --yes",
    "cli_class_not_found": "no class named '{name}'",
    "cli_class_not_found_close": "no class named '{name}'; did you mean: {suggestions}?",
    "cli_error_error": "{message}",
    "cli_error_validation_error": "{message}",
    "cli_error_not_found": "{message}",
    "cli_error_database_unavailable": (
        "the database cannot be reached: check ACCESS_DATABASE_URL and that its server is "
        "running (--verbose shows the cause)"
    ),
    "cli_error_database_failure": "{message}",
    "cli_error_database_file_missing": "{message}",
    "cli_import_needs_confirmation": "{message}",
    "error_admin_not_found": "no administrator named '{username}'",
    "backup_server_running": (
        "a dashboard server is using {database}: stop it before restoring "
        "(e.g. systemctl stop acces-apprenants)"
    ),
    "backup_damaged": "{path} is damaged (integrity check: {integrity})",
    "backup_not_ours": "{path} is not a database of this application",
    "backup_not_sqlite": "{path} is not a SQLite database ({detail})",
    "backup_sqlite_only": (
        "{verb} handles SQLite only: use pg_dump / pg_restore for PostgreSQL and "
        "mariadb-dump for MariaDB (see docs/operations.md, « Back up, restore »)"
    ),
    "backup_exists": "{path} exists already: choose a new file name",
    "backup_missing": "no backup file at {path}",
    "backup_no_folder": "no folder {folder} for the database",
    "backup_no_target_folder": (
        "no folder {folder}: create it, or choose another path for the backup"
    ),
    "backup_newer_schema": (
        "{path} has schema revision {revision}, unknown to this version of access-core "
        "(written by a newer version?): restore it with that version; nothing was changed"
    ),
    "cli_purge_list": (
        "{count} {count:p:learner|learners} deactivated before {date} (past the retention term)"
    ),
    "cli_dry_run": "dry run: nothing was changed",
    "cli_confirm_purge": "Delete these learners and their data for good? [y/N] ",
    "cli_purge_done": (
        "{learners} {learners:p:learner|learners} deleted; {events} journal "
        "{events:p:event|events} and {sessions} ended {sessions:p:session|sessions} older than "
        "{months} months deleted"
    ),
    "cli_learner_data_written": "the learner's data written to {path}",
    "cli_purge_previous_kept": (
        "warning: {path} (kept by `access-core restore`) still holds the replaced database's "
        "learners, purged ones included: delete it once the restore is verified"
    ),
    "cli_restore_overdue": (
        "warning: the restored backup holds {count} deactivated {count:p:learner|learners} past "
        "the retention term (since {since}): run `access-core purge` now"
    ),
    "backup_upgrade_failed": (
        "{path} cannot be upgraded to schema {head} ({detail}): the backup is damaged; "
        "nothing was changed"
    ),
    "backup_incomplete": (
        "{path} lacks tables or columns this version needs ({missing}): the backup is "
        "damaged; nothing was changed"
    ),
    "backup_database_busy": (
        "{database} is in use by another program: stop it before restoring; nothing was changed"
    ),
    "cli_undo_done": (
        "reset undone (batch {batch}): {count} {count:p:learner has|learners have} their "
        "previous password back"
    ),
    "cli_undo_kept_logged_in": "kept as is (logged in since the reset): {name}",
    "cli_undo_kept_changed": "kept as is (password changed since): {name}",
    "cli_undo_hint": "can be undone for {minutes} min: {command}",
    "cli_import_id": "import {import_id}",
    "cli_import_slips_hint": "the new {count:p:pupil's slip|pupils' slips}: {command}",
}
