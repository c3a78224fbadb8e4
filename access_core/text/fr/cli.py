"""French texts of the command line's messages (successes, summaries, warnings, errors)."""

TEXTS: dict[str, str] = {
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
    "cli_export_written": (
        "{count} {count:p:élève|élèves} de {class_name} {count:p:écrit|écrits} dans {output}"
    ),
    "cli_slips_written": (
        "{count} {count:p:fiche|fiches} sur {pages} {pages:p:page|pages} "
        "{count:p:écrite|écrites} dans {output}"
    ),
    "cli_slip_no_birth_date": "attention : pas de date de naissance, pas de fiche pour {name}",
    "cli_slips_class_written": "[{number}/{total}] {class_name} : {count} {count:p:fiche|fiches}",
    "cli_slips_interrupted": (
        "interrompu : les fiches de {done} {done:p:classe|classes} sur {total} ont été écrites "
        "dans {output} et journalisées, les autres non"
    ),
    "cli_slips_class_empty": (
        "[{number}/{total}] {class_name} : aucune fiche (aucun élève, ou aucun avec une date "
        "de naissance)"
    ),
    "cli_slip_missing_glyph": (
        "attention : aucune police installée n'a {char} (U+{code}) de {name} ; imprimé comme {mark}"
    ),
    "cli_state_active": "actif",
    "cli_state_deactivated": "désactivé",
    "cli_reset_list": (
        "{count} {count:p:élève à réinitialiser à sa|élèves à réinitialiser à leur} date de "
        "naissance (jjmmaaaa) :"
    ),
    "cli_reset_done": (
        "{count} {count:p:mot de passe réinitialisé|mots de passe réinitialisés} (lot {batch})"
    ),
    "cli_reset_slips_hint": "{count:p:sa fiche|leurs fiches} de connexion : {command}",
    "cli_import_file": ("format : {format}, encodage : {encoding}, année scolaire : {year}"),
    "cli_import_year_unknown": "non indiquée",
    "cli_import_departed": (" ; {count} {count:p:élève parti|élèves partis} avant aujourd'hui"),
    "cli_plan_new": "nouveaux",
    "cli_plan_updated": "mis à jour",
    "cli_plan_moved": "changés de classe",
    "cli_plan_reactivated": "réactivés",
    "cli_plan_deactivated": "désactivés",
    "cli_plan_unchanged": "inchangés",
    "cli_plan_rejected": "rejetés",
    "cli_plan_password_moved": ("mot de passe initial déplacé vers la date de naissance corrigée"),
    "cli_plan_kept": "gardés actifs : leur ligne est rejetée",
    "cli_plan_count": "nombre",
    "cli_plan_line": "ligne {line}",
    "cli_plan_section": "{title} ({count}) :",
    "cli_plan_rejected_row": "  {line}{ref} : {reason}{name}",
    "cli_plan_not_in_file": "absent du fichier",
    "cli_plan_more": "  ... et {count} de plus",
    "cli_plan_new_classes": "nouvelles classes : {names}",
    "cli_plan_needs_confirmation": (
        "cet import désactive {count} des {active} élèves actifs (plus de {percent} %) : {how}"
    ),
    "cli_plan_forced": "confirmé par --force",
    "cli_plan_needs_force": "il faut --force",
    "cli_import_hashing": (
        "{count:p:mot de passe initial|mots de passe initiaux} de {count} "
        "{count:p:nouvel élève|nouveaux élèves} : environ {seconds} s"
    ),
    "cli_import_refused": (
        "rien n'a été importé : corrigez les lignes rejetées ou passez --skip-bad-rows"
    ),
    "cli_import_dry_run": "simulation : rien n'a été importé",
    "cli_import_nothing": "rien à changer",
    "cli_import_done": (
        "importé : {new} {new:p:nouveau|nouveaux}, {updated} mis à jour, "
        "{moved} {moved:p:changé|changés} de classe, "
        "{reactivated} {reactivated:p:réactivé|réactivés}, "
        "{deactivated} {deactivated:p:désactivé|désactivés}"
    ),
    "cli_import_passwords_moved": (
        " ; {count} {count:p:mot de passe initial déplacé|mots de passe initiaux déplacés} "
        "vers la date de naissance corrigée"
    ),
    "cli_import_skipped": (" ; {count} {count:p:ligne invalide ignorée|lignes invalides ignorées}"),
    "cli_check_problems": "{count} {count:p:problème|problèmes}",
    "cli_backup_written": (
        "sauvegarde écrite dans {path} (schéma {revision}, {learners} {learners:p:élève|élèves})"
    ),
    "cli_restored": (
        "restauré depuis {path} (schéma {revision}, {learners} {learners:p:élève|élèves}) ; "
        "schéma maintenant à {head}"
    ),
    "cli_restored_previous": " ; l'ancienne base de données est gardée dans {previous}",
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
    "cli_unknown_logins": "{count:p:login inconnu|logins inconnus} : {logins}",
    "cli_no_slip_no_birth_date": ("aucune fiche à imprimer : aucun élève n'a de date de naissance"),
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
        "mariadb-dump pour MariaDB (voir docs/operations.md, « Back up, restore »)"
    ),
    "backup_exists": "{path} existe déjà : choisissez un nouveau nom de fichier",
    "backup_missing": "aucun fichier de sauvegarde à {path}",
    "backup_no_folder": "pas de dossier {folder} pour la base de données",
    "backup_no_target_folder": (
        "pas de dossier {folder} : créez-le, ou choisissez un autre chemin pour la sauvegarde"
    ),
    "backup_newer_schema": (
        "{path} a la révision de schéma {revision}, inconnue de cette version d'access-core "
        "(écrite par une version plus récente ?) : restaurez-la avec cette version ; rien n'a "
        "été modifié"
    ),
    "cli_purge_list": (
        "{count} {count:p:élève désactivé|élèves désactivés} avant le {date} "
        "(délai de conservation dépassé)"
    ),
    "cli_dry_run": "essai : rien n'a été modifié",
    "cli_confirm_purge": "Supprimer définitivement ces élèves et leurs données ? [o/N] ",
    "cli_purge_done": (
        "{learners} {learners:p:élève supprimé|élèves supprimés} ; {events} "
        "{events:p:événement|événements} du journal et {sessions} "
        "{sessions:p:session terminée|sessions terminées} de plus de {months} mois supprimés"
    ),
    "cli_learner_data_written": "données de l'élève écrites dans {path}",
    "cli_purge_previous_kept": (
        "attention : {path} (gardé par `access-core restore`) contient encore les élèves de "
        "l'ancienne base, y compris ceux supprimés : effacez-le une fois la restauration vérifiée"
    ),
    "cli_restore_overdue": (
        "attention : la sauvegarde restaurée contient {count} "
        "{count:p:élève désactivé|élèves désactivés} au-delà du délai de conservation (depuis le "
        "{since}) ; lancez `access-core purge` maintenant"
    ),
    "backup_upgrade_failed": (
        "{path} ne peut pas être mis à jour au schéma {head} ({detail}) : la sauvegarde est "
        "endommagée ; rien n'a été modifié"
    ),
    "backup_incomplete": (
        "il manque à {path} des tables ou des colonnes dont cette version a besoin "
        "({missing}) : la sauvegarde est endommagée ; rien n'a été modifié"
    ),
    "backup_database_busy": (
        "{database} est utilisé par un autre programme : arrêtez-le avant de restaurer ; "
        "rien n'a été modifié"
    ),
    "cli_undo_done": (
        "réinitialisation annulée (lot {batch}) : {count} {count:p:élève a retrouvé son|élèves "
        "ont retrouvé leur} mot de passe précédent"
    ),
    "cli_undo_kept_logged_in": "gardé tel quel (connecté depuis la réinitialisation) : {name}",
    "cli_undo_kept_changed": "gardé tel quel (mot de passe changé depuis) : {name}",
    "cli_undo_hint": "annulable pendant {minutes} min : {command}",
    "cli_import_id": "import {import_id}",
    "cli_import_slips_hint": ("fiches {count:p:du nouvel élève|des nouveaux élèves} : {command}"),
}
