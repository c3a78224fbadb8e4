"""Login slips: who gets one, what each says, the two layouts, fonts, QR code, services, CLI."""

from __future__ import annotations

import io
import math
import os
import re
import shutil
import signal
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from access_core.accounts.passwords import initial_password
from access_core.audit import events as audit
from access_core.cli import os_user
from access_core.cli import slips as cli_slips
from access_core.config import load_settings
from access_core.documents import slips, slips_pdf
from access_core.documents.slips import SlipOptions, build_slips
from access_core.errors import ConfigError, NotAuthorized, NotFound
from access_core.roster.queries import PasswordState, password_state
from access_core.roster.resets import reset_passwords
from tests.conftest import assert_one_line_error, file_mode
from tests.support.factories import TEST_ROUNDS, add_class, add_learner, create_test_admin
from tests.support.slips_helpers import one_line, page_count, slip_texts
from tests.support.slips_rows import NOW, OPTIONS, TZ, make, row

DIGITS = re.compile(r"\d{8}")


def pdf(slip_set: slips.SlipSet, layout: str = "8", options: SlipOptions = OPTIONS) -> bytes:
    return slips_pdf.slips_pdf(slip_set, options, "fr", layout, title="6e A").data


# --- who gets a slip, and what it says ---------------------------------------------------------


def test_slips_are_sorted_by_class_then_name_and_skip_learners_without_birth_date() -> None:
    rows = [
        row(1, "Zola", "Émile", class_name="6e B"),
        row(2, "Émond", "Léa", class_name="6e A"),
        row(3, "Dupont", "Hugo", class_name="10e A"),
        row(4, "Sansdate", "Noé", birth=None),
        row(5, "Faure", "Inès", class_name="6e A"),
    ]
    slip_set = make(rows)
    assert [s.full_name for s in slip_set.slips] == [
        "Émond Léa",
        "Faure Inès",
        "Zola Émile",
        "Dupont Hugo",
    ]
    assert slip_set.skipped == ("Sansdate Noé",)


def test_the_password_is_printed_only_while_the_initial_one_is_valid() -> None:
    valid = row(1, "Valide", "Ana", birth=date(2012, 7, 3))
    custom = row(2, "Perso", "Bob", must_change=False)
    expired = row(3, "Expire", "Cléo", changed_at=NOW - timedelta(days=61))
    slip_set = make([valid, custom, expired])
    by_name = {s.full_name: s for s in slip_set.slips}
    assert by_name["Valide Ana"].state is PasswordState.INITIAL
    assert by_name["Valide Ana"].password == "03072012"
    assert by_name["Valide Ana"].change_before == date(2026, 11, 7)  # 8 Sept + 60 days
    assert by_name["Perso Bob"].state is PasswordState.CUSTOM
    assert by_name["Perso Bob"].password is None
    assert by_name["Expire Cléo"].state is PasswordState.INITIAL_EXPIRED
    assert by_name["Expire Cléo"].password is None


def test_a_slip_says_the_password_state_the_dashboard_shows() -> None:
    rows = [
        row(1, "Valide", "Ana"),
        row(2, "Perso", "Bob", must_change=False),
        row(3, "Expire", "Cléo", changed_at=NOW - timedelta(days=61)),
        row(4, "Sansdate", "Dan", changed_at=None),
    ]
    states = {s.learner_id: s.state for s in make(rows, days=60).slips}
    assert states == {r.id: password_state(r, 60, NOW) for r in rows}


def test_hint_mode_keeps_the_state_but_never_the_digits() -> None:
    slip_set = make([row(1, "Valide", "Ana")], mode="hint")
    assert slip_set.slips[0].state is PasswordState.INITIAL
    assert slip_set.slips[0].password is None


# --- the PDF --------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 7, 8, 9, 17])
def test_eight_per_page_gives_ceil_n_over_8_pages_and_one_per_page_gives_n(n: int) -> None:
    slip_set = make([row(i, f"Nom{i:02d}", "Prénom") for i in range(n)])
    assert page_count(pdf(slip_set, "8")) == math.ceil(n / 8)
    assert page_count(pdf(slip_set, "1")) == n


