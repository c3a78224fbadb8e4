"""Texts of the « Vue d'ensemble » page, the initial-password filter and the learner search
(merged into ``i18n.MESSAGES``)."""

from __future__ import annotations

OVERVIEW_MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
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
            "Le graphique montre les {shown} classes au taux d'activation le plus bas "
            "(sur {total})."
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
    },
    "en": {
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
    },
}
