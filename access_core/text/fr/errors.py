"""French texts of errors and rejection reasons the services return as codes."""

TEXTS: dict[str, str] = {
    "import_unknown_layout": (
        "Colonnes non reconnues (ligne 1) : il manque {missing}. Colonnes trouvées : {columns}."
    ),
    "import_empty_file": "Le fichier est vide : pas de ligne d'en-tête.",
    "import_bad_xlsx": "Le fichier XLSX est illisible (abîmé, ou pas un classeur).",
    "import_no_rows": "Le fichier ne contient aucune ligne d'élève : rien à importer.",
    "import_needs_confirmation": (
        "Cet import désactiverait {count} des {active} élèves actifs (plus de {percent} %) : "
        "vérifiez le fichier, ou confirmez explicitement ces désactivations."
    ),
    "import_changed_meanwhile": (
        "Les élèves ont changé depuis l'aperçu : rien n'a été importé. Vérifiez le nouvel aperçu."
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
    "import_file_type": (
        "Type de fichier non pris en charge : utilisez .csv, .xlsx, .xml ou .zip."
    ),
    "import_rows_rejected": (
        "{rejected} {rejected:p:ligne rejetée : corrigez-la, ou choisissez de l'ignorer|"
        "lignes rejetées : corrigez-les, ou choisissez de les ignorer}."
    ),
    "reject_missing_fields": "{count:p:champ manquant|champs manquants} : {fields}",
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
    "login_failed": "Identifiant ou mot de passe incorrect.",
    "login_locked": ("Trop d'échecs de connexion : cet identifiant est bloqué jusqu'à {until}."),
    "col_last_name": "Nom",
    "col_first_name": "Prénom",
    "col_login": "Login",
    "col_birth_date": "Date de naissance",
    "error_not_authorized": "Accès refusé : un compte administrateur actif est requis.",
    "error_reset_refused": (
        "Réinitialisation refusée, aucun compte n'a été modifié. "
        "Date de naissance manquante pour : {names}."
    ),
    "error_reset_too_large": (
        "Un enseignant réinitialise au plus {maximum} élèves à la fois ({count} marqués) ; "
        "aucun compte n'a été modifié."
    ),
    "error_school_not_found": "Établissement introuvable.",
    "error_school_required": "Choisissez d'abord un établissement.",
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
    "error_schema_outdated": (
        "Le schéma de la base de données est en retard sur cette version : "
        "lancez « access-core init »."
    ),
    "error_schema_damaged": (
        "La base de données est à la révision de schéma {revision} mais il lui manque "
        "{missing} : elle est endommagée et « access-core init » ne peut pas la réparer ; "
        "restaurez une sauvegarde (« access-core restore FICHIER »)."
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
    "learner_data_not_found": "Aucun élève avec l'identifiant « {login} ».",
    "error_undo_not_found": "Réinitialisation introuvable.",
    "error_undo_expired": (
        "Cette réinitialisation ne peut plus être annulée : son délai d'annulation est passé. "
        "Rien n'a été modifié."
    ),
    "error_undo_already_done": "Cette réinitialisation a déjà été annulée. Rien n'a été modifié.",
    "error_undo_refused": "{message}",
    "error_import_not_found": "Import introuvable.",
}
