"""English texts of errors and rejection reasons the services return as codes."""

TEXTS: dict[str, str] = {
    "import_unknown_layout": (
        "Unknown column layout (line 1): missing {missing}. Columns found: {columns}."
    ),
    "import_empty_file": "The file is empty: no header row.",
    "import_bad_xlsx": "The XLSX file cannot be read (damaged, or not a workbook).",
    "import_no_rows": "The file has no learner rows: nothing to import.",
    "import_needs_confirmation": (
        "This import would deactivate {count} of the {active} active learners (more than "
        "{percent} %): check the file, or confirm these deactivations explicitly."
    ),
    "import_changed_meanwhile": (
        "The learners changed since the preview: nothing was imported. Check the new preview."
    ),
    "import_too_large": (
        "The file is too large: more than {limit} MB once decompressed "
        "(setting ACCESS_IMPORT_MAX_BYTES)."
    ),
    "import_too_many_rows": "The file has more than {limit} rows (ACCESS_IMPORT_MAX_ROWS).",
    "import_bad_zip": "The ZIP file cannot be read (damaged).",
    "import_zip_xml_count": ("The ZIP file must hold exactly one .xml file; it holds {count}."),
    "import_bad_xml": "The XML file cannot be read (line {line}).",
    "import_too_many_columns": "The file has more than {limit} columns (line {line}).",
    "import_xml_too_deep": (
        "The XML file nests elements more than {depth} deep (line {line}): not a SIECLE export."
    ),
    "import_xml_forbidden": ("The XML file declares entities or external references: refused."),
    "import_not_siecle": (
        "This XML file is not a SIECLE pupil export (expected the root BEE_ELEVES)."
    ),
    "import_bad_encoding": (
        "The file's encoding is not recognised (neither UTF-8 nor Windows-1252): "
        "save it as « CSV UTF-8 »."
    ),
    "import_garbled": (
        "The file's accents are garbled (line {line}): export it again, or save it as "
        "« CSV UTF-8 »."
    ),
    "import_bad_csv": "The CSV file cannot be read (line {line}).",
    "import_file_type": "Unsupported file type: use .csv, .xlsx, .xml or .zip.",
    "import_rows_rejected": (
        "{rejected} {rejected:p:row rejected: fix it, or choose to skip it|"
        "rows rejected: fix them, or choose to skip them}."
    ),
    "reject_missing_fields": "missing {count:p:field|fields}: {fields}",
    "reject_too_long": "too long: {fields}",
    "reject_impossible_date": "impossible date « {value} »",
    "reject_unreadable_date": "unreadable date « {value} » (expected dd/mm/yyyy or yyyy-mm-dd)",
    "reject_future_date": "birth date {date} is in the future",
    "reject_too_old_date": "birth date {date} is before {year}",
    "reject_bad_login": "login « {login} »: only letters a-z, digits, . - _",
    "reject_duplicate_external_id": "external id {external_id} already on line {other_line}",
    "reject_duplicate_login": "login {login} already on line {other_line}",
    "reject_same_learner_twice": "the same learner is on another line",
    "reject_login_taken": "login {login} belongs to another learner",
    "reject_siecle_repeated_id": "ELEVE_ID missing or repeated",
    "reject_siecle_bad_departure": "unreadable DATE_SORTIE « {value} »",
    "reject_siecle_no_division": "no class (division) in the file",
    "reject_control_characters": "control characters in {fields}",
    "reject_ambiguous_symbols": (
        "symbol {symbol} in {fields} (encoding misread): save the file as « CSV UTF-8 »"
    ),
    "login_failed": "Wrong username or password.",
    "login_locked": "Too many failed logins: this username is locked until {until}.",
    "col_last_name": "Last name",
    "col_first_name": "First name",
    "col_login": "Login",
    "col_birth_date": "Birth date",
    "error_not_authorized": "Access denied: an active administrator account is required.",
    "error_reset_refused": (
        "Reset refused, no account was changed. Birth date missing for: {names}."
    ),
    "error_reset_too_large": (
        "A teacher resets at most {maximum} learners at once ({count} marked); nothing was changed."
    ),
    "error_school_not_found": "School not found.",
    "error_school_required": "Choose a school first.",
    "error_batch_already_applied": "This reset has already been applied.",
    "error_concurrent_change": ("{name} was changed meanwhile; no account was reset. Try again."),
    "error_database_unavailable": (
        "The database cannot be reached right now. Try again in a moment; "
        "the page will recover by itself."
    ),
    "error_database_busy": "Database busy, try again.",
    "error_schema_missing": "The database has no schema yet: run « access-core init ».",
    "error_schema_outdated": (
        "The database schema is older than this version: run « access-core init »."
    ),
    "error_schema_damaged": (
        "The database is at schema revision {revision} but lacks {missing}: it is damaged and "
        "« access-core init » cannot repair it; restore a backup (« access-core restore FILE »)."
    ),
    "error_schema_newer": (
        "The database has schema revision {revision}, unknown to this version of access-core "
        "(written by a newer version?): install that version; nothing was changed."
    ),
    "error_database_read_only": (
        "The database is read-only (permissions of the file, its folder or the account): "
        "nothing was changed."
    ),
    "error_database_file_missing": (
        "No database file at the configured path: check ACCESS_DATABASE_URL, or create it "
        "with « access-core init »."
    ),
    "error_driver_missing": (
        "The database driver {driver} is not installed: pip install 'acces-apprenants[{extra}]'."
    ),
    "error_database_refused": (
        "The database server refused the connection (user, password or database name): "
        "check ACCESS_DATABASE_URL."
    ),
    "error_database_failure": (
        "The database reported an error; nothing was changed. The details are in the server log."
    ),
    "error_not_found": "Learner not found; the list may have changed. Reload the page.",
    "error_validation_error": "Invalid input: {message}",
    "error_config_error": "Invalid configuration: {message}",
    "error_error": "Error: {message}",
    "error_unexpected": (
        "An unexpected error occurred; nothing was changed. The details are in the server log."
    ),
    "learner_data_not_found": "No learner with the login « {login} ».",
    "error_undo_not_found": "No such reset.",
    "error_undo_expired": (
        "This reset can no longer be undone: its undo window is over. Nothing was changed."
    ),
    "error_undo_already_done": "This reset has already been undone. Nothing was changed.",
    "error_undo_refused": "{message}",
    "error_import_not_found": "No such import.",
}
