"""The one wording catalogue: every text in both languages, with the same placeholders and
plural forms, and no key defined by two surfaces."""

from __future__ import annotations

from string import Formatter
from types import ModuleType

import pytest

from access_core.text import catalogue
from access_core.text.catalogue import PLURAL_SPEC, _merge, is_singular, t
from access_core.text.en import accounts as en_accounts
from access_core.text.en import cli as en_cli
from access_core.text.en import documents as en_documents
from access_core.text.en import errors as en_errors
from access_core.text.en import journal as en_journal
from access_core.text.en import schools as en_schools
from access_core.text.en import ui as en_ui
from access_core.text.fr import accounts as fr_accounts
from access_core.text.fr import cli as fr_cli
from access_core.text.fr import documents as fr_documents
from access_core.text.fr import errors as fr_errors
from access_core.text.fr import journal as fr_journal
from access_core.text.fr import schools as fr_schools
from access_core.text.fr import ui as fr_ui

SURFACES: dict[str, tuple[ModuleType, ModuleType]] = {
    "ui": (fr_ui, en_ui),
    "errors": (fr_errors, en_errors),
    "cli": (fr_cli, en_cli),
    "documents": (fr_documents, en_documents),
    "accounts": (fr_accounts, en_accounts),
    "schools": (fr_schools, en_schools),
    "journal": (fr_journal, en_journal),
}


def fields(text: str) -> dict[str, set[str]]:
    """Each placeholder with the kinds of spec it carries (a plural spec counts as « plural »)."""
    found: dict[str, set[str]] = {}
    for _, name, spec, _ in Formatter().parse(text):
        if name is None:
            continue
        kinds = found.setdefault(name, set())
        if spec and spec.startswith(PLURAL_SPEC):
            kinds.add("plural")
    return found


@pytest.mark.parametrize("surface", SURFACES)
def test_every_key_of_a_surface_is_worded_in_both_languages(surface: str) -> None:
    french, english = SURFACES[surface]
    assert sorted(french.TEXTS.keys() - english.TEXTS.keys()) == []
    assert sorted(english.TEXTS.keys() - french.TEXTS.keys()) == []


@pytest.mark.parametrize("surface", SURFACES)
def test_both_languages_use_the_same_placeholders(surface: str) -> None:
    french, english = SURFACES[surface]
    for key, text in french.TEXTS.items():
        fr, en = fields(text), fields(english.TEXTS[key])
        # an English command-line error may be the error's own (English) message
        if set(en) == {"message"} and surface == "cli":
            continue
        assert set(fr) == set(en), key


@pytest.mark.parametrize("surface", SURFACES)
def test_every_plural_form_has_a_singular_and_a_plural(surface: str) -> None:
    for module in SURFACES[surface]:
        for key, text in module.TEXTS.items():
            for _, name, spec, _ in Formatter().parse(text):
                if spec and spec.startswith(PLURAL_SPEC):
                    one, bar, other = spec[len(PLURAL_SPEC) :].partition("|")
                    assert bar and one and other, (key, name)


def test_no_text_writes_a_plural_with_parentheses() -> None:
    """« élève(s) » is what the plural spec replaces."""
    for french, english in SURFACES.values():
        for key, text in (*french.TEXTS.items(), *english.TEXTS.items()):
            assert "(s)" not in text and "(x)" not in text, key


def test_a_key_defined_by_two_surfaces_is_refused() -> None:
    with pytest.raises(RuntimeError, match="defined twice"):
        _merge({"same": "a"}, {"same": "b"})


def test_the_merged_catalogue_holds_every_surface() -> None:
    for lang, index in (("fr", 0), ("en", 1)):
        expected = sum(len(pair[index].TEXTS) for pair in SURFACES.values())
        assert len(catalogue.MESSAGES[lang]) == expected


@pytest.mark.parametrize(
    ("count", "fr", "en"),
    [(0, True, False), (1, True, True), (2, False, False), (1.5, False, False)],
)
def test_plural_rules_follow_each_language(count: float, fr: bool, en: bool) -> None:
    assert is_singular(count, "fr") is fr
    assert is_singular(count, "en") is en


def test_a_plural_spec_is_worded_by_the_count() -> None:
    wording = catalogue._Wording
    assert wording("fr").format("{n} {n:p:élève|élèves}", n=1) == "1 élève"
    assert wording("fr").format("{n} {n:p:élève|élèves}", n=3) == "3 élèves"
    assert wording("en").format("{n} {n:p:learner|learners}", n=0) == "0 learners"
    with pytest.raises(TypeError):
        wording("fr").format("{n:p:a|b}", n="two")


def test_an_unknown_language_falls_back_to_french() -> None:
    assert t("app_title", "de") == t("app_title", "fr")


@pytest.mark.parametrize(
    ("key", "lang", "params", "one", "two"),
    [
        ("reset_done", "fr", {}, "1 mot de passe réinitialisé.", "2 mots de passe réinitialisés."),
        ("reset_done", "en", {}, "1 password reset.", "2 passwords reset."),
        ("marked_count", "fr", {"total": 3}, "1 élève marqué sur 3.", "2 élèves marqués sur 3."),
        (
            "import_departed",
            "fr",
            {},
            "1 élève sorti avant aujourd'hui (DATE_SORTIE) : traité comme absent du fichier.",
            "2 élèves sortis avant aujourd'hui (DATE_SORTIE) : traités comme absents du fichier.",
        ),
        ("cli_unknown_logins", "fr", {"logins": "x"}, "login inconnu : x", "logins inconnus : x"),
        ("cli_unknown_logins", "en", {"logins": "x"}, "unknown login: x", "unknown logins: x"),
    ],
)
def test_a_count_is_worded_in_the_singular_and_the_plural(
    key: str, lang: str, params: dict[str, object], one: str, two: str
) -> None:
    assert t(key, lang, count=1, **params) == one
    assert t(key, lang, count=2, **params) == two


def test_french_says_zero_in_the_singular_english_in_the_plural() -> None:
    assert t("marked_count", "fr", count=0, total=1) == "0 élève marqué sur 1."
    assert t("marked_count", "en", count=0, total=1) == "0 of 1 learner marked."
    assert t("marked_count", "en", count=0, total=2) == "0 of 2 learners marked."


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("fr", 1, "importé : 1 nouveau, 1 mis à jour, 1 changé de classe, 1 réactivé, 1 désactivé"),
        (
            "fr",
            2,
            "importé : 2 nouveaux, 2 mis à jour, 2 changés de classe, 2 réactivés, 2 désactivés",
        ),
        ("en", 2, "imported: 2 new, 2 updated, 2 moved, 2 reactivated, 2 deactivated"),
    ],
)
def test_each_count_of_an_import_summary_agrees_on_its_own(
    lang: str, n: int, expected: str
) -> None:
    counts = dict.fromkeys(("new", "updated", "moved", "reactivated", "deactivated"), n)
    assert t("cli_import_done", lang, **counts) == expected


def test_a_plural_sentence_agrees_its_verb_and_pronoun() -> None:
    assert t("import_rows_rejected", "fr", rejected=1) == (
        "1 ligne rejetée : corrigez-la, ou choisissez de l'ignorer."
    )
    assert t("import_rows_rejected", "en", rejected=2) == (
        "2 rows rejected: fix them, or choose to skip them."
    )
    assert t("import_kept_help", "fr", count=1).startswith(
        "1 élève absent des lignes valides reste actif parce que sa ligne est rejetée"
    )
    assert t("import_kept_help", "fr", count=2).startswith(
        "2 élèves absents des lignes valides restent actifs parce que leur ligne est rejetée"
    )