@pytest.mark.parametrize("layout", ["8", "1"])
def test_each_slip_holds_its_name_login_and_the_digits_exactly_when_expected(layout: str) -> None:
    rows = [
        row(
            i,
            f"Nom{i:02d}",
            "Prénom",
            birth=date(2012, 1 + i % 12, 1 + i),
            must_change=i % 3 != 1,
            changed_at=NOW - timedelta(days=70 if i % 3 == 2 else 1),
        )
        for i in range(11)
    ]
    slip_set = make(rows)
    texts = slip_texts(pdf(slip_set, layout), layout)
    assert len(texts) == len(slip_set.slips) == 11
    for slip, text in zip(slip_set.slips, texts, strict=True):
        learner = next(r for r in rows if r.id == slip.learner_id)
        assert slip.full_name in one_line(text)
        assert learner.login in text.split("\n")
        assert learner.birth_date is not None
        expected = initial_password(learner.birth_date)
        if slip.state is PasswordState.INITIAL:
            assert expected in text.split("\n"), text
        else:
            assert not DIGITS.search(text), text
        assert ("Mot de passe personnalisé" in text) == (slip.state is PasswordState.CUSTOM)
        expired = slip.state is PasswordState.INITIAL_EXPIRED
        assert ("Mot de passe initial expiré" in text) == expired
        assert "Collège Jean-Moulin" in text and "Classe : 6e A" in text


@pytest.mark.parametrize("layout", ["8", "1"])
def test_hint_mode_prints_no_digit_at_all(layout: str) -> None:
    slip_set = make(
        [row(i, f"Nom{chr(65 + i)}", "Léa", birth=date(2012, 3, 4)) for i in range(9)], mode="hint"
    )
    data = pdf(slip_set, layout, replace(OPTIONS, portal_url="https://ent.example.org/"))
    texts = slip_texts(data, layout)
    assert len(texts) == 9
    for text in texts:
        assert "ta date de naissance (jjmmaaaa)" in text
        assert "04032012" not in text
        assert not DIGITS.search(text), text  # (the date « avant le jj/mm/aaaa » has slashes)


NAMES = [
    ("Œuvray-Straße", "Łukasz"),
    ("Ζωγράφου", "Ζωή"),
    ("Дмитриев", "Дмитрий"),
    ("Lefèvre-Müller", "Anaïs"),
    ("Ærøskøbing", "Ægir"),
    ("Şahin", "Çağrı"),
    ("Nguyễn", "Thị Ánh"),
]


@pytest.mark.parametrize("layout", ["8", "1"])
def test_accents_ligatures_and_other_scripts_round_trip_through_the_text_layer(
    layout: str,
) -> None:
    rows = [row(i, last, first, login=f"élève.{i}ß") for i, (last, first) in enumerate(NAMES)]
    document = slips_pdf.slips_pdf(make(rows), OPTIONS, "fr", layout)
    assert document.missing == ()
    joined = "\n".join(one_line(text) for text in slip_texts(document.data, layout))
    for r in rows:
        assert f"{r.last_name} {r.first_name}" in joined
        assert r.login in joined


def test_a_sixty_character_name_is_neither_clipped_nor_cut_inside_a_word() -> None:
    last = "De La Tour-Dupin-Montmorency-Laval-Saint-Exupéry"
    first = "Anne-Sophie"
    assert len(f"{last} {first}") >= 60
    rows = [row(1, last, first, login="anne-sophie.delatourdupinmontmorency")]
    for layout in ("8", "1"):
        text = slip_texts(pdf(make(rows), layout), layout)[0]
        assert f"{last} {first}" in one_line(text)
        assert "anne-sophie.delatourdupinmontmorency" in text.split("\n")


