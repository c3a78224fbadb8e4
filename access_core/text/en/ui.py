"""English texts of the dashboard's pages, widgets and tables."""

TEXTS: dict[str, str] = {
    "app_title": "Learner access",
    "page_learner_access": "Learner access management",
    "import_not_utf8": "The CSV file is not UTF-8: save it as « CSV UTF-8 ».",
    "import_plan_changed": (
        "The preview changed since you last saw it (another import, a correction): nothing "
        "was applied. Check the new preview, then apply it."
    ),
    "import_password_moved": "Initial password changed (birth date corrected)",
    "import_password_moved_help": (
        "{count} {count:p:learner|learners} still on the initial password {count:p:has|have} a "
        "corrected birth date: "
        "their password becomes the new date (ddmmyyyy). Learners who chose their own "
        "password keep it."
    ),
    "import_kept": "Kept active: their row is rejected",
    "import_kept_help": (
        "{count} {count:p:learner|learners} missing from the valid rows "
        "{count:p:stays|stay} active because their row is rejected: fix it for the next import."
    ),
    "import_detected": "Format found: {format} · encoding: {encoding} · school year: {year}",
    "import_limits": (
        "Accepted files: SIECLE pupil export (XML, or the ZIP as downloaded), SIECLE list "
        "of pupils by class (CSV), ONDE extraction (CSV), or a CSV/XLSX with Nom, Prénom, "
        "Date de naissance, Classe. At most {mb} MB and {rows} pupils."
    ),
    "import_departed": (
        "{count} {count:p:pupil|pupils} left before today (DATE_SORTIE): treated as absent from "
        "the file."
    ),
    "import_ref": "Reference",
    "import_hashing_estimate": (
        "Initial {count:p:password|passwords} to create for {count} new "
        "{count:p:learner|learners}: ≈ {duration}."
    ),
    "format_siecle_xml": "SIECLE (pupil XML export)",
    "format_siecle_csv": "SIECLE (list of pupils by class, CSV)",
    "format_onde_csv": "ONDE (CSV extraction)",
    "format_csv": "CSV",
    "format_xlsx": "XLSX",
    "not_stated": "not stated",
    "duration_seconds": "{n} s",
    "duration_minutes": "{n} min",
    "page_import": "Import",
    "import_help": (
        "Upload the school's roster export (SIECLE, ONDE, or a CSV/XLSX: last name, first "
        "name, birth date, class, and if possible national id and login). A preview shows "
        "everything that will change; nothing is applied before you confirm."
    ),
    "import_file": "Roster file",
    "import_partial": "Partial import: deactivate nobody missing from the file",
    "import_skip_bad_rows": "Skip the rejected rows and import the others",
    "import_force": "I confirm the deactivation of {count} {count:p:learner|learners}",
    "import_new": "New",
    "import_updated": "Updated",
    "import_moved": "Changing class",
    "import_reactivated": "Reactivated",
    "import_deactivated": "Deactivated",
    "import_rejected": "Rejected",
    "import_unchanged": "Unchanged",
    "import_line": "Line",
    "import_reason": "Reason",
    "field_external_id": "INE",
    "field_last_name": "Last name",
    "field_usage_name": "Usage name",
    "field_first_name": "First name",
    "field_birth_date": "Birth date",
    "field_class_name": "Class",
    "field_login": "Login",
    "import_new_classes": "Classes created: {classes}",
    "import_rejected_help": (
        "{count} {count:p:row|rows} rejected: fix the file, or tick « Skip the rejected rows »."
    ),
    "import_apply": "Apply the import",
    "import_nothing": "Nothing to change: the accounts are up to date.",
    "import_done_passwords": (
        "{count} initial {count:p:password follows|passwords follow} the corrected birth date."
    ),
    "import_done": (
        "Import applied: {new} new, {updated} updated, {moved} changed class, "
        "{reactivated} reactivated, {deactivated} deactivated."
    ),
    "page_journal": "Journal",
    "journal_period": "Period",
    "journal_all_actions": "All actions",
    "journal_actions": "Actions",
    "journal_all_classes": "All classes",
    "journal_actor": "Actor (administrator username)",
    "journal_learner": "Learner (name or login)",
    "journal_apply": "Filter",
    "choose_placeholder": "Choose",
    "journal_total": "{total} {total:p:event|events}",
    "journal_page_of": "page {page} of {pages}",
    "journal_previous": "Previous page",
    "journal_next": "Next page",
    "journal_col_date": "Date",
    "journal_col_role": "Role",
    "journal_role_admin": "Administrator",
    "journal_role_teacher": "Teacher",
    "journal_col_actor": "Actor",
    "journal_col_action": "Action",
    "journal_col_learner": "Learner",
    "journal_col_details": "Details",
    "journal_empty": "No event matches these filters.",
    "journal_current_class": "{name} (current class)",
    "journal_export": "Export as CSV",
    "login_form": "Administrator login",
    "login_username": "Username",
    "login_password": "Password",
    "oidc_sign_in": "Sign in with {provider}",
    "oidc_unknown": (
        "Your {provider} identity matches no account of the dashboard: ask an administrator "
        "to create one for you."
    ),
    "oidc_disabled": "Your account is disabled: ask an administrator.",
    "oidc_no_claim": (
        "{provider} did not send what names your account ({claim}): ask an administrator."
    ),
    "oidc_email_unverified": (
        "{provider} does not say your email address is verified: verify it with "
        "{provider} or ask an administrator."
    ),
    "login_breakglass_only": "For break-glass accounts only.",
    "login_local_off_no_provider": (
        "No way to log in is configured (ACCESS_LOCAL_LOGIN=off without an identity "
        "provider): ask the technical team."
    ),
    "login_submit": "Log in",
    "logged_out": "You are logged out.",
    "session_idle": "Session closed after {duration} without activity: log in again.",
    "minutes_one": "{count} minute",
    "minutes_many": "{count} minutes",
    "session_revoked": "Session closed (logout or account change): log in again.",
    "login_required": "Log in with an administrator account to open this page.",
    "logout": "Log out",
    "logged_in_as": "Logged in: {username}",
    "language": "Language",
    "class_label": "Class",
    "no_classes": "No class is recorded yet.",
    "no_learners": "No active learner in this class.",
    "col_reset": "Reset",
    "col_password": "Password",
    "col_former_class": "Former class",
    "col_deactivated_on": "Deactivated on",
    "col_days_left": "Days left",
    "status_initial": "Initial — to be changed",
    "status_initial_expired": "Initial — expired",
    "status_custom_on": "Changed on {date}",
    "status_custom": "Changed",
    "birth_date_missing": "⚠ missing",
    "birth_date_missing_warning": (
        "No birth date, so no initial password, for: {names}. "
        "Fix the birth date before resetting these accounts."
    ),
    "marked_count": "{count} of {total} {total:p:learner|learners} marked.",
    "mark_all": "Mark all — {table}",
    "table_deactivated": "deactivated",
    "table_search": "results",
    "unmark_all": "Unmark all — {table}",
    "download_identifiers": "Learners' identifier list",
    "reset_marked": "Reset all marked accounts",
    "reset_marked_deactivated": "Reset the marked deactivated accounts",
    "reset_none_marked": "Mark at least one learner in the « Reset » column.",
    "confirm_title": "Confirm the reset",
    "confirm_intro": (
        "{count:p:The password|The passwords} of {count} {count:p:learner|learners} will be reset:"
    ),
    "confirm_effect": (
        "The new password will be the birth date written ddmmyyyy; each learner must "
        "change it at their next login. Nothing the learners saved is erased. "
        "A login lockout after too many attempts is lifted."
    ),
    "confirm_button": "Confirm the reset",
    "cancel_button": "Cancel",
    "hashing_progress": "Computing passwords: {done}/{total}",
    "reset_done": "{count} {count:p:password|passwords} reset.",
    "deactivated_title": "Learners deactivated less than three months ago",
    "deactivated_title_n": "Learners deactivated less than {months} months ago",
    "no_deactivated": "No recently deactivated learner.",
    "cli_password": "Password: ",
    "cli_password_again": "Password again: ",
    "cli_confirm_reset": "Reset these passwords? [y/N] ",
    "cli_cancelled": "cancelled, nothing changed",
    "page_overview": "Overview",
    "overview_active": "Active learners",
    "overview_personalised": "Changed passwords",
    "overview_initial": "Initial, to be changed",
    "overview_expired": "Initial, expired",
    "overview_no_birth_date": "No birth date",
    "overview_rate": "Activation rate",
    "overview_rate_help": "Changed passwords ÷ active learners.",
    "overview_classes_title": "By class",
    "overview_table_help": (
        "Classes sorted by activation rate, lowest first. Select a row to open the class "
        "showing only its initial passwords."
    ),
    "overview_chart_title": "Passwords by class",
    "overview_chart_limited": (
        "The chart shows the {shown} classes with the lowest activation rate (of {total})."
    ),
    "overview_empty": "No active learner yet.",
    "overview_no_class": "(no class)",
    "col_class": "Class",
    "col_learners": "Learners",
    "col_personalised": "Changed",
    "col_initial": "Initial",
    "col_expired": "Expired",
    "col_no_birth_date": "No birth date",
    "col_rate": "Activation rate",
    "chart_count": "Learners",
    "chart_status": "Password",
    "chart_personalised": "Changed",
    "chart_initial": "Initial — to be changed",
    "chart_expired": "Initial — expired",
    "initial_only": "Initial passwords only",
    "no_initial_learners": "No initial password in this class.",
    "search_label": "Find a learner (last name, first name or login)",
    "search_placeholder": "At least two characters",
    "search_too_short": "Type at least two characters.",
    "search_none": "No learner matches this search.",
    "search_more": "{count} more: refine the search.",
    "col_account": "Account",
    "account_active": "Active",
    "account_deactivated_on": "Deactivated on {date}",
    "reset_marked_search": "Reset the marked accounts (search)",
    "deactivated_terms": (
        "« Days left »: days until the account and its data are deleted for good (the legal "
        "term of {months} months after deactivation); at 0, the learner is deleted at the end "
        "of the day by the daily purge. The journal is kept {journal_months} months."
    ),
    "overview_due_week": "To be deleted within 7 days",
    "overview_due_week_help": (
        "Deactivated accounts reaching the retention term ({months} months) within 7 days: the "
        "daily purge deletes them with their data."
    ),
    "overview_overdue": (
        "{count} deactivated {count:p:account is|accounts are} past the retention term and "
        "still stored: is the daily purge not running? (`access-core purge`)"
    ),
    "learner_data_download": "Learner's data (JSON)",
    "learner_data_choose": "Learner whose data to download",
    "journal_deleted_learner": "Deleted learner no. {number}",
    # schools and roles (the school selector, the district overview, a teacher's pages)
    "school_label": "School",
    "school_placeholder": "Choose a school",
    "school_option": "{name} ({uai})",
    "admins_only_page": "This page is for administrators only.",
    "teacher_classes_caption": "Your classes only (teacher account).",
    "overview_schools_title": "By school",
    "overview_schools_help": "Select a row to open that school.",
    "col_uai": "UAI",
    "col_school": "School",
    "undo_reset_button": "Undo this reset",
    "undo_reset_help": (
        "Possible until {time}: each learner gets back the password they had, unless they have "
        "logged in or changed it since."
    ),
    "undo_done": (
        "Reset undone: {count} {count:p:learner has|learners have} their previous password back."
    ),
    "undo_kept_logged_in": "Kept as they are (logged in since the reset): {names}",
    "undo_kept_changed": "Kept as they are (password changed since): {names}",
    "import_id_caption": "Import id (journal, command line): {import_id}",
    "import_slips_none": "No new pupil of this import has a slip to print.",
}
