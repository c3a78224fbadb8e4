"""User-facing texts in French (default) and English, and the display formats built on them."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from access_core.errors import AccessError
from access_core.i18n_overview import OVERVIEW_MESSAGES

MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "app_title": "Accès apprenants",
        "page_learner_access": "Gestion des accès apprenants",
        "import_unknown_layout": (
            "Colonnes non reconnues (ligne 1) : il manque {missing}. Colonnes trouvées : {columns}."
        ),
        "import_empty_file": "Le fichier est vide : pas de ligne d'en-tête.",
        "import_not_utf8": "Le fichier CSV n'est pas en UTF-8 : enregistrez-le en « CSV UTF-8 ».",
        "import_bad_xlsx": "Le fichier XLSX est illisible (abîmé, ou pas un classeur).",
        "import_file_type": "Type de fichier non pris en charge : utilisez .csv ou .xlsx.",
        "import_deactivates_everyone": (
            "Ce fichier désactiverait tous les élèves de l'établissement ({would_deactivate}) : "
            "vérifiez le fichier, ou autorisez explicitement cet import."
        ),
        "import_rows_rejected": (
            "{rejected} ligne(s) rejetée(s) : corrigez-les, ou choisissez de les ignorer."
        ),
        "page_import": "Import",
        "import_help": (
            "Déposez l'export de la base élèves (CSV UTF-8 ou XLSX : Nom, Prénom, Date de "
            "naissance, Classe, et si possible INE et Login). Un aperçu montre tout ce qui "
            "changera ; rien n'est appliqué avant confirmation."
        ),
        "import_file": "Fichier de la base élèves",
        "import_partial": "Import partiel : ne désactiver aucun élève absent du fichier",
        "import_skip_bad_rows": "Ignorer les lignes rejetées et importer les autres",
        "import_force": "Autoriser un import qui désactive tous les élèves",
        "import_new": "Nouveaux",
        "import_updated": "Mis à jour",
        "import_moved": "Changent de classe",
        "import_reactivated": "Réactivés",
        "import_deactivated": "Désactivés",
        "import_rejected": "Rejetés",
        "import_unchanged": "Inchangés",
        "import_line": "Ligne",
        "import_reason": "Motif",
        "import_new_classes": "Classes créées : {classes}",
        "import_rejected_help": (
            "{count} ligne(s) rejetée(s) : corrigez le fichier, ou cochez « Ignorer les lignes "
            "rejetées »."
        ),
        "import_apply": "Appliquer l'import",
        "import_nothing": "Rien à changer : les comptes sont déjà à jour.",
        "import_done": (
            "Import appliqué : {new} nouveau(x), {updated} mis à jour, {moved} changé(s) de "
            "classe, {reactivated} réactivé(s), {deactivated} désactivé(s)."
        ),
        "page_journal": "Journal",
        "journal_period": "Période",
        "journal_actions": "Actions",
        "journal_all_classes": "Toutes les classes",
        "journal_actor": "Auteur (identifiant administrateur)",
        "journal_learner": "Élève (nom, prénom ou login)",
        "journal_apply": "Filtrer",
        "journal_count": "{total} événement(s) — page {page} sur {pages}",
        "journal_col_date": "Date",
        "journal_col_actor": "Auteur",
        "journal_col_action": "Action",
        "journal_col_learner": "Élève",
        "journal_col_details": "Détails",
        "journal_empty": "Aucun événement ne correspond à ces filtres.",
        "journal_page": "Page",
        "journal_export": "Exporter en CSV",
        "login_form": "Connexion administrateur",
        "login_username": "Identifiant",
        "login_password": "Mot de passe",
        "login_submit": "Se connecter",
        "login_failed": "Identifiant ou mot de passe incorrect.",
        "login_locked": (
            "Trop d'échecs de connexion : cet identifiant est bloqué jusqu'à {until}."
        ),
        "logged_out": "Vous êtes déconnecté.",
        "session_idle": "Session fermée après 30 minutes d'inactivité : reconnectez-vous.",
        "session_revoked": (
            "Session fermée (déconnexion ou changement du compte) : reconnectez-vous."
        ),
        "login_required": "Connectez-vous avec un compte administrateur pour accéder à cette page.",
        "logout": "Se déconnecter",
        "logged_in_as": "Connecté : {username}",
        "language": "Langue",
        "class_label": "Classe",
        "no_classes": "Aucune classe n'est enregistrée pour l'instant.",
        "no_learners": "Aucun élève actif dans cette classe.",
        "col_reset": "Réinitialiser",
        "col_last_name": "Nom",
        "col_first_name": "Prénom",
        "col_login": "Login",
        "col_birth_date": "Date de naissance",
        "col_password": "Mot de passe",
        "col_former_class": "Ancienne classe",
        "col_deactivated_on": "Désactivé le",
        "col_days_left": "Jours restants",
        "status_initial": "Initial — à personnaliser",
        "status_initial_expired": "Initial — expiré",
        "status_custom_on": "Personnalisé le {date}",
        "status_custom": "Personnalisé",
        "birth_date_missing": "⚠ manquante",
        "birth_date_missing_warning": (
            "Sans date de naissance, pas de mot de passe initial : {names}. "
            "Corrigez la date de naissance avant de réinitialiser ces comptes."
        ),
        "marked_count": "{count} élève(s) marqué(s) sur {total}.",
        "mark_all": "Tout marquer",
        "unmark_all": "Tout démarquer",
        "download_identifiers": "Liste des identifiants des élèves",
        "reset_marked": "Réinitialiser tous les comptes marqués",
        "reset_marked_deactivated": "Réinitialiser les comptes désactivés marqués",
        "reset_none_marked": "Marquez au moins un élève dans la colonne « Réinitialiser ».",
        "confirm_title": "Confirmer la réinitialisation",
        "confirm_intro": "Le mot de passe de ces {count} élève(s) va être réinitialisé :",
        "confirm_effect": (
            "Le nouveau mot de passe sera la date de naissance sous la forme jjmmaaaa ; "
            "chaque élève devra le personnaliser à sa prochaine connexion. "
            "Les données enregistrées par les élèves ne sont pas effacées."
        ),
        "confirm_button": "Confirmer la réinitialisation",
        "cancel_button": "Annuler",
        "hashing_progress": "Calcul des mots de passe : {done}/{total}",
        "reset_done": "{count} mot(s) de passe réinitialisé(s).",
        "deactivated_title": "Élèves désactivés depuis moins de trois mois",
        "deactivated_title_n": "Élèves désactivés depuis moins de {months} mois",
        "no_deactivated": "Aucun élève désactivé récemment.",
        "workbook_title": "Identifiants des élèves — {class_name}",
        "workbook_sheet": "Identifiants",
        "workbook_note": (
            "Le mot de passe initial de chaque élève est sa date de naissance sous la forme "
            "jjmmaaaa ; il devra être personnalisé à la première connexion."
        ),
        "error_not_authorized": "Accès refusé : un compte administrateur actif est requis.",
        "error_reset_refused": (
            "Réinitialisation refusée, aucun compte n'a été modifié. "
            "Date de naissance manquante pour : {names}."
        ),
        "error_batch_already_applied": "Cette réinitialisation a déjà été appliquée.",
        "error_concurrent_change": (
            "{name} a été modifié entre-temps ; aucun compte n'a été réinitialisé. Réessayez."
        ),
        "error_database_unavailable": (
            "La base de données est injoignable pour le moment. Réessayez dans quelques "
            "instants ; la page se rétablira d'elle-même."
        ),
        "error_database_busy": "Base occupée, réessayez.",
        "error_schema_missing": (
            "La base de données n'est pas initialisée : lancez « access-core init »."
        ),
        "error_not_found": "Élève introuvable ; la liste a peut-être changé. Rechargez la page.",
        "error_validation_error": "Saisie invalide : {message}",
        "error_config_error": "Configuration invalide : {message}",
        "error_error": "Erreur : {message}",
        "error_unexpected": (
            "Une erreur inattendue est survenue ; rien n'a été modifié. "
            "Les détails sont dans le journal du serveur."
        ),
    },
    "en": {
        "app_title": "Learner access",
        "page_learner_access": "Learner access management",
        "import_unknown_layout": (
            "Unknown column layout (line 1): missing {missing}. Columns found: {columns}."
        ),
        "import_empty_file": "The file is empty: no header row.",
        "import_not_utf8": "The CSV file is not UTF-8: save it as « CSV UTF-8 ».",
        "import_bad_xlsx": "The XLSX file cannot be read (damaged, or not a workbook).",
        "import_file_type": "Unsupported file type: use .csv or .xlsx.",
        "import_deactivates_everyone": (
            "This file would deactivate every learner of the school ({would_deactivate}): "
            "check the file, or allow this import explicitly."
        ),
        "import_rows_rejected": "{rejected} row(s) rejected: fix them, or choose to skip them.",
        "page_import": "Import",
        "import_help": (
            "Upload the school's roster export (UTF-8 CSV or XLSX: last name, first name, birth "
            "date, class, and if possible national id and login). A preview shows everything "
            "that will change; nothing is applied before you confirm."
        ),
        "import_file": "Roster file",
        "import_partial": "Partial import: deactivate nobody missing from the file",
        "import_skip_bad_rows": "Skip the rejected rows and import the others",
        "import_force": "Allow an import that deactivates every learner",
        "import_new": "New",
        "import_updated": "Updated",
        "import_moved": "Changing class",
        "import_reactivated": "Reactivated",
        "import_deactivated": "Deactivated",
        "import_rejected": "Rejected",
        "import_unchanged": "Unchanged",
        "import_line": "Line",
        "import_reason": "Reason",
        "import_new_classes": "Classes created: {classes}",
        "import_rejected_help": (
            "{count} row(s) rejected: fix the file, or tick « Skip the rejected rows »."
        ),
        "import_apply": "Apply the import",
        "import_nothing": "Nothing to change: the accounts are up to date.",
        "import_done": (
            "Import applied: {new} new, {updated} updated, {moved} changed class, "
            "{reactivated} reactivated, {deactivated} deactivated."
        ),
        "page_journal": "Journal",
        "journal_period": "Period",
        "journal_actions": "Actions",
        "journal_all_classes": "All classes",
        "journal_actor": "Actor (administrator username)",
        "journal_learner": "Learner (name or login)",
        "journal_apply": "Filter",
        "journal_count": "{total} event(s) — page {page} of {pages}",
        "journal_col_date": "Date",
        "journal_col_actor": "Actor",
        "journal_col_action": "Action",
        "journal_col_learner": "Learner",
        "journal_col_details": "Details",
        "journal_empty": "No event matches these filters.",
        "journal_page": "Page",
        "journal_export": "Export as CSV",
        "login_form": "Administrator login",
        "login_username": "Username",
        "login_password": "Password",
        "login_submit": "Log in",
        "login_failed": "Wrong username or password.",
        "login_locked": "Too many failed logins: this username is locked until {until}.",
        "logged_out": "You are logged out.",
        "session_idle": "Session closed after 30 minutes without activity: log in again.",
        "session_revoked": "Session closed (logout or account change): log in again.",
        "login_required": "Log in with an administrator account to open this page.",
        "logout": "Log out",
        "logged_in_as": "Logged in: {username}",
        "language": "Language",
        "class_label": "Class",
        "no_classes": "No class is recorded yet.",
        "no_learners": "No active learner in this class.",
        "col_reset": "Reset",
        "col_last_name": "Last name",
        "col_first_name": "First name",
        "col_login": "Login",
        "col_birth_date": "Birth date",
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
        "marked_count": "{count} of {total} learner(s) marked.",
        "mark_all": "Mark all",
        "unmark_all": "Unmark all",
        "download_identifiers": "Learners' identifier list",
        "reset_marked": "Reset all marked accounts",
        "reset_marked_deactivated": "Reset the marked deactivated accounts",
        "reset_none_marked": "Mark at least one learner in the « Reset » column.",
        "confirm_title": "Confirm the reset",
        "confirm_intro": "The password of these {count} learner(s) will be reset:",
        "confirm_effect": (
            "The new password will be the birth date written ddmmyyyy; each learner must "
            "change it at their next login. Nothing the learners saved is erased."
        ),
        "confirm_button": "Confirm the reset",
        "cancel_button": "Cancel",
        "hashing_progress": "Computing passwords: {done}/{total}",
        "reset_done": "{count} password(s) reset.",
        "deactivated_title": "Learners deactivated less than three months ago",
        "deactivated_title_n": "Learners deactivated less than {months} months ago",
        "no_deactivated": "No recently deactivated learner.",
        "workbook_title": "Learners' identifiers — {class_name}",
        "workbook_sheet": "Identifiers",
        "workbook_note": (
            "Each learner's initial password is their birth date written ddmmyyyy; "
            "it must be changed at first login."
        ),
        "error_not_authorized": "Access denied: an active administrator account is required.",
        "error_reset_refused": (
            "Reset refused, no account was changed. Birth date missing for: {names}."
        ),
        "error_batch_already_applied": "This reset has already been applied.",
        "error_concurrent_change": (
            "{name} was changed meanwhile; no account was reset. Try again."
        ),
        "error_database_unavailable": (
            "The database cannot be reached right now. Try again in a moment; "
            "the page will recover by itself."
        ),
        "error_database_busy": "Database busy, try again.",
        "error_schema_missing": "The database has no schema yet: run « access-core init ».",
        "error_not_found": "Learner not found; the list may have changed. Reload the page.",
        "error_validation_error": "Invalid input: {message}",
        "error_config_error": "Invalid configuration: {message}",
        "error_error": "Error: {message}",
        "error_unexpected": (
            "An unexpected error occurred; nothing was changed. The details are in the server log."
        ),
    },
}

for _lang, _texts in OVERVIEW_MESSAGES.items():
    MESSAGES[_lang].update(_texts)


def t(key: str, lang: str, **params: object) -> str:
    """The text ``key`` in ``lang`` (falling back to French), formatted with ``params``."""
    table = MESSAGES.get(lang, MESSAGES["fr"])
    text = table.get(key) or MESSAGES["fr"][key]
    return text.format(**params) if params else text


def error_message(error: AccessError, lang: str) -> str:
    """A user-facing message for an expected error (its ``key`` when it has one)."""
    params: dict[str, object] = {"message": str(error), **error.params}
    for name in ("names", "missing"):
        if name in params and not isinstance(params[name], str):
            params[name] = ", ".join(map(str, params[name]))  # type: ignore[call-overload]
    key = str(params.pop("key", "") or f"error_{error.code}")
    try:
        return t(key, lang, **params)
    except (KeyError, IndexError):
        return t("error_error", lang, message=str(error))


def format_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def password_status(
    must_change: bool,
    changed_at: datetime | None,
    tz: ZoneInfo,
    lang: str,
    expired: bool = False,
) -> str:
    """« Initial — à personnaliser » (« Initial — expiré » once expired),
    « Personnalisé le jj/mm/aaaa » or « Personnalisé »."""
    if must_change:
        return t("status_initial_expired" if expired else "status_initial", lang)
    if changed_at is None:
        return t("status_custom", lang)
    return t("status_custom_on", lang, date=format_date(changed_at.astimezone(tz).date()))