def test_a_character_no_font_has_is_printed_as_a_box_and_reported() -> None:
    # U+10FFFD is a private-use code point: no installed font draws it.
    rows = [row(1, "Nom\U0010fffd", "Zoé"), row(2, "Autre", "Léo")]
    document = slips_pdf.slips_pdf(make(rows), OPTIONS, "fr", "8")
    assert document.missing == (("\U0010fffd", "Nom\U0010fffd Zoé"),)
    assert slips_pdf.missing_glyphs(make(rows)) == document.missing  # the page's, undrawn
    texts = slip_texts(document.data)
    assert any(f"Nom{slips_pdf.MISSING_MARK} Zoé" in text for text in texts)


def test_a_character_the_embedded_font_lacks_comes_from_an_installed_font() -> None:
    char = "ᴥ"  # U+1D25: not in DejaVu Sans, in DejaVu Serif (fonts-dejavu-core)
    assert ord(char) not in slips_pdf.font_coverage(
        str(slips_pdf.FONT_DIR / slips_pdf.FONTS["sans", ""])
    )
    if slips_pdf.installed_font_for(char) is None:
        pytest.skip("no installed font has U+1D25 (install fonts-dejavu-core)")
    document = slips_pdf.slips_pdf(make([row(1, f"Nom{char}", "Zoé")]), OPTIONS, "fr", "8")
    assert document.missing == ()
    assert slips_pdf.missing_glyphs(make([row(1, f"Nom{char}", "Zoé")])) == ()
    assert f"Nom{char} Zoé" in slip_texts(document.data)[0]
    fonts = {
        str(font.get_object()["/BaseFont"])
        for font in PdfReader(io.BytesIO(document.data)).pages[0]["/Resources"]["/Font"].values()
    }
    shipped = {"DejaVuSansBook", "DejaVuSansBold", "DejaVuSansMonoBold"}
    others = {f for f in fonts if f.split("+")[-1] not in shipped}
    assert len(others) == 1, fonts  # the installed font that has the character


def test_control_characters_in_a_name_become_spaces() -> None:
    text = slip_texts(pdf(make([row(1, "Nom\r\nBis", "Zoé")])))[0]
    assert "Nom Bis Zoé" in text


def test_the_qr_code_holds_the_portal_address_and_nothing_else() -> None:
    url = "https://ent.example.org/eleves"
    document = slips_pdf.slips_pdf(make([row(1, "Nom", "Zoé")]), OPTIONS, "fr", "8")
    images = PdfReader(io.BytesIO(document.data)).pages[0].images
    assert len(images) == 1
    zxingcpp = pytest.importorskip("zxingcpp")
    (code,) = zxingcpp.read_barcodes(images[0].image)
    assert code.text == url
    assert code.format == zxingcpp.BarcodeFormat.QRCode


def test_without_portal_address_there_is_no_qr_code_and_no_address() -> None:
    document = slips_pdf.slips_pdf(
        make([row(1, "Nom", "Zoé")]), replace(OPTIONS, portal_url=""), "fr", "1"
    )
    assert len(PdfReader(io.BytesIO(document.data)).pages[0].images) == 0
    text = slip_texts(document.data, "1")[0]
    assert "Portail" not in text and "Ouvre le portail des élèves de l'établissement." in text


def test_the_slips_speak_english_when_asked() -> None:
    document = slips_pdf.slips_pdf(make([row(1, "Nom", "Zoé")]), OPTIONS, "en", "1")
    text = slip_texts(document.data, "1")[0]
    assert "Username" in text and "First login" in text and "Identifiant" not in text


def test_the_file_name_is_safe() -> None:
    assert slips_pdf.slips_filename("6e A/../ü") == "fiches_6e_A_u.pdf"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
def test_both_layouts_render_with_poppler(tmp_path: Path) -> None:
    import subprocess

    rows = [row(i, f"Nom{i}", "Zoé") for i in range(3)]
    for layout in ("8", "1"):
        path = tmp_path / f"slips-{layout}.pdf"
        path.write_bytes(pdf(make(rows), layout))
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "30",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                str(path),
                str(tmp_path / layout),
            ],
            check=True,
            timeout=60,
        )
        assert list(tmp_path.glob(f"{layout}-*.png"))


