"""The wording of the login slips (PDF) and of their buttons, in French and English.

Merged into ``i18n.MESSAGES``: read them with ``i18n.t`` like every other text.
"""

from __future__ import annotations

SLIP_MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "slips_button": "Fiches de connexion (PDF)",
        "slips_button_marked": "Fiches de connexion des {count} élève(s) marqué(s) (PDF)",
        "slips_batch_button": "Fiches des comptes réinitialisés (PDF)",
        "slips_skipped_warning": "Pas de fiche sans date de naissance : {names}.",
        "slips_missing_glyphs_warning": (
            "Aucune police installée ne sait écrire {chars} ({names}) : ces caractères "
            "s'impriment comme un carré. Vérifiez ces fiches."
        ),
        "slips_none": "Aucune fiche à imprimer : aucun élève n'a de date de naissance.",
        "slips_layout": "Mise en page des fiches",
        "slips_layout_8": "8 par page (à découper)",
        "slips_layout_1": "1 par page (avec la marche à suivre)",
        "slips_title": "Fiches de connexion — {title}",
        "slip_class": "Classe : {class_name}",
        "slip_login": "Identifiant",
        "slip_password": "Mot de passe",
        "slip_password_hint": "ta date de naissance (jjmmaaaa)",
        "slip_password_change": "À changer à la première connexion, avant le {date}.",
        "slip_password_change_nodate": "À changer à la première connexion.",
        "slip_password_custom": "Mot de passe personnalisé",
        "slip_password_expired": "Mot de passe initial expiré",
        "slip_forgotten": (
            "Oublié ? Demande à un administrateur de l'établissement de le réinitialiser."
        ),
        "slip_expired_help": (
            "Demande à un administrateur de l'établissement de le réinitialiser."
        ),
        "slip_portal": "Portail : {url}",
        "slip_steps_title": "Première connexion",
        "slip_login_title": "Pour te connecter",
        "slip_step_open": "Ouvre le portail des élèves : {url}",
        "slip_step_open_nourl": "Ouvre le portail des élèves de l'établissement.",
        "slip_step_type": (
            "Tape ton identifiant et ton mot de passe exactement comme ils sont écrits ci-dessus."
        ),
        "slip_step_choose": (
            "Choisis un nouveau mot de passe : au moins {min} caractères, différent de ta date "
            "de naissance, de ton identifiant et de ton nom."
        ),
        "slip_step_keep": (
            "Garde ton mot de passe pour toi. Si tu l'oublies, demande à un administrateur "
            "de le réinitialiser."
        ),
        "slip_custom_steps": (
            "Connecte-toi avec le mot de passe que tu as choisi. Si tu l'as oublié, "
            "demande à un administrateur de l'établissement de le réinitialiser."
        ),
    },
    "en": {
        "slips_button": "Login slips (PDF)",
        "slips_button_marked": "Login slips of the {count} marked learner(s) (PDF)",
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
    },
}
