"""Names stored by another program (the integration contract's tables) may hold control
characters: whatever the command line prints, they are shown as symbols (« ␛ »), never sent raw
to the terminal, where ESC sequences retitle, clear or recolour it."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from access_core.accounts.admins import create_admin
from access_core.characters import CONTROL
from access_core.db.models import Admin
from tests.support.factories import TEST_ROUNDS, add_learner

CLASS = "6e A\x1b[31m\x07"
EVIL = "EVIL\x1b[2J\x1b]0;pwned\x07"


def _raw_controls(text: str) -> list[str]:
    """The control characters of ``text`` a terminal would act on (line breaks and the
    tab-separated listings' tabs are the output's own)."""
    return CONTROL.findall(text.replace("\n", "").replace("\t", ""))


@pytest.fixture
def stored(db, admin):
    """A class and a learner whose stored names hold ESC and BEL, and an administrator whose
    stored username and display name do too."""
    add_learner(db, EVIL, "Lina", class_name=CLASS, birth_date=None, login="lina.evil")
    add_learner(db, "Martin", "Léa", class_name=CLASS, login="lea.martin")
    create_admin(db, "other", "a long enough password", TEST_ROUNDS)
    with db.transaction(write=True) as session:
        session.execute(
            update(Admin)
            .where(Admin.username == "other")
            .values(username="ot\x1b[2Jher", display_name="Mme\x07 X\x1b]0;t\x07")
        )
    return admin


def test_no_stored_control_character_reaches_the_terminal(cli, stored, tmp_path):
    roster = tmp_path / "one.csv"
    roster.write_text("Nom;Prénom;Date de naissance;Classe\nX;Y;01/02/2012;6Z\n", "utf-8")
    commands = {
        "list-classes": ("list-classes", "--actor", stored),
        "stats": ("stats", "--actor", stored),
        "stats csv": ("stats", "--actor", stored, "--format", "csv"),
        "export": ("export", "--class", CLASS, "--output", str(tmp_path / "e.xlsx")),
        "export, close class names": ("export", "--class", "6e A", "--output", "x.xlsx"),
        "slips --class": ("slips", "--class", CLASS, "--output", str(tmp_path / "s.pdf")),
        "slips --all-classes": ("slips", "--all-classes", "--output", str(tmp_path / "all")),
        "import preview": ("import", str(roster), "--actor", stored, "--dry-run", "--force"),
        "reset": ("reset", "--login", "lea.martin", "--actor", stored, "--yes"),
        "list-admins": ("list-admins",),
    }
    for what, args in commands.items():
        if args[0] in ("export", "slips"):
            args = (*args, "--actor", stored)
        code, out, err = cli(*args)

        assert "Traceback" not in out + err, what
        assert _raw_controls(out + err) == [], (what, out, err)
        assert "␛" in out + err, (what, out, err)  # the name is printed, shown as symbols
        assert code == (1 if what == "export, close class names" else 0), (what, err)