# --- settings -------------------------------------------------------------------------------


def test_settings_read_the_school_portal_and_password_mode() -> None:
    settings = load_settings(
        {
            "ACCESS_SCHOOL_NAME": "  Collège  X ",
            "ACCESS_PORTAL_URL": "https://ent.example.org/",
            "ACCESS_SLIPS_PASSWORD": "HINT",
        }
    )
    assert (settings.school_name, settings.portal_url, settings.slips_password) == (
        "Collège X",
        "https://ent.example.org/",
        "hint",
    )
    assert load_settings({}).slips_password == "digits"


@pytest.mark.parametrize(
    "env",
    [
        {"ACCESS_SLIPS_PASSWORD": "plain"},
        {"ACCESS_PORTAL_URL": "ftp://ent.example.org/"},
        {"ACCESS_PORTAL_URL": "https://user:secret@ent.example.org/"},
    ],
)
def test_bad_slip_settings_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(env)
    assert "secret" not in str(raised.value)


# --- services and audit, on the database -------------------------------------------------------


def test_a_batch_gives_exactly_its_learners_and_needs_an_active_admin(db, admin) -> None:
    ids = [add_learner(db, f"Nom{i}", "Zoé", login=f"zoe{i}") for i in range(4)]
    outcome = reset_passwords(db, admin, ids[:2], TEST_ROUNDS)
    rows = slips.batch_learners(db, admin, outcome.batch_id)
    assert sorted(r.id for r in rows) == ids[:2]
    with pytest.raises(NotFound):
        slips.batch_learners(db, admin, "no-such-batch")
    with pytest.raises(NotAuthorized):
        slips.batch_learners(db, "nobody", outcome.batch_id)


def test_printing_is_audited_without_any_password(db, admin) -> None:
    add_class(db, "6e A")  # the slips of a class name one of the actor's scope
    slips.record_slips(db, admin, 2, "8", class_name="6e A")
    slips.record_slips(db, admin, 3, "1", batch_id="b-1")
    events = audit.events(db, action=slips.SLIPS_ACTION)
    assert [e.details for e in events] == [
        {"learners": 3, "layout": "1", "batch": "b-1"},
        {"learners": 2, "layout": "8", "class": "6e A"},
    ]
    with pytest.raises(NotAuthorized):
        slips.record_slips(db, "nobody", 1, "8")


# --- the command line ----------------------------------------------------------------------------


def _school(db) -> list[int]:
    create_test_admin(db)
    return [
        add_learner(db, "Martin", "Léa", birth_date=date(2012, 2, 29), login="lea.martin"),
        add_learner(db, "Petit", "Zoé", birth_date=date(2013, 1, 1), login="zoe.petit"),
        add_learner(db, "Sans", "Date", birth_date=None, login="sans.date"),
        add_learner(db, "Roux", "Inès", class_name="6e B", login="ines.roux"),
    ]


