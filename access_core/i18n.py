"""User-facing texts in French (default) and English; ``access_ui.wording`` builds on them."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import date

from access_core.errors import AccessError
from access_core.i18n_cli import CLI_MESSAGES
from access_core.i18n_overview import OVERVIEW_MESSAGES
from access_core.i18n_slips import SLIP_MESSAGES

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
        "import_no_rows": "Le fichier ne contient aucune ligne d'élève : rien à importer.",
        "import_needs_confirmation": (
            "Cet import désactiverait {count} des {active} élèves actifs (plus de {percent} %) : "
            "vérifiez le fichier, ou confirmez explicitement ces désactivations."
        ),
        "import_changed_meanwhile": (
            "Les élèves ont changé depuis l'aperçu : rien n'a été importé. "
            "Vérifiez le nouvel aperçu."
        ),
        "import_plan_changed": (
            "L'aperçu a changé depuis votre dernier affichage (un autre import, une correction) : "
            "rien n'a été appliqué. Vérifiez le nouvel aperçu, puis appliquez-le."
        ),
        "import_password_moved": "Mot de passe initial changé (date de naissance corrigée)",
        "import_password_moved_help": (
            "{count} élève(s) encore au mot de passe initial ont une date de naissance corrigée : "
            "leur mot de passe devient la nouvelle date (jjmmaaaa). Les élèves qui ont "
            "personnalisé leur mot de passe le gardent."
        ),
        "import_kept": "Gardés actifs : leur ligne est rejetée",
        "import_kept_help": (
            "{count} élève(s) absent(s) des lignes valides restent actifs parce que leur ligne "
            "est rejetée : corrigez-la au prochain import."
        ),
        "import_too_large": (
            "Fichier trop volumineux : plus de {limit} Mo une fois décompressé "
            "(réglage ACCESS_IMPORT_MAX_BYTES)."
        ),
        "import_too_many_rows": (
            "Le fichier a plus de {limit} lignes (réglage ACCESS_IMPORT_MAX_ROWS)."
        ),
        "import_bad_zip": "Le fichier ZIP est illisible (abîmé).",
        "import_zip_xml_count": (
            "Le fichier ZIP doit contenir exactement un fichier .xml ; il en contient {count}."
        ),
        "import_bad_xml": "Le fichier XML est illisible (ligne {line}).",
        "import_too_many_columns": "Le fichier a plus de {limit} colonnes (ligne {line}).",
        "import_xml_too_deep": (
            "Le fichier XML imbrique plus de {depth} niveaux d'éléments (ligne {line}) : "
            "ce n'est pas un export SIECLE."
        ),
        "import_xml_forbidden": (
            "Le fichier XML déclare des entités ou des références externes : refusé."
        ),
        "import_not_siecle": (
            "Ce fichier XML n'est pas un export élèves SIECLE (racine BEE_ELEVES attendue)."
        ),
        "import_bad_encoding": (
            "L'encodage du fichier n'est pas reconnu (ni UTF-8 ni Windows-1252) : "
            "enregistrez-le en « CSV UTF-8 »."
        ),
        "import_garbled": (
            "Les accents du fichier sont abîmés (ligne {line}) : exportez-le à nouveau, "
            "ou enregistrez-le en « CSV UTF-8 »."
        ),
        "import_bad_csv": "Le fichier CSV est illisible (ligne {line}).",
        "import_detected": (
            "Format reconnu : {format} · encodage : {encoding} · année scolaire : {year}"
        ),
        "import_limits": (
            "Fichiers acceptés : export élèves SIECLE (XML, ou le ZIP tel que téléchargé), "
            "liste SIECLE des élèves par division (CSV), extraction ONDE (CSV), ou un CSV/XLSX "
            "avec Nom, Prénom, Date de naissance, Classe. Au plus {mb} Mo et {rows} élèves."
        ),
        "import_departed": (
            "{count} élève(s) sorti(s) avant aujourd'hui (DATE_SORTIE) : traité(s) comme "
            "absent(s) du fichier."
        ),
        "import_ref": "Référence",
        "import_hashing_estimate": (
            "Mots de passe initiaux à créer pour {count} nouvel(s) élève(s) : ≈ {duration}."
        ),
        "format_siecle_xml": "SIECLE (export XML des élèves)",
        "format_siecle_csv": "SIECLE (liste des élèves par division, CSV)",
        "format_onde_csv": "ONDE (extraction CSV)",
        "format_csv": "CSV",
        "format_xlsx": "XLSX",
        "not_stated": "non indiquée",
        "duration_seconds": "{n} s",
        "duration_minutes": "{n} min",
        "import_file_type": (
            "Type de fichier non pris en charge : utilisez .csv, .xlsx, .xml ou .zip."
        ),
        "import_rows_rejected": (
            "{rejected} ligne(s) rejetée(s) : corrigez-les, ou choisissez de les ignorer."
        ),
        "page_import": "Import",
        "import_help": (
            "Déposez l'export de la base élèves (SIECLE, ONDE, ou un CSV/XLSX : Nom, Prénom, Date "
            "de naissance, Classe, et si possible INE et Login). Un aperçu montre tout ce qui "
            "changera ; rien n'est appliqué avant confirmation."
        ),
        "import_file": "Fichier de la base élèves",
        "import_partial": "Import partiel : ne désactiver aucun élève absent du fichier",
        "import_skip_bad_rows": "Ignorer les lignes rejetées et importer les autres",
        "import_force": "Je confirme la désactivation de {count} élève(s)",
        "import_new": "Nouveaux",
        "import_updated": "Mis à jour",
        "import_moved": "Changent de classe",
        "import_reactivated": "Réactivés",
        "import_deactivated": "Désactivés",
        "import_rejected": "Rejetés",
        "import_unchanged": "Inchangés",
        "import_line": "Ligne",
        "import_reason": "Motif",
        "reject_missing_fields": "champ(s) manquant(s) : {fields}",
        "field_external_id": "INE",
        "field_last_name": "Nom",
        "field_usage_name": "Nom d'usage",
        "field_first_name": "Prénom",
        "field_birth_date": "Date de naissance",
        "field_class_name": "Classe",
        "field_login": "Login",
        "reject_too_long": "trop long : {fields}",
        "reject_impossible_date": "date impossible « {value} »",
        "reject_unreadable_date": "date illisible « {value} » (attendu jj/mm/aaaa ou aaaa-mm-jj)",
        "reject_future_date": "date de naissance {date} dans le futur",
        "reject_too_old_date": "date de naissance {date} antérieure à {year}",
        "reject_bad_login": "login « {login} » : lettres a-z, chiffres, . - _ seulement",
        "reject_duplicate_external_id": "INE {external_id} déjà à la ligne {other_line}",
        "reject_duplicate_login": "login {login} déjà à la ligne {other_line}",
        "reject_same_learner_twice": "le même élève est sur une autre ligne",
        "reject_login_taken": "le login {login} appartient à un autre élève",
        "reject_siecle_repeated_id": "ELEVE_ID absent ou répété",
        "reject_siecle_bad_departure": "DATE_SORTIE illisible « {value} »",
        "reject_siecle_no_division": "aucune classe (division) dans le fichier",
        "reject_control_characters": "caractères de contrôle dans : {fields}",
        "reject_ambiguous_symbols": (
            "symbole {symbol} dans : {fields} (encodage mal reconnu) : enregistrez le fichier "
            "en « CSV UTF-8 »"
        ),
        "import_new_classes": "Classes créées : {classes}",
        "import_rejected_help": (
            "{count} ligne(s) rejetée(s) : corrigez le fichier, ou cochez « Ignorer les lignes "
            "rejetées »."
        ),
        "import_apply": "Appliquer l'import",
        "import_nothing": "Rien à changer : les comptes sont déjà à jour.",
        "import_done_passwords": "{count} mot(s) de passe initial(aux) suivent la date corrigée.",
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
        "journal_current_class": "{name} (classe actuelle)",
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
        "session_idle": "Session fermée après {duration} d'inactivité : reconnectez-vous.",
        "minutes_one": "{count} minute",
        "minutes_many": "{count} minutes",
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
            "Les données enregistrées par les élèves ne sont pas effacées. "
            "Un blocage de connexion après trop d'essais est levé."
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
        "cli_password": "Mot de passe : ",
        "cli_password_again": "Mot de passe (encore) : ",
        "cli_confirm_reset": "Réinitialiser ces mots de passe ? [o/N] ",
        "cli_cancelled": "annulé, rien n'a été modifié",
        "error_schema_outdated": (
            "Le schéma de la base de données est en retard sur cette version : "
            "lancez « access-core init »."
        ),
        "error_schema_newer": (
            "La base de données a la révision de schéma {revision}, inconnue de cette version "
            "d'access-core (écrite par une version plus récente ?) : installez cette version ; "
            "rien n'a été modifié."
        ),
        "error_database_read_only": (
            "La base de données est en lecture seule (droits du fichier, de son dossier ou du "
            "compte) : rien n'a été modifié."
        ),
        "error_database_file_missing": (
            "Aucun fichier de base de données à l'emplacement configuré : vérifiez "
            "ACCESS_DATABASE_URL, ou créez-la avec « access-core init »."
        ),
        "error_driver_missing": (
            "Le pilote de base de données {driver} n'est pas installé : "
            "pip install 'acces-apprenants[{extra}]'."
        ),
        "error_database_refused": (
            "Le serveur de base de données refuse la connexion (utilisateur, mot de passe ou "
            "nom de base) : vérifiez ACCESS_DATABASE_URL."
        ),
        "error_database_failure": (
            "La base de données a signalé une erreur ; rien n'a été modifié. "
            "Les détails sont dans le journal du serveur."
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
        "import_no_rows": "The file has no learner rows: nothing to import.",
        "import_needs_confirmation": (
            "This import would deactivate {count} of the {active} active learners (more than "
            "{percent} %): check the file, or confirm these deactivations explicitly."
        ),
        "import_changed_meanwhile": (
            "The learners changed since the preview: nothing was imported. "
            "Check the new preview."
        ),
        "import_plan_changed": (
            "The preview changed since you last saw it (another import, a correction): nothing "
            "was applied. Check the new preview, then apply it."
        ),
        "import_password_moved": "Initial password changed (birth date corrected)",
        "import_password_moved_help": (
            "{count} learner(s) still on the initial password have a corrected birth date: "
            "their password becomes the new date (ddmmyyyy). Learners who chose their own "
            "password keep it."
        ),
        "import_kept": "Kept active: their row is rejected",
        "import_kept_help": (
            "{count} learner(s) missing from the valid rows stay active because their row is "
            "rejected: fix it for the next import."
        ),
        "import_too_large": (
            "The file is too large: more than {limit} MB once decompressed "
            "(setting ACCESS_IMPORT_MAX_BYTES)."
        ),
        "import_too_many_rows": "The file has more than {limit} rows (ACCESS_IMPORT_MAX_ROWS).",
        "import_bad_zip": "The ZIP file cannot be read (damaged).",
        "import_zip_xml_count": (
            "The ZIP file must hold exactly one .xml file; it holds {count}."
        ),
        "import_bad_xml": "The XML file cannot be read (line {line}).",
        "import_too_many_columns": "The file has more than {limit} columns (line {line}).",
        "import_xml_too_deep": (
            "The XML file nests elements more than {depth} deep (line {line}): "
            "not a SIECLE export."
        ),
        "import_xml_forbidden": (
            "The XML file declares entities or external references: refused."
        ),
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
        "import_detected": "Format found: {format} · encoding: {encoding} · school year: {year}",
        "import_limits": (
            "Accepted files: SIECLE pupil export (XML, or the ZIP as downloaded), SIECLE list "
            "of pupils by class (CSV), ONDE extraction (CSV), or a CSV/XLSX with Nom, Prénom, "
            "Date de naissance, Classe. At most {mb} MB and {rows} pupils."
        ),
        "import_departed": (
            "{count} pupil(s) left before today (DATE_SORTIE): treated as absent from the file."
        ),
        "import_ref": "Reference",
        "import_hashing_estimate": (
            "Initial passwords to create for {count} new learner(s): ≈ {duration}."
        ),
        "format_siecle_xml": "SIECLE (pupil XML export)",
        "format_siecle_csv": "SIECLE (list of pupils by class, CSV)",
        "format_onde_csv": "ONDE (CSV extraction)",
        "format_csv": "CSV",
        "format_xlsx": "XLSX",
        "not_stated": "not stated",
        "duration_seconds": "{n} s",
        "duration_minutes": "{n} min",
        "import_file_type": "Unsupported file type: use .csv, .xlsx, .xml or .zip.",
        "import_rows_rejected": "{rejected} row(s) rejected: fix them, or choose to skip them.",
        "page_import": "Import",
        "import_help": (
            "Upload the school's roster export (SIECLE, ONDE, or a CSV/XLSX: last name, first "
            "name, birth date, class, and if possible national id and login). A preview shows "
            "everything that will change; nothing is applied before you confirm."
        ),
        "import_file": "Roster file",
        "import_partial": "Partial import: deactivate nobody missing from the file",
        "import_skip_bad_rows": "Skip the rejected rows and import the others",
        "import_force": "I confirm the deactivation of {count} learner(s)",
        "import_new": "New",
        "import_updated": "Updated",
        "import_moved": "Changing class",
        "import_reactivated": "Reactivated",
        "import_deactivated": "Deactivated",
        "import_rejected": "Rejected",
        "import_unchanged": "Unchanged",
        "import_line": "Line",
        "import_reason": "Reason",
        "reject_missing_fields": "missing {fields}",
        "field_external_id": "INE",
        "field_last_name": "Last name",
        "field_usage_name": "Usage name",
        "field_first_name": "First name",
        "field_birth_date": "Birth date",
        "field_class_name": "Class",
        "field_login": "Login",
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
        "import_new_classes": "Classes created: {classes}",
        "import_rejected_help": (
            "{count} row(s) rejected: fix the file, or tick « Skip the rejected rows »."
        ),
        "import_apply": "Apply the import",
        "import_nothing": "Nothing to change: the accounts are up to date.",
        "import_done_passwords": "{count} initial password(s) follow the corrected birth date.",
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
        "journal_current_class": "{name} (current class)",
        "journal_page": "Page",
        "journal_export": "Export as CSV",
        "login_form": "Administrator login",
        "login_username": "Username",
        "login_password": "Password",
        "login_submit": "Log in",
        "login_failed": "Wrong username or password.",
        "login_locked": "Too many failed logins: this username is locked until {until}.",
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
            "change it at their next login. Nothing the learners saved is erased. "
            "A login lockout after too many attempts is lifted."
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
        "cli_password": "Password: ",
        "cli_password_again": "Password again: ",
        "cli_confirm_reset": "Reset these passwords? [y/N] ",
        "cli_cancelled": "cancelled, nothing changed",
        "error_schema_outdated": (
            "The database schema is older than this version: run « access-core init »."
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
            "The database driver {driver} is not installed: "
            "pip install 'acces-apprenants[{extra}]'."
        ),
        "error_database_refused": (
            "The database server refused the connection (user, password or database name): "
            "check ACCESS_DATABASE_URL."
        ),
        "error_database_failure": (
            "The database reported an error; nothing was changed. The details are in the "
            "server log."
        ),
        "error_not_found": "Learner not found; the list may have changed. Reload the page.",
        "error_validation_error": "Invalid input: {message}",
        "error_config_error": "Invalid configuration: {message}",
        "error_error": "Error: {message}",
        "error_unexpected": (
            "An unexpected error occurred; nothing was changed. The details are in the server log."
        ),
    },
}

for _extra in (SLIP_MESSAGES, OVERVIEW_MESSAGES, CLI_MESSAGES):
    for _lang, _texts in _extra.items():
        MESSAGES[_lang].update(_texts)


def t(key: str, lang: str, **params: object) -> str:
    """The text ``key`` in ``lang`` (falling back to French), formatted with ``params``."""
    table = MESSAGES.get(lang, MESSAGES["fr"])
    text = table.get(key) or MESSAGES["fr"][key]
    return text.format(**params) if params else text


# Parameters holding roster field codes (``last_name``...), worded by ``field_<code>``.
FIELD_PARAMS = ("fields", "missing")


def field_names(fields: Iterable[object], lang: str) -> str:
    """Roster field codes worded in ``lang`` and joined: « Nom, Date de naissance »."""
    return ", ".join(t(f"field_{f}", lang) for f in fields)


def with_field_names(params: dict[str, object], lang: str) -> dict[str, object]:
    """``params`` with its field codes (``FIELD_PARAMS``, sequences) worded in ``lang``."""
    return {
        k: field_names(v, lang) if k in FIELD_PARAMS and isinstance(v, list | tuple) else v
        for k, v in params.items()
    }


def rejection_reason(code: str, params: dict[str, object], written: str, lang: str) -> str:
    """Why a roster row is rejected, in ``lang`` (``written``: the reader's own English reason,
    for a reason without a code or one not worded yet)."""
    try:
        return t(f"reject_{code}", lang, **with_field_names(params, lang))
    except KeyError:
        return written


def error_message(
    error: AccessError, lang: str, escape: Callable[[str], str] = str
) -> str:
    """A user-facing message for an expected error (its ``key`` when it has one). ``escape``
    is applied to every value taken from the error (names, file headers...), e.g. to show them
    literally in a markdown-rendering widget."""
    params = with_field_names({"message": str(error), **error.params}, lang)
    for name in ("names", "missing", "columns"):
        if name in params and not isinstance(params[name], str):
            params[name] = ", ".join(map(str, params[name]))  # type: ignore[call-overload]
    key = str(params.pop("key", "") or f"error_{error.code}")
    params = {k: escape(v) if isinstance(v, str) else v for k, v in params.items()}
    try:
        return t(key, lang, **params)
    except (KeyError, IndexError):
        return t("error_error", lang, message=escape(str(error)))


def format_date(value: date) -> str:
    """jj/mm/aaaa, as every page, export and slip writes a date."""
    return value.strftime("%d/%m/%Y")


def format_duration(seconds: float, lang: str) -> str:
    """« 40 s », « 4 min » (rounded up: an estimate should not promise too little)."""
    if seconds < 60:
        return t("duration_seconds", lang, n=max(1, math.ceil(seconds)))
    return t("duration_minutes", lang, n=math.ceil(seconds / 60))
