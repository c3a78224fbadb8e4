"""English texts of the schools: their register, the command line's school commands, the
import's school rule."""

TEXTS: dict[str, str] = {
    "error_uai_invalid": ("'{uai}' is not a UAI: 7 digits and their check letter (e.g. 0750655E)."),
    "error_uai_check_letter": (
        "'{uai}' is not a UAI: the check letter of {digits} is {expected}, not {letter}."
    ),
    "error_uai_taken": "A school with the UAI {uai} exists already.",
    "error_uai_unknown": "No school with the UAI {uai}.",
    "error_school_name": (
        "A school's name is 1 to {limit} characters, without control characters."
    ),
    "error_portal_url": (
        "The portal address must be an http or https address without a user name or "
        "password (got {url})."
    ),
    "error_import_school_required": (
        "This installation has several schools: say which one the file is for."
    ),
    "cli_error_import_school_required": (
        "this installation has several schools: name the file's school with --school UAI "
        "(access-core list-schools lists them)"
    ),
    "import_other_school": (
        "This file is the export of the school {file_uai}, not of {school_uai}: nothing was "
        "imported."
    ),
    "import_other_school_no_uai": (
        "This file is the export of the school {file_uai}, another school of this "
        "installation: nothing was imported (this school has no UAI yet)."
    ),
    "reject_external_id_other_school": (
        "national id {external_id} is an active learner's of another school (taken over once "
        "that school has deactivated them)"
    ),
    "import_transferred": "Arriving from another school",
    "cli_plan_transferred": "arriving from another school",
    "cli_school_created": "school {uai} '{name}' created",
    "cli_school_updated": "school {uai} '{name}' changed",
    "cli_school_unchanged": "school {uai} '{name}': nothing to change",
    "cli_school_no_uai": "no UAI",
    "cli_import_school": "School: {uai} {name}",
}