def test_cli_slips_of_a_class(cli, db, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("ACCESS_LANGUAGE")  # the default: French slips and messages
    _school(db)
    out_file = tmp_path / "fiches.pdf"
    code, out, err = cli("slips", "--class", "6e A", "--output", str(out_file), "--actor", "admin")
    assert code == 0, err
    assert "2 fiches sur 1 page écrites dans" in out
    assert "attention : pas de date de naissance, pas de fiche pour Sans Date" in err
    texts = slip_texts(out_file.read_bytes())
    assert [t.split("\n")[0] for t in texts] == ["Classe : 6e A"] * 2
    assert "29022012" in texts[0] and "01012013" in texts[1]
    (event,) = audit.events(db, action=slips.SLIPS_ACTION)
    assert event.details == {
        "learners": 2,
        "layout": "8",
        "class": "6e A",
        "via": "cli",
        "os_user": os_user(),
    }
    assert event.actor == "admin"


def test_cli_slips_of_logins_one_per_page(cli, db, tmp_path: Path) -> None:
    _school(db)
    out_file = tmp_path / "fiches.pdf"
    code, out, err = cli(
        "slips",
        "--login",
        "ines.roux",
        "lea.martin",
        "--output",
        str(out_file),
        "--actor",
        "admin",
        "--layout",
        "1",
    )
    assert code == 0, err
    texts = slip_texts(out_file.read_bytes(), "1")
    assert ["Martin Léa" in texts[0], "Roux Inès" in texts[1]] == [True, True]


def test_cli_reset_then_slips_of_the_batch(cli, db, tmp_path: Path) -> None:
    _school(db)
    code, out, err = cli(
        "reset",
        "--login",
        "lea.martin",
        "ines.roux",
        "--actor",
        "admin",
        "--yes",
        "--slips",
        str(tmp_path / "reset.pdf"),
    )
    assert code == 0, err
    batch_id = re.search(r"batch ([0-9a-f-]{36})", out)[1]  # type: ignore[index]
    assert f"access-core slips --batch {batch_id}" in out
    texts = slip_texts((tmp_path / "reset.pdf").read_bytes())
    assert len(texts) == 2 and "29022012" in texts[0] and "17052013" in texts[1]
    code, out, err = cli(
        "slips", "--batch", batch_id, "--output", str(tmp_path / "again.pdf"), "--actor", "admin"
    )
    assert code == 0, err
    assert slip_texts((tmp_path / "again.pdf").read_bytes()) == texts


def test_cli_slips_of_the_batch_after_a_learner_chose_a_password_no_longer_show_it(
    cli, db, settings, tmp_path: Path
) -> None:
    """The command line reads the learners when it writes the file (issue 19, item 15)."""
    from access_core.accounts.learner_login import change_password

    _school(db)
    code, out, err = cli("reset", "--login", "lea.martin", "zoe.petit", "--actor", "admin", "--yes")
    assert code == 0, err
    batch_id = re.search(r"batch ([0-9a-f-]{36})", out)[1]  # type: ignore[index]
    change_password(db, settings, "lea.martin", "29022012", "a-new-secret-1")
    for args in (("--batch", batch_id), ("--class", "6e A"), ("--login", "lea.martin")):
        output = tmp_path / f"{args[0].strip('-')}.pdf"
        code, out, err = cli("slips", *args, "--output", str(output), "--actor", "admin")
        assert code == 0, err
        (lea,) = [text for text in slip_texts(output.read_bytes()) if "Martin Léa" in text]
        assert "29022012" not in lea and "Personal password" in lea


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--class", "9e Z"), "no class named"),
        (("--login", "nobody.here"), "unknown login: nobody.here"),
        (("--batch", "nope"), "no reset batch"),
        (("--login", "sans.date"), "no slip to print"),
    ],
)
def test_cli_slips_errors_are_one_line(cli, db, tmp_path: Path, args, fragment) -> None:
    _school(db)
    out_file = tmp_path / "x.pdf"
    code, out, err = cli("slips", *args, "--output", str(out_file), "--actor", "admin")
    assert_one_line_error(code, out, err, fragment)
    assert not out_file.exists()
    assert audit.events(db, action=slips.SLIPS_ACTION) == []


def test_cli_slips_refuses_a_non_administrator(cli, db, tmp_path: Path) -> None:
    _school(db)
    code, out, err = cli(
        "slips", "--class", "6e A", "--output", str(tmp_path / "x.pdf"), "--actor", "intruder"
    )
    assert_one_line_error(code, out, err)
    assert not (tmp_path / "x.pdf").exists()


