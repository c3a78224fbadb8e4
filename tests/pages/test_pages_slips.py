"""The login slips on the main page (AppTest): the class's or the marked learners' slips, and
the slips of a reset's batch offered in its notice."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from access_core.accounts import admins
from access_core.accounts.learner_login import change_password
from access_core.accounts.passwords import initial_password
from access_core.audit import events as audit
from access_core.db.unit_of_work import Database
from access_core.documents import slips
from access_core.errors import NotAuthorized
from tests.support.factories import add_learner
from tests.support.pages import (
    Deferred,
    mark,
    no_exception,
    page,
    select_class,
    texts,
)
from tests.support.school import School
from tests.support.slips_helpers import slip_texts


def download(at: AppTest, deferred: list[Deferred], key: str) -> tuple[Any, Deferred]:
    """The download button whose key is ``key`` and the deferred callable behind it (the last
    run's): calling it is what the browser's click does, session check and audit included."""
    (button,) = [b for b in at.get("download_button") if b.proto.id.endswith(key)]  # type: ignore[attr-defined]
    batch = key == "download_batch_slips"
    made = [
        d
        for d in deferred
        if d.file_name
        and d.file_name.startswith("fiches_")
        and d.file_name.startswith("fiches_reinitialisation_") == batch
    ]
    assert made, f"no deferred download for {key}"
    return button, made[-1]


def names_in(data: bytes) -> list[str]:
    return [text.split("\n")[1] for text in slip_texts(data)]  # line 0: « Classe : ... »


def test_without_marks_the_button_gives_the_class_slips(
    app_school: School, app_db: Database, admin: str, deferred: list[Deferred]
) -> None:
    at = page(admin).run()
    select_class(at, app_school.class_a)
    no_exception(at)
    button, made = download(at, deferred, "download_slips")
    assert button.label == "Fiches de connexion (PDF)"
    assert made.file_name == "fiches_6e_A.pdf"
    assert made.mimetype == "application/pdf"
    data = made.make()
    assert data.startswith(b"%PDF")
    assert names_in(data) == ["Dubois Hugo", "Martin Léa", "Petit Zoé"]
    text = "\n".join(slip_texts(data))
    assert "29022012" in text and "01012013" in text  # Léa and Zoé: initial passwords
    assert "03072012" not in text  # Hugo chose his own
    assert "Mot de passe personnalisé" in text


def test_the_pdf_is_drawn_only_when_the_browser_asks_for_it(
    app_school: School,
    app_db: Database,
    admin: str,
    deferred: list[Deferred],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page run (a class switch) draws no PDF: that was most of a switch's server time."""
    from access_core.documents import slips_pdf

    drawn: list[int] = []
    draw = slips_pdf.slips_pdf

    def counting(slip_set: slips.SlipSet, *args: Any, **kwargs: Any) -> Any:
        drawn.append(slip_set.count)
        return draw(slip_set, *args, **kwargs)

    monkeypatch.setattr(slips_pdf, "slips_pdf", counting)
    at = page(admin).run()
    select_class(at, app_school.class_b)
    select_class(at, app_school.class_a)
    no_exception(at)
    assert drawn == []
    _, made = download(at, deferred, "download_slips")
    assert names_in(made.make()) == ["Dubois Hugo", "Martin Léa", "Petit Zoé"]
    assert drawn == [3]


def test_a_character_no_font_has_is_warned_about_before_any_pdf_is_drawn(
    app_school: School, app_db: Database, admin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from access_core.documents import slips_pdf

    def not_now(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a page run drew the PDF")

    monkeypatch.setattr(slips_pdf, "slips_pdf", not_now)
    add_learner(app_db, "Nom\U0010fffd", "Zoé", class_name="6e A", login="zoe.box")
    at = page(admin).run()
    select_class(at, app_school.class_a)
    no_exception(at)
    warnings = [w.value for w in at.warning]
    assert any("\U0010fffd" in w and "Nom\U0010fffd Zoé" in w for w in warnings), warnings


def test_with_marks_the_button_gives_the_marked_learners_only(
    app_school: School, app_db: Database, admin: str, deferred: list[Deferred]
) -> None:
    at = page(admin).run()
    mark(at, f"editor:class-{app_school.class_a}:0", [app_school.zoe, app_school.lea])
    at.run()
    no_exception(at)
    button, made = download(at, deferred, "download_slips")
    assert button.label == "Fiches de connexion : 2 élèves marqués (PDF)"
    assert audit.events(app_db, action=slips.SLIPS_ACTION) == []  # nothing asked for yet

    assert names_in(made.make()) == ["Martin Léa", "Petit Zoé"]
    (event,) = audit.events(app_db, action=slips.SLIPS_ACTION)
    assert event.details == {"learners": 2, "layout": "8", "class": "6e A"}
    assert event.actor == admin


def test_one_per_page_layout_and_a_learner_without_birth_date_named(
    app_school: School, app_db: Database, admin: str, deferred: list[Deferred]
) -> None:
    add_learner(app_db, "Sansdate", "Noé", birth_date=None, login="noe.sansdate")
    at = page(admin).run()
    at.radio(key="slips_layout").set_value("1").run()
    no_exception(at)
    _, made = download(at, deferred, "download_slips")
    pages = slip_texts(made.make(), "1")
    assert len(pages) == 3 and all(
        "Première connexion" in p or "Pour te connecter" in p for p in pages
    )
    assert "Pas de fiche sans date de naissance : Sansdate Noé." in texts(at.warning)


def test_after_a_reset_the_notice_offers_exactly_the_batch_slips(
    app_school: School, app_db: Database, admin: str, deferred: list[Deferred]
) -> None:
    at = page(admin).run()
    key = f"editor:class-{app_school.class_a}:0"
    mark(at, key, [app_school.hugo, app_school.zoe])
    at.run()
    at.button(key=f"reset_btn:class-{app_school.class_a}").click()
    at.run()
    at.button(key="confirm_reset").click()
    at.run()
    no_exception(at)
    assert texts(at.success) == ["2 mots de passe réinitialisés."]

    button, made = download(at, deferred, "download_batch_slips")
    assert button.label == "Fiches des comptes réinitialisés (PDF)"
    data = made.make()
    assert names_in(data) == ["Dubois Hugo", "Petit Zoé"]
    text = "\n".join(slip_texts(data))
    assert initial_password(date(2012, 7, 3)) in text  # Hugo, reset
    assert "01012013" in text and "29022012" not in text  # Léa was not in the batch
    (event,) = audit.events(app_db, action=slips.SLIPS_ACTION)
    assert event.details["learners"] == 2 and event.details["batch"]

    at.run()  # another interaction: the offer is gone
    assert not [b for b in at.get("download_button") if b.proto.id.endswith("download_batch_slips")]  # type: ignore[attr-defined]


def test_after_a_reset_of_deactivated_learners_the_notice_offers_their_slips(
    app_school: School, app_db: Database, admin: str, deferred: list[Deferred]
) -> None:
    at = page(admin).run()
    mark(at, "editor:deactivated:0", [app_school.noe])
    at.run()
    at.button(key="reset_btn:deactivated").click()
    at.run()
    at.button(key="confirm_reset").click()
    at.run()
    no_exception(at)
    _, made = download(at, deferred, "download_batch_slips")
    data = made.make()
    assert names_in(data) == ["Leroy Noé"]
    assert "31122010" in slip_texts(data)[0]


def test_an_administrator_disabled_while_the_page_is_open_gets_no_audited_download(
    app_school: School, app_db: Database, admin: str, deferred: list[Deferred]
) -> None:
    at = page(admin).run()
    _, made = download(at, deferred, "download_slips")
    admins.disable_admin(app_db, admin)  # by a second administrator, meanwhile

    with pytest.raises(NotAuthorized):
        made.make()  # the browser's click after the account was disabled

    assert audit.events(app_db, action=slips.SLIPS_ACTION) == []


def test_the_class_slips_read_the_learners_when_the_file_is_built(
    app_school: School, app_db: Database, admin: str, deferred: list[Deferred], settings: Any
) -> None:
    """A learner who chooses her password after the page was shown gets no initial password
    on the slips downloaded then: the file is built from the learners read at that moment."""
    at = page(admin).run()
    select_class(at, app_school.class_a)
    no_exception(at)
    _, made = download(at, deferred, "download_slips")
    change_password(app_db, settings, "zoe.petit", "01012013", "a-new-secret-1")

    data = made.make()
    (zoe,) = [text for text in slip_texts(data) if "Petit Zoé" in text]
    assert "01012013" not in zoe
    assert "Mot de passe personnalisé" in zoe
    assert "29022012" in "\n".join(slip_texts(data))  # Léa's is still her initial password


def test_the_batch_slips_read_the_learners_when_the_file_is_built(
    app_school: School, app_db: Database, admin: str, deferred: list[Deferred], settings: Any
) -> None:
    at = page(admin).run()
    key = f"editor:class-{app_school.class_a}:0"
    mark(at, key, [app_school.hugo, app_school.zoe])
    at.run()
    at.button(key=f"reset_btn:class-{app_school.class_a}").click()
    at.run()
    at.button(key="confirm_reset").click()
    at.run()
    no_exception(at)
    _, made = download(at, deferred, "download_batch_slips")
    change_password(app_db, settings, "hugo.dubois", "03072012", "a-new-secret-1")

    texts_ = slip_texts(made.make())
    (hugo,) = [text for text in texts_ if "Dubois Hugo" in text]
    assert "03072012" not in hugo and "Mot de passe personnalisé" in hugo
    assert "01012013" in "\n".join(texts_)  # Zoé, reset, still on her initial password


def test_the_identifier_list_reads_the_learners_when_the_file_is_built(
    app_school: School, app_db: Database, admin: str, deferred: list[Deferred]
) -> None:
    """The identifier list downloaded after a correction (another tab, an import) holds the
    corrected birth date and the learners in the class at that moment, not the page's last run."""
    import io

    from openpyxl import load_workbook

    from access_core.db.models import Learner

    at = page(admin).run()
    select_class(at, app_school.class_a)
    no_exception(at)
    (made,) = [d for d in deferred if d.file_name and d.file_name.startswith("identifiants_")][-1:]
    with app_db.transaction(write=True) as session:
        lea = session.get(Learner, app_school.lea)
        assert lea is not None
        lea.birth_date = date(2012, 3, 1)
        zoe = session.get(Learner, app_school.zoe)
        assert zoe is not None
        zoe.deactivated_at = datetime.now(UTC)

    sheet = load_workbook(io.BytesIO(made.make()), read_only=True).active
    assert sheet is not None
    rows = [tuple(cell for cell in row) for row in sheet.iter_rows(values_only=True)]
    by_login = {row[2]: row for row in rows if len(row) > 3 and isinstance(row[2], str)}
    assert "zoe.petit" not in by_login
    assert by_login["lea.martin"][3].date() == date(2012, 3, 1)
