"""The wording of ``access-core``'s messages (successes, summaries, warnings, errors), in French
and English.

Merged into ``i18n.MESSAGES``: read them with ``i18n.t`` like every other text. A
``cli_error_<code>`` (or ``cli_<key>``) text replaces the pages' wording of an error in the
terminal (see ``cli_error_message``). Machine-readable output (``stats --format csv``, the
tab-separated listings, ``check``'s ``key: value`` lines) is not translated.
"""

from __future__ import annotations

CLI_MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "cli_schema_created": "schéma créé à la révision {revision}",
        "cli_schema_upgraded": "schéma mis à jour de la révision {before} à {after}",
        "cli_schema_current": "schéma déjà à la révision {revision} : rien à faire",
        "cli_demo_created": (
            "établissement de démonstration créé : {classes} classes, {active} élèves actifs, "
            "{deactivated} désactivés"
        ),
        "cli_demo_created_total": (
            "établissement de démonstration créé : {classes} classes, {learners} élèves"
        ),
        "cli_admin_created": "administrateur « {username} » créé",
        "cli_admin_password_changed": (
            "mot de passe de « {username} » changé ; ses sessions ouvertes sont fermées"
        ),
        "cli_admin_disabled": "administrateur « {username} » désactivé ; ses sessions ouvertes "
        "sont fermées",
        "cli_admin_enabled": "administrateur « {username} » réactivé",
        "cli_unlocked": "« {username} » débloqué",
        "cli_not_locked": "« {username} » n'était pas bloqué",
        "cli_first_admin": "  administrateur : {username}",
        "cli_first_password": "  mot de passe :   {password}",
        "cli_first_once": (
            "  affiché une seule fois : notez-le maintenant (seule son empreinte bcrypt est "
            "enregistrée)"
        ),
        "cli_admins_exist": (
            "des comptes administrateurs existent déjà : connectez-vous avec le vôtre"
        ),
        "cli_export_written": "{count} élève(s) de {class_name} écrit(s) dans {output}",
        "cli_slips_written": "{count} fiche(s) sur {pages} page(s) écrite(s) dans {output}",
        "cli_slip_no_birth_date": "attention : pas de date de naissance, pas de fiche pour {name}",
        "cli_slips_class_written": "[{number}/{total}] {class_name} : {count} fiche(s)",
        "cli_slips_class_empty": (
            "[{number}/{total}] {class_name} : aucune fiche (aucun élève, ou aucun avec une date "
            "de naissance)"
        ),
        "cli_slip_missing_glyph": (
            "attention : aucune police installée n'a {char} (U+{code}) de {name} ; imprimé "
            "comme {mark}"
        ),
        "cli_state_active": "actif",
        "cli_state_deactivated": "désactivé",
        "cli_reset_list": (
            "{count} élève(s) à réinitialiser à leur date de naissance (jjmmaaaa) :"
        ),
        "cli_reset_done": "{count} mot(s) de passe réinitialisé(s) (lot {batch})",
        "cli_reset_slips_hint": "leurs fiches de connexion : {command}",
        "cli_import_file": (
            "format : {format}, encodage : {encoding}, année scolaire : {year}"
        ),
        "cli_import_year_unknown": "non indiquée",
        "cli_import_departed": " ; {count} élève(s) parti(s) avant aujourd'hui",
        "cli_plan_new": "nouveaux",
        "cli_plan_updated": "mis à jour",
        "cli_plan_moved": "changés de classe",
        "cli_plan_reactivated": "réactivés",
        "cli_plan_deactivated": "désactivés",
        "cli_plan_unchanged": "inchangés",
        "cli_plan_rejected": "rejetés",
        "cli_plan_password_moved": (
            "mot de passe initial déplacé vers la date de naissance corrigée"
        ),
        "cli_plan_kept": "gardés actifs : leur ligne est rejetée",
        "cli_plan_count": "nombre",
        "cli_plan_line": "ligne {line}",
        "cli_plan_not_in_file": "absent du fichier",
        "cli_plan_more": "  ... et {count} de plus",
        "cli_plan_new_classes": "nouvelles classes : {names}",
        "cli_plan_needs_confirmation": (
            "cet import désactive {count} des {active} élèves actifs (plus de {percent} %) : {how}"
        ),
        "cli_plan_forced": "confirmé par --force",
        "cli_plan_needs_force": "il faut --force",
        "cli_import_hashing": (
            "mots de passe initiaux de {count} nouvel(aux) élève(s) : environ {seconds} s"
        ),
        "cli_import_refused": (
            "rien n'a été importé : corrigez les lignes rejetées ou passez --skip-bad-rows"
        ),
        "cli_import_dry_run": "simulation : rien n'a été importé",
        "cli_import_nothing": "rien à changer",
        "cli_import_done": (
            "importé : {new} nouveau(x), {updated} mis à jour, {moved} changé(s) de classe, "
            "{reactivated} réactivé(s), {deactivated} désactivé(s)"
        ),
        "cli_import_passwords_moved": (
            " ; {count} mot(s) de passe initial(aux) déplacé(s) vers la date de naissance corrigée"
        ),
        "cli_import_skipped": " ; {count} ligne(s) invalide(s) ignorée(s)",
        "cli_check_problems": "{count} problème(s)",
        "cli_backup_written": (
            "sauvegarde écrite dans {path} (schéma {revision}, {learners} élève(s))"
        ),
        "cli_restored": (
            "restauré depuis {path} (schéma {revision}, {learners} élève(s)) ; schéma maintenant "
            "à {head}"
        ),
        "cli_interrupted": "interrompu, rien n'a été modifié",
        "cli_progress_demo": "mots de passe de démonstration",
        "cli_progress_hashing": "calcul des mots de passe",
        "cli_progress_initial": "mots de passe initiaux",
        # errors raised by the command line itself
        "cli_no_terminal": (
            "pas de terminal pour demander le mot de passe : utilisez --password-stdin"
        ),
        "cli_passwords_differ": "les deux mots de passe diffèrent",
        "cli_cannot_write": "impossible d'écrire {path} : {reason}",
        "cli_not_a_folder": "{path} n'est pas un dossier",
        "cli_folder_not_empty": "{path} n'est pas vide : indiquez un nouveau dossier",
        "cli_cannot_read": "impossible de lire {path} : {reason}",
        "cli_unknown_logins": "login(s) inconnu(s) : {logins}",
        "cli_no_slip_no_birth_date": (
            "aucune fiche à imprimer : aucun élève n'a de date de naissance"
        ),
        "cli_no_slip_no_learner": "aucune fiche à imprimer : aucun élève trouvé",
        "cli_nothing_to_reset": "aucun élève à réinitialiser",
        "cli_confirmation_needed": (
            "confirmation nécessaire : lancez la commande dans un terminal ou passez --yes"
        ),
        "cli_class_not_found": "aucune classe nommée « {name} »",
        "cli_class_not_found_close": (
            "aucune classe nommée « {name} » ; vouliez-vous dire : {suggestions} ?"
        ),
        # the terminal's wording of errors whose page wording speaks of the page
        "cli_error_error": "{message}",
        "cli_error_validation_error": "{message}",
        "cli_error_not_found": "introuvable : {message}",
        "cli_error_database_unavailable": (
            "la base de données est injoignable : vérifiez ACCESS_DATABASE_URL et que son "
            "serveur fonctionne (--verbose montre la cause)"
        ),
        "cli_error_database_failure": (
            "la base de données a signalé une erreur ; rien n'a été modifié : {message}"
        ),
        "cli_error_database_file_missing": (
            "aucun fichier de base de données SQLite à {path} : vérifiez ACCESS_DATABASE_URL, "
            "ou créez-la avec « access-core init »"
        ),
        "cli_import_needs_confirmation": (
            "cet import désactiverait {count} des {active} élèves actifs (plus de {percent} %) : "
            "vérifiez le fichier, ou confirmez avec --force"
        ),
        "error_admin_not_found": "aucun administrateur nommé « {username} »",
        "backup_server_running": (
            "un serveur du tableau de bord utilise {database} : arrêtez-le avant de restaurer "
            "(par exemple systemctl stop acces-apprenants)"
        ),
        "backup_damaged": "{path} est endommagé (contrôle d'intégrité : {integrity})",
        "backup_not_ours": "{path} n'est pas une base de données de cette application",
        "backup_not_sqlite": "{path} n'est pas une base de données SQLite ({detail})",
        "backup_sqlite_only": (
            "{verb} ne traite que SQLite : utilisez pg_dump / pg_restore pour PostgreSQL et "
            "mariadb-dump pour MariaDB (voir le README, « Backups »)"
        ),
        "backup_exists": "{path} existe déjà : choisissez un nouveau nom de fichier",
        "backup_missing": "aucun fichier de sauvegarde à {path}",
        "backup_no_folder": "pas de dossier {folder} pour la base de données",
        "backup_newer_schema": (
            "{path} a la révision de schéma {revision}, inconnue de cette version d'access-core "
            "(écrite par une version plus récente ?) : restaurez-la avec cette version ; rien n'a "
            "été modifié"
        ),
    },
    "en": {
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
        "cli_first_once": (
            "  shown once only: note it now (it is stored only as a bcrypt hash)"
        ),
        "cli_admins_exist": "administrator accounts exist already; log in with yours",
        "cli_export_written": "{count} learners of {class_name} written to {output}",
        "cli_slips_written": "{count} slip(s) on {pages} page(s) written to {output}",
        "cli_slip_no_birth_date": "warning: no birth date, no slip for {name}",
        "cli_slips_class_written": "[{number}/{total}] {class_name}: {count} slip(s)",
        "cli_slips_class_empty": (
            "[{number}/{total}] {class_name}: no slip (no learner, or none with a birth date)"
        ),
        "cli_slip_missing_glyph": (
            "warning: no installed font has {char} (U+{code}) of {name}; printed as {mark}"
        ),
        "cli_state_active": "active",
        "cli_state_deactivated": "deactivated",
        "cli_reset_list": "{count} learner(s) to reset to their birth date (ddmmyyyy):",
        "cli_reset_done": "{count} password(s) reset (batch {batch})",
        "cli_reset_slips_hint": "their login slips: {command}",
        "cli_import_file": "format: {format}, encoding: {encoding}, school year: {year}",
        "cli_import_year_unknown": "not stated",
        "cli_import_departed": "; {count} pupil(s) left before today",
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
        "cli_plan_not_in_file": "not in the file",
        "cli_plan_more": "  ... and {count} more",
        "cli_plan_new_classes": "new classes: {names}",
        "cli_plan_needs_confirmation": (
            "this import deactivates {count} of the {active} active learners (more than "
            "{percent} %): {how}"
        ),
        "cli_plan_forced": "confirmed by --force",
        "cli_plan_needs_force": "it needs --force",
        "cli_import_hashing": "initial passwords for {count} new learner(s): about {seconds} s",
        "cli_import_refused": "nothing imported: fix the rejected rows or pass --skip-bad-rows",
        "cli_import_dry_run": "dry run: nothing imported",
        "cli_import_nothing": "nothing to change",
        "cli_import_done": (
            "imported: {new} new, {updated} updated, {moved} moved, {reactivated} reactivated, "
            "{deactivated} deactivated"
        ),
        "cli_import_passwords_moved": (
            "; {count} initial password(s) moved to the corrected birth date"
        ),
        "cli_import_skipped": "; {count} bad row(s) skipped",
        "cli_check_problems": "{count} problem(s)",
        "cli_backup_written": "backup written to {path} (schema {revision}, {learners} learners)",
        "cli_restored": (
            "restored from {path} (schema {revision}, {learners} learners); schema now at {head}"
        ),
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
        "cli_unknown_logins": "unknown login(s): {logins}",
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
            "mariadb-dump for MariaDB (see the README, « Backups »)"
        ),
        "backup_exists": "{path} exists already: choose a new file name",
        "backup_missing": "no backup file at {path}",
        "backup_no_folder": "no folder {folder} for the database",
        "backup_newer_schema": (
            "{path} has schema revision {revision}, unknown to this version of access-core "
            "(written by a newer version?): restore it with that version; nothing was changed"
        ),
    },
}