def test_cli_slips_of_every_class_one_private_file_each(cli, db, tmp_path: Path) -> None:
    _school(db)
    add_learner(db, "Barre", "Ana", class_name="6e/A", login="ana.barre")  # same file title
    add_learner(db, "Loin", "Eve", class_name="../../evil", login="eve.loin")
    add_learner(
        db,
        "Partie",
        "Jade",
        class_name="5e C",
        login="jade.partie",
        deactivated_at=datetime.now(UTC),
    )  # a class without an active learner
    folder = tmp_path / "rentree" / "fiches"
    code, out, err = cli("slips", "--all-classes", "--output", str(folder), "--actor", "admin")
    assert code == 0, err
    assert "5 slips on 4 pages written to" in out
    files = {p.name: slip_texts(p.read_bytes()) for p in folder.iterdir()}
    firsts = {name: [t.split("\n")[0] for t in texts] for name, texts in files.items()}
    assert firsts == {
        "fiches_evil.pdf": ["Class: ../../evil"],
        "fiches_6e_A.pdf": ["Class: 6e A"] * 2,
        "fiches_6e_A_2.pdf": ["Class: 6e/A"],
        "fiches_6e_B.pdf": ["Class: 6e B"],
    }
    written = list(tmp_path.rglob("*.pdf"))  # none escaped the folder
    assert sorted(p.relative_to(folder).as_posix() for p in written) == sorted(files)
    assert {file_mode(p) for p in folder.iterdir()} == {0o600}
    assert file_mode(folder) == file_mode(folder.parent) == 0o700
    lines = err.splitlines()
    assert [line for line in lines if line.startswith("[")] == [
        "[1/5] 5e C: no slip (no learner, or none with a birth date)",
        "[2/5] 6e A: 2 slips",
        "[3/5] 6e B: 1 slip",
        "[4/5] 6e/A: 1 slip",
        "[5/5] ../../evil: 1 slip",
    ]
    assert "warning: no birth date, no slip for Sans Date" in lines
    events = audit.events(db, action=slips.SLIPS_ACTION)
    assert sorted((e.details["class"], e.details["learners"]) for e in events) == [
        ("../../evil", 1),
        ("6e A", 2),
        ("6e B", 1),
        ("6e/A", 1),
    ]


