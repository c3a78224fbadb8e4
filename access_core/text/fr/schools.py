"""French texts of the schools: their register, the command line's school commands, the
import's school rule."""

TEXTS: dict[str, str] = {
    "error_uai_invalid": (
        "« {uai} » n'est pas un UAI : 7 chiffres et leur lettre de contrôle (par exemple 0750655E)."
    ),
    "error_uai_check_letter": (
        "« {uai} » n'est pas un UAI : la lettre de contrôle de {digits} est {expected}, "
        "pas {letter}."
    ),
    "error_uai_taken": "Un établissement a déjà l'UAI {uai}.",
    "error_uai_unknown": "Aucun établissement avec l'UAI {uai}.",
    "error_school_name": (
        "Le nom d'un établissement compte de 1 à {limit} caractères, sans caractère de contrôle."
    ),
    "error_portal_url": (
        "L'adresse du portail doit être une adresse http ou https sans nom d'utilisateur ni mot de "
        "passe (reçu : {url})."
    ),
    "error_import_school_required": (
        "Cette installation compte plusieurs établissements : indiquez celui du fichier."
    ),
    "cli_error_import_school_required": (
        "cette installation compte plusieurs établissements : indiquez celui du fichier avec "
        "--school UAI (access-core list-schools les liste)"
    ),
    "import_other_school": (
        "Ce fichier est l'export de l'établissement {file_uai}, pas de {school_uai} : "
        "rien n'a été importé."
    ),
    "import_other_school_no_uai": (
        "Ce fichier est l'export de l'établissement {file_uai}, un autre établissement de "
        "l'installation : rien n'a été importé (cet établissement n'a pas encore d'UAI)."
    ),
    "reject_external_id_other_school": (
        "l'INE {external_id} est celui d'un élève actif d'un autre établissement (il y sera "
        "repris quand cet établissement l'aura désactivé)"
    ),
    "import_transferred": "Arrivent d'un autre établissement",
    "cli_plan_transferred": "arrivés d'un autre établissement",
    "cli_school_created": "établissement {uai} « {name} » créé",
    "cli_school_updated": "établissement {uai} « {name} » modifié",
    "cli_school_unchanged": "établissement {uai} « {name} » : rien à changer",
    "cli_school_no_uai": "sans UAI",
    "cli_import_school": "Établissement : {uai} {name}",
}
