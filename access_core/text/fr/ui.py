"""French texts of the dashboard's pages, widgets and tables."""

TEXTS: dict[str, str] = {
    "app_title": "Accès apprenants",
    "page_learner_access": "Gestion des accès apprenants",
    "import_not_utf8": "Le fichier CSV n'est pas en UTF-8 : enregistrez-le en « CSV UTF-8 ».",
    "import_plan_changed": (
        "L'aperçu a changé depuis votre dernier affichage (un autre import, une correction) : "
        "rien n'a été appliqué. Vérifiez le nouvel aperçu, puis appliquez-le."
    ),
    "import_password_moved": "Mot de passe initial changé (date de naissance corrigée)",
    "import_password_moved_help": (
        "{count} {count:p:élève|élèves} encore au mot de passe initial {count:p:a|ont} une date de "
        "naissance corrigée : {count:p:son|leur} mot de passe devient la nouvelle date "
        "(jjmmaaaa). Les élèves qui ont personnalisé leur mot de passe le gardent."
    ),
    "import_kept": "Gardés actifs : leur ligne est rejetée",
    "import_kept_help": (
        "{count} {count:p:élève absent|élèves absents} des lignes valides "
        "{count:p:reste actif|restent actifs} parce que {count:p:sa|leur} ligne est rejetée : "
        "corrigez-la au prochain import."
    ),
    "import_detected": (
        "Format reconnu : {format} · encodage : {encoding} · année scolaire : {year}"
    ),
    "import_limits": (
        "Fichiers acceptés : export élèves SIECLE (XML, ou le ZIP tel que téléchargé), "
        "liste SIECLE des élèves par division (CSV), extraction ONDE (CSV), ou un CSV/XLSX "
        "avec Nom, Prénom, Date de naissance, Classe. Au plus {mb} Mo et {rows} élèves."
    ),
    "import_departed": (
        "{count} {count:p:élève sorti|élèves sortis} avant aujourd'hui (DATE_SORTIE) : "
        "{count:p:traité comme absent|traités comme absents} du fichier."
    ),
    "import_ref": "Référence",
    "import_hashing_estimate": (
        "{count:p:Mot de passe initial|Mots de passe initiaux} à créer pour {count} "
        "{count:p:nouvel élève|nouveaux élèves} : ≈ {duration}."
    ),
    "format_siecle_xml": "SIECLE (export XML des élèves)",
    "format_siecle_csv": "SIECLE (liste des élèves par division, CSV)",
    "format_onde_csv": "ONDE (extraction CSV)",
    "format_csv": "CSV",
    "format_xlsx": "XLSX",
    "not_stated": "non indiquée",
    "duration_seconds": "{n} s",
    "duration_minutes": "{n} min",
    "page_import": "Import",
    "import_help": (
        "Déposez l'export de la base élèves (SIECLE, ONDE, ou un CSV/XLSX : Nom, Prénom, Date "
        "de naissance, Classe, et si possible INE et Login). Un aperçu montre tout ce qui "
        "changera ; rien n'est appliqué avant confirmation."
    ),
    "import_file": "Fichier de la base élèves",
    "import_partial": "Import partiel : ne désactiver aucun élève absent du fichier",
    "import_skip_bad_rows": "Ignorer les lignes rejetées et importer les autres",
    "import_force": "Je confirme la désactivation de {count} {count:p:élève|élèves}",
    "import_new": "Nouveaux",
    "import_updated": "Mis à jour",
    "import_moved": "Changent de classe",
    "import_reactivated": "Réactivés",
    "import_deactivated": "Désactivés",
    "import_rejected": "Rejetés",
    "import_unchanged": "Inchangés",
    "import_line": "Ligne",
    "import_reason": "Motif",
    "field_external_id": "INE",
    "field_last_name": "Nom",
    "field_usage_name": "Nom d'usage",
    "field_first_name": "Prénom",
    "field_birth_date": "Date de naissance",
    "field_class_name": "Classe",
    "field_login": "Login",
    "import_new_classes": "Classes créées : {classes}",
    "import_rejected_help": (
        "{count} {count:p:ligne rejetée|lignes rejetées} : corrigez le fichier, ou cochez "
        "« Ignorer les lignes rejetées »."
    ),
    "import_apply": "Appliquer l'import",
    "import_nothing": "Rien à changer : les comptes sont déjà à jour.",
    "import_done_passwords": (
        "{count} {count:p:mot de passe initial suit|mots de passe initiaux suivent} la date "
        "corrigée."
    ),
    "import_done": (
        "Import appliqué : {new} {new:p:nouveau|nouveaux}, {updated} mis à jour, "
        "{moved} {moved:p:changé|changés} de classe, "
        "{reactivated} {reactivated:p:réactivé|réactivés}, "
        "{deactivated} {deactivated:p:désactivé|désactivés}."
    ),
    "page_journal": "Journal",
    "journal_period": "Période",
    "journal_all_actions": "Toutes les actions",
    "journal_actions": "Actions",
    "journal_all_classes": "Toutes les classes",
    "journal_actor": "Auteur (identifiant administrateur)",
    "journal_learner": "Élève (nom, prénom ou login)",
    "journal_apply": "Filtrer",
    "choose_placeholder": "Choisir",
    "journal_total": "{total} {total:p:événement|événements}",
    "journal_page_of": "page {page} sur {pages}",
    "journal_previous": "Page précédente",
    "journal_next": "Page suivante",
    "journal_col_date": "Date",
    "journal_col_role": "Rôle",
    "journal_role_admin": "Administrateur",
    "journal_role_teacher": "Enseignant",
    "journal_col_actor": "Auteur",
    "journal_col_action": "Action",
    "journal_col_learner": "Élève",
    "journal_col_details": "Détails",
    "journal_empty": "Aucun événement ne correspond à ces filtres.",
    "journal_current_class": "{name} (classe actuelle)",
    "journal_export": "Exporter en CSV",
    "login_form": "Connexion administrateur",
    "login_username": "Identifiant",
    "login_password": "Mot de passe",
    "oidc_sign_in": "Se connecter avec {provider}",
    "oidc_unknown": (
        "Votre identité {provider} ne correspond à aucun compte du tableau de bord : "
        "demandez à un administrateur de vous en créer un."
    ),
    "oidc_disabled": "Votre compte est désactivé : adressez-vous à un administrateur.",
    "oidc_no_claim": (
        "{provider} n'a pas transmis l'information qui désigne votre compte ({claim}) : "
        "adressez-vous à un administrateur."
    ),
    "oidc_email_unverified": (
        "{provider} n'indique pas que votre adresse électronique est vérifiée : "
        "vérifiez-la auprès de {provider} ou adressez-vous à un administrateur."
    ),
    "login_breakglass_only": "Réservé aux comptes de secours.",
    "login_local_off_no_provider": (
        "Aucun moyen de connexion n'est configuré (ACCESS_LOCAL_LOGIN=off sans fournisseur "
        "d'identité) : adressez-vous à l'équipe technique."
    ),
    "login_submit": "Se connecter",
    "logged_out": "Vous êtes déconnecté.",
    "session_idle": "Session fermée après {duration} d'inactivité : reconnectez-vous.",
    "minutes_one": "{count} minute",
    "minutes_many": "{count} minutes",
    "session_revoked": ("Session fermée (déconnexion ou changement du compte) : reconnectez-vous."),
    "login_required": "Connectez-vous avec un compte administrateur pour accéder à cette page.",
    "logout": "Se déconnecter",
    "logged_in_as": "Connecté : {username}",
    "language": "Langue",
    "class_label": "Classe",
    "no_classes": "Aucune classe n'est enregistrée pour l'instant.",
    "no_learners": "Aucun élève actif dans cette classe.",
    "col_reset": "Réinitialiser",
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
    "marked_count": "{count} {count:p:élève marqué|élèves marqués} sur {total}.",
    "mark_all": "Tout marquer — {table}",
    "table_deactivated": "désactivés",
    "table_search": "résultats",
    "unmark_all": "Tout démarquer — {table}",
    "download_identifiers": "Liste des identifiants des élèves",
    "reset_marked": "Réinitialiser tous les comptes marqués",
    "reset_marked_deactivated": "Réinitialiser les comptes désactivés marqués",
    "reset_none_marked": "Marquez au moins un élève dans la colonne « Réinitialiser ».",
    "confirm_title": "Confirmer la réinitialisation",
    "confirm_intro": (
        "{count:p:Le mot de passe|Les mots de passe} de {count} "
        "{count:p:élève va être réinitialisé|élèves vont être réinitialisés} :"
    ),
    "confirm_effect": (
        "Le nouveau mot de passe sera la date de naissance sous la forme jjmmaaaa ; "
        "chaque élève devra le personnaliser à sa prochaine connexion. "
        "Les données enregistrées par les élèves ne sont pas effacées. "
        "Un blocage de connexion après trop d'essais est levé."
    ),
    "confirm_button": "Confirmer la réinitialisation",
    "cancel_button": "Annuler",
    "hashing_progress": "Calcul des mots de passe : {done}/{total}",
    "reset_done": "{count} {count:p:mot de passe réinitialisé|mots de passe réinitialisés}.",
    "deactivated_title": "Élèves désactivés depuis moins de trois mois",
    "deactivated_title_n": "Élèves désactivés depuis moins de {months} mois",
    "no_deactivated": "Aucun élève désactivé récemment.",
    "cli_password": "Mot de passe : ",
    "cli_password_again": "Mot de passe (encore) : ",
    "cli_confirm_reset": "Réinitialiser ces mots de passe ? [o/N] ",
    "cli_cancelled": "annulé, rien n'a été modifié",
    "page_overview": "Vue d'ensemble",
    "overview_active": "Élèves actifs",
    "overview_personalised": "Mots de passe personnalisés",
    "overview_initial": "Initiaux à personnaliser",
    "overview_expired": "Initiaux expirés",
    "overview_no_birth_date": "Sans date de naissance",
    "overview_rate": "Taux d'activation",
    "overview_rate_help": "Mots de passe personnalisés ÷ élèves actifs.",
    "overview_classes_title": "Par classe",
    "overview_table_help": (
        "Classes triées par taux d'activation croissant. Sélectionnez une ligne pour "
        "ouvrir la classe avec ses seuls mots de passe initiaux."
    ),
    "overview_chart_title": "Mots de passe par classe",
    "overview_chart_limited": (
        "Le graphique montre les {shown} classes au taux d'activation le plus bas (sur {total})."
    ),
    "overview_empty": "Aucun élève actif pour l'instant.",
    "overview_no_class": "(sans classe)",
    "col_class": "Classe",
    "col_learners": "Élèves",
    "col_personalised": "Personnalisés",
    "col_initial": "Initiaux",
    "col_expired": "Expirés",
    "col_no_birth_date": "Sans date de naissance",
    "col_rate": "Taux d'activation",
    "chart_count": "Élèves",
    "chart_status": "Mot de passe",
    "chart_personalised": "Personnalisé",
    "chart_initial": "Initial — à personnaliser",
    "chart_expired": "Initial — expiré",
    "initial_only": "Seulement les mots de passe initiaux",
    "no_initial_learners": "Aucun mot de passe initial dans cette classe.",
    "search_label": "Rechercher un élève (nom, prénom ou login)",
    "search_placeholder": "Au moins deux caractères",
    "search_too_short": "Tapez au moins deux caractères.",
    "search_none": "Aucun élève ne correspond à cette recherche.",
    "search_more": "{count} autres : précisez.",
    "col_account": "Compte",
    "account_active": "Actif",
    "account_deactivated_on": "Désactivé le {date}",
    "reset_marked_search": "Réinitialiser les comptes marqués (recherche)",
    "deactivated_terms": (
        "« Jours restants » : jours avant la suppression définitive du compte et de ses données "
        "(délai légal de {months} mois après la désactivation) ; à 0, l'élève est supprimé à la "
        "fin de la journée par la purge quotidienne. Le journal est conservé {journal_months} "
        "mois."
    ),
    "overview_due_week": "À supprimer sous 7 jours",
    "overview_due_week_help": (
        "Comptes désactivés qui atteignent le délai de conservation ({months} mois) dans les "
        "7 jours : la purge quotidienne les supprime avec leurs données."
    ),
    "overview_overdue": (
        "{count} {count:p:compte désactivé dépasse|comptes désactivés dépassent} le délai de "
        "conservation et {count:p:est encore enregistré|sont encore enregistrés} : la purge "
        "quotidienne ne tourne pas ? (`access-core purge`)"
    ),
    "learner_data_download": "Données de l'élève (JSON)",
    "learner_data_choose": "Élève dont télécharger les données",
    "journal_deleted_learner": "Élève supprimé n° {number}",
    # schools and roles (the school selector, the district overview, a teacher's pages)
    "school_label": "Établissement",
    "school_placeholder": "Choisir un établissement",
    "school_option": "{name} ({uai})",
    "admins_only_page": "Cette page est réservée aux administrateurs.",
    "teacher_classes_caption": "Vos classes uniquement (compte enseignant).",
    "overview_schools_title": "Par établissement",
    "overview_schools_help": "Sélectionnez une ligne pour ouvrir cet établissement.",
    "col_uai": "UAI",
    "col_school": "Établissement",
    "undo_reset_button": "Annuler cette réinitialisation",
    "undo_reset_help": (
        "Possible jusqu'à {time} : chaque élève retrouve le mot de passe qu'il avait, sauf s'il "
        "s'est connecté ou l'a changé depuis."
    ),
    "undo_done": (
        "Réinitialisation annulée : {count} {count:p:élève a retrouvé son|élèves ont retrouvé "
        "leur} mot de passe précédent."
    ),
    "undo_kept_logged_in": "Gardés tels quels (connectés depuis la réinitialisation) : {names}",
    "undo_kept_changed": "Gardés tels quels (mot de passe changé depuis) : {names}",
    "import_id_caption": "Identifiant de l'import (journal, ligne de commande) : {import_id}",
    "import_slips_none": "Aucun nouvel élève de cet import n'a de fiche à imprimer.",
}
