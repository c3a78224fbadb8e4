"""French texts of the documents: identifier workbook and login slips."""

TEXTS: dict[str, str] = {
    "workbook_title": "Identifiants des élèves — {class_name}",
    "workbook_sheet": "Identifiants",
    "workbook_note": (
        "Le mot de passe initial de chaque élève est sa date de naissance sous la forme "
        "jjmmaaaa ; il devra être personnalisé à la première connexion."
    ),
    "slips_button": "Fiches de connexion (PDF)",
    "slips_button_marked": (
        "Fiches de connexion : {count} {count:p:élève marqué|élèves marqués} (PDF)"
    ),
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
    "slip_expired_help": ("Demande à un administrateur de l'établissement de le réinitialiser."),
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
    "slips_import_button": "Fiches des nouveaux élèves (PDF)",
}
