"""English texts of the documents: identifier workbook and login slips."""

TEXTS: dict[str, str] = {
    "workbook_title": "Learners' identifiers — {class_name}",
    "workbook_sheet": "Identifiers",
    "workbook_note": (
        "Each learner's initial password is their birth date written ddmmyyyy; "
        "it must be changed at first login."
    ),
    "slips_button": "Login slips (PDF)",
    "slips_button_marked": ("Login slips of the {count} marked {count:p:learner|learners} (PDF)"),
    "slips_batch_button": "Slips of the reset accounts (PDF)",
    "slips_skipped_warning": "No slip without a birth date: {names}.",
    "slips_missing_glyphs_warning": (
        "No installed font can write {chars} ({names}): these characters print as a box. "
        "Check these slips."
    ),
    "slips_none": "No slip to print: no learner has a birth date.",
    "slips_layout": "Slip layout",
    "slips_layout_8": "8 per page (to cut)",
    "slips_layout_1": "1 per page (with the first-login steps)",
    "slips_title": "Login slips — {title}",
    "slip_class": "Class: {class_name}",
    "slip_login": "Username",
    "slip_password": "Password",
    "slip_password_hint": "your birth date (ddmmyyyy)",
    "slip_password_change": "To be changed at first login, before {date}.",
    "slip_password_change_nodate": "To be changed at first login.",
    "slip_password_custom": "Personal password",
    "slip_password_expired": "Initial password expired",
    "slip_forgotten": "Forgotten? Ask a school administrator to reset it.",
    "slip_expired_help": "Ask a school administrator to reset it.",
    "slip_portal": "Portal: {url}",
    "slip_steps_title": "First login",
    "slip_login_title": "To log in",
    "slip_step_open": "Open the learners' portal: {url}",
    "slip_step_open_nourl": "Open the school's learners' portal.",
    "slip_step_type": "Type your username and password exactly as written above.",
    "slip_step_choose": (
        "Choose a new password: at least {min} characters, not your birth date, "
        "your username or your name."
    ),
    "slip_step_keep": (
        "Keep your password to yourself. If you forget it, ask an administrator to reset it."
    ),
    "slip_custom_steps": (
        "Log in with the password you chose. If you forgot it, ask a school administrator "
        "to reset it."
    ),
    "slips_import_button": "New pupils' slips (PDF)",
}
