"""French texts of staff accounts: the « Comptes » page, the first-login password change, the
accounts commands and the accounts services' errors."""

TEXTS: dict[str, str] = {
    "accounts_no_other": (
        "Aucun autre compte à gérer : créez-en un ci-dessus. "
        "Votre propre compte ne se gère pas ici."
    ),
    # errors
    "error_account_not_found": "Aucun compte nommé « {username} ».",
    "error_account_exists": "Le compte « {username} » existe déjà.",
    "error_username_reserved": (
        "Le nom d'utilisateur « {username} » est réservé : choisissez-en un autre."
    ),
    "error_account_self": "Impossible sur votre propre compte.",
    "error_last_admin": (
        "Refusé : l'établissement « {school} » n'aurait plus aucun administrateur actif."
    ),
    "error_teacher_needs_class": "Un enseignant a au moins une classe.",
    "error_teacher_one_school": "Un enseignant est créé avec les classes d'un seul établissement.",
    "error_admin_needs_school": "Un administrateur a au moins un établissement.",
    "error_account_not_admin": "Ce compte n'est pas un administrateur.",
    "error_account_not_teacher": "Ce compte n'est pas un enseignant.",
    "error_account_school_unknown": "Établissement inconnu.",
    "error_account_school_required": "Plusieurs établissements : précisez lequel (--school UAI).",
    "error_school_uai_unknown": "Aucun établissement avec l'UAI « {uai} ».",
    "error_account_class_unknown": "Aucune classe « {name} » dans cet établissement.",
    "error_must_change_password": "Choisissez d'abord votre nouveau mot de passe.",
    "error_passwords_differ": "Les deux mots de passe diffèrent.",
    "error_password_unchanged": "Choisissez un mot de passe différent de l'actuel.",
    # first login: the account's own password
    "own_password_title": "Choisissez votre mot de passe",
    "own_password_intro": (
        "Votre mot de passe a été choisi par quelqu'un d'autre. Choisissez le vôtre "
        "(12 caractères au moins) avant de continuer."
    ),
    "own_password_new": "Nouveau mot de passe",
    "own_password_again": "Nouveau mot de passe (encore)",
    "own_password_submit": "Enregistrer",
    "own_password_required": "Choisissez votre nouveau mot de passe avant tout autre chose.",
    # « Comptes »
    "page_accounts": "Comptes",
    "accounts_title": "Comptes du personnel",
    "accounts_refused": "Accès refusé : cette page est réservée aux administrateurs.",
    "accounts_col_username": "Identifiant",
    "accounts_col_name": "Nom",
    "accounts_col_role": "Rôle",
    "accounts_col_scope": "Établissements / classes",
    "accounts_col_active": "Actif",
    "accounts_col_last_login": "Dernière connexion",
    "accounts_col_locked": "Bloqué",
    "accounts_col_must_change": "Mot de passe à choisir",
    "role_admin": "Administrateur",
    "role_teacher": "Enseignant",
    "accounts_all_schools": "Tous les établissements",
    "accounts_create": "Créer un compte",
    "accounts_new_username": "Identifiant du nouveau compte",
    "accounts_new_name": "Nom affiché (facultatif)",
    "accounts_new_role": "Rôle",
    "accounts_new_schools": "Établissements administrés",
    "accounts_new_classes": "Classes de l'enseignant",
    "accounts_create_submit": "Créer le compte",
    "accounts_created": "Compte « {username} » créé.",
    "accounts_password_once": (
        "Mot de passe de « {username} », affiché une seule fois : notez-le ou imprimez la fiche. "
        "Il devra être changé à la première connexion."
    ),
    "accounts_slip": "Fiche du compte (PDF)",
    "accounts_manage": "Gérer un compte",
    "accounts_choose": "Compte",
    "accounts_disable": "Désactiver",
    "accounts_enable": "Réactiver",
    "accounts_disabled": "Compte « {username} » désactivé.",
    "accounts_enabled": "Compte « {username} » réactivé.",
    "accounts_unlock": "Lever le blocage",
    "accounts_unlocked": "Blocage de « {username} » levé.",
    "accounts_not_locked": "« {username} » n'était pas bloqué.",
    "accounts_reset": "Nouveau mot de passe",
    "accounts_reset_done": "Nouveau mot de passe de « {username} » (ses sessions sont fermées).",
    "accounts_classes": "Classes de l'enseignant",
    "accounts_classes_save": "Enregistrer les classes",
    "accounts_classes_saved": "Classes de « {username} » enregistrées.",
    "accounts_none": "Aucun compte.",
    "slip_account_title": "Accès apprenants : votre compte",
    "slip_account_username": "Identifiant",
    "slip_account_password": "Mot de passe provisoire",
    "slip_account_note": (
        "À changer à la première connexion. Ne conservez pas cette fiche après l'avoir fait."
    ),
    # command line
    "cli_account_created": "compte « {username} » ({role}) créé",
    "cli_granted": "« {username} » : accès accordé",
    "cli_revoked": "« {username} » : accès retiré",
}