def test_cli_slips_of_every_class_interrupted_says_what_was_written(
    cli, db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _school(db)
    record = slips.record_slips

    def ctrl_c_while_journalling(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, between the file and its event
        return record(*args, **kwargs)

    monkeypatch.setattr(slips, "record_slips", ctrl_c_while_journalling)
    folder = tmp_path / "fiches"
    code, out, err = cli("slips", "--all-classes", "--output", str(folder), "--actor", "admin")
    assert code == 130 and "Traceback" not in err
    assert err.strip().splitlines()[-1] == (
        f"interrupted: the slips of 1 of 2 classes were written to {folder} and journalled, "
        "the others were not"
    )
    assert "nothing changed" not in err
    # the class being journalled when Ctrl-C came was finished: its file and its event
    assert [p.name for p in folder.iterdir()] == ["fiches_6e_A.pdf"]
    events = audit.events(db, action=slips.SLIPS_ACTION)
    assert [e.details["class"] for e in events] == ["6e A"]


def test_cli_slips_of_every_class_interrupted_before_any_class_leaves_no_folder(
    cli, db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _school(db)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(slips, "record_slips", interrupted)
    monkeypatch.setattr(cli_slips, "write_output", interrupted)
    folder = tmp_path / "fiches"
    code, out, err = cli("slips", "--all-classes", "--output", str(folder), "--actor", "admin")
    assert code == 130
    assert err.strip().splitlines()[-1] == "interrupted, nothing changed"
    assert not folder.exists()


def test_cli_slips_of_every_class_refusals_write_nothing(cli, db, tmp_path: Path) -> None:
    _school(db)
    folder = tmp_path / "fiches"
    code, out, err = cli("slips", "--all-classes", "--output", str(folder), "--actor", "intruder")
    assert_one_line_error(code, out, err)
    assert not folder.exists()
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    code, out, err = cli("slips", "--all-classes", "--output", str(a_file), "--actor", "admin")
    assert_one_line_error(code, out, err, "is not a folder")
    assert a_file.read_text() == "mine"
    last_year = tmp_path / "fiches_2025"
    last_year.mkdir()
    (last_year / "fiches_6e_A.pdf").write_bytes(b"last year's slips")
    code, out, err = cli("slips", "--all-classes", "--output", str(last_year), "--actor", "admin")
    assert_one_line_error(code, out, err, "is not empty: name a new folder")
    assert [p.name for p in last_year.iterdir()] == ["fiches_6e_A.pdf"]
    assert (last_year / "fiches_6e_A.pdf").read_bytes() == b"last year's slips"
    assert audit.events(db, action=slips.SLIPS_ACTION) == []


def test_cli_slips_of_every_class_into_an_empty_folder_makes_it_private(
    cli, db, tmp_path: Path
) -> None:
    _school(db)
    folder = tmp_path / "vide"
    folder.mkdir(mode=0o755)
    code, out, err = cli("slips", "--all-classes", "--output", str(folder), "--actor", "admin")
    assert code == 0, err
    assert file_mode(folder) == 0o700
    assert sorted(p.name for p in folder.iterdir()) == ["fiches_6e_A.pdf", "fiches_6e_B.pdf"]


def test_cli_slips_of_every_class_without_birth_dates_says_so_and_leaves_nothing(
    cli, db, tmp_path: Path
) -> None:
    create_test_admin(db)
    add_learner(db, "Sans", "Date", birth_date=None, login="sans.date")
    folder = tmp_path / "fiches"
    code, out, err = cli("slips", "--all-classes", "--output", str(folder), "--actor", "admin")
    assert code == 1 and "Traceback" not in err
    assert err.strip().splitlines() == [  # the progress line, then the error
        "[1/1] 6e A: no slip (no learner, or none with a birth date)",
        "error: no slip to print: no learner has a birth date",
    ]
    assert not folder.exists()


def test_cli_slips_usage_errors_exit_2(cli, db, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as raised:
        cli("slips", "--class", "6e A", "--login", "x", "--output", "x.pdf", "--actor", "admin")
    assert raised.value.code == 2


def test_a_batch_printed_again_after_a_learner_chose_a_password_no_longer_shows_it(
    db, admin, settings
) -> None:
    from access_core.accounts.learner_login import change_password

    ids = [add_learner(db, "Nom", f"Zoé{i}", login=f"zoe{i}") for i in range(2)]
    outcome = reset_passwords(db, admin, ids, TEST_ROUNDS)
    change_password(db, settings, "zoe0", "17052013", "a-new-secret-1")

    slip_set = build_slips(slips.batch_learners(db, admin, outcome.batch_id), "digits", 60, TZ)
    states = {s.login: (s.state, s.password) for s in slip_set.slips}
    assert states == {
        "zoe0": (PasswordState.CUSTOM, None),
        "zoe1": (PasswordState.INITIAL, "17052013"),
    }


def _without_date_and_id(data: bytes) -> bytes:
    data = re.sub(rb"/CreationDate \(D:[^)]*\)", b"", data)
    return re.sub(rb"/ID \[<[0-9A-F]*><[0-9A-F]*>\]", b"", data)


def test_a_document_does_not_depend_on_the_documents_built_before_it() -> None:
    """The shipped fonts are read once per process: each document still embeds the glyphs it
    uses and no others, so the same slips give the same PDF whatever was built before."""
    from access_core.documents import slip_fonts

    slip_fonts._parsed_font.cache_clear()  # noqa: SLF001 - the first document reads the fonts
    plain = make([row(1, "Martin", "Léa"), row(2, "Durand", "Hugo")])
    first = slips_pdf.slips_pdf(plain, OPTIONS, "fr", "8").data
    other = make([row(3, "Øster-Łukasz", "Žofia Ÿvès Ĳssel"), row(4, "Ωmega", "Щука")])
    other_pdf = slips_pdf.slips_pdf(other, OPTIONS, "fr", "1").data
    again = slips_pdf.slips_pdf(plain, OPTIONS, "fr", "8").data

    assert _without_date_and_id(again) == _without_date_and_id(first)
    texts = " ".join(one_line(text) for text in slip_texts(other_pdf))
    assert "Øster-Łukasz Žofia Ÿvès Ĳssel" in texts
    assert "Ωmega Щука" in texts
