import re

import pytest

from access_core.roster.logins import LOGIN_MAX_LENGTH, base_login, unique_login


@pytest.mark.parametrize(
    ("first_name", "last_name", "expected"),
    [
        ("Léa", "Martin", "lea.martin"),
        ("Anaïs", "N'Diaye", "anais.ndiaye"),
        ("Zoé", "D’Artagnan", "zoe.dartagnan"),
        ("Jean-Baptiste", "Le Gall", "jean-baptiste.legall"),
        ("Marie-Ève", "Saint-Just", "marie-eve.saint-just"),
        ("Maëlys", "Œuvray", "maelys.oeuvray"),
        ("Jérémy", "Müller", "jeremy.muller"),
        ("  Noé ", " Da  Silva ", "noe.dasilva"),
        ("ÉLODIE", "FRANÇOIS", "elodie.francois"),
        ("-Jean--Paul-", "Dupont", "jean-paul.dupont"),
        ("Ayoub", "", "ayoub"),
        ("", "", "eleve"),
        ("李", "王", "li.wang"),
        ("☃", "", "eleve"),
    ],
)
def test_base_login_folds_accents_apostrophes_and_spaces_and_keeps_hyphens(
    first_name, last_name, expected
):
    assert base_login(first_name, last_name) == expected


def test_a_login_is_lower_case_ascii():
    login = base_login("Ophélie", "Lefèvre-Gauthier")

    assert re.fullmatch(r"[a-z0-9.-]+", login)


def test_a_long_login_is_cut_to_30_characters_without_a_dangling_dot_or_hyphen():
    login = base_login("Marie-Charlotte-Alexandrine", "De La Tour-d'Auvergne-Lauraguais")

    assert len(login) <= LOGIN_MAX_LENGTH
    assert login.startswith("marie-charlotte-alexandrine.")
    assert not login.endswith((".", "-"))


def test_a_login_cut_right_after_a_hyphen_drops_the_hyphen():
    # "abcdefghij-klmnopqrstuvwxyzab" is 29 characters; the 30th would be the hyphen.
    assert base_login("abcdefghij-klmnopqrstuvwxyzab-c", "") == "abcdefghij-klmnopqrstuvwxyzab"


def test_unique_login_numbers_three_lea_martin():
    taken: set[str] = set()
    logins = []
    for _ in range(3):
        login = unique_login("Léa", "Martin", taken.__contains__)
        taken.add(login)
        logins.append(login)

    assert logins == ["lea.martin", "lea.martin2", "lea.martin3"]


def test_unique_login_takes_the_first_free_number():
    taken = {"lea.martin", "lea.martin2", "lea.martin4"}

    assert unique_login("Léa", "Martin", taken.__contains__) == "lea.martin3"


def test_a_numbered_long_login_still_fits_in_30_characters():
    base = base_login("Marie-Charlotte", "Alexandrine-Dupont")
    assert len(base) == LOGIN_MAX_LENGTH
    taken = {base}

    login = unique_login("Marie-Charlotte", "Alexandrine-Dupont", taken.__contains__)

    assert len(login) <= LOGIN_MAX_LENGTH
    assert login.endswith("2")
    assert login != base


def test_a_numbered_login_never_ends_in_a_hyphen_before_its_number():
    base = base_login("abcdefghijklmnopqrstuvwxyzab-c", "")
    assert base == "abcdefghijklmnopqrstuvwxyzab-c"

    login = unique_login("abcdefghijklmnopqrstuvwxyzab-c", "", {base}.__contains__)

    assert login == "abcdefghijklmnopqrstuvwxyzab2"
