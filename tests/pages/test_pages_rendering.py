"""User data is shown as text, never rendered: names, classes and file headers holding markdown,
HTML or LaTeX delimiters appear literally in every element (AppTest), and « Tout marquer » does
not survive a class change.

Streamlit renders ``st.markdown``, ``st.warning``, ``st.error``, ``st.info``... as markdown
(CommonMark, plus ``$...$`` math). Each such element is parsed here with a CommonMark parser
(markdown-it-py): it must build no image, link, emphasis or raw HTML, hold no unescaped ``$``,
and show the name as written.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from streamlit.testing.v1 import AppTest

from access_core.db.unit_of_work import Database
from access_core.roster.names import full_name
from tests.support.factories import add_class, add_learner
from tests.support.import_pages import IMPORT_PAGE, upload
from tests.support.pages import (
    RESET_COLUMN,
    TIMEOUT_S,
    dialog_names,
    editor_frame,
    live_session,
    mark,
    no_exception,
    page,
    select_class,
    texts,
)
from tests.support.school import School

# A remote image, bold, emphasis, raw HTML and a LaTeX formula.
NASTY = ("![p](http://host/p.png)", "**x**", "_a_", "<img src=x>", "$x$")
MARKDOWN_ELEMENTS = ("markdown", "warning", "error", "info", "success", "caption", "exception")
FORBIDDEN_TOKENS = {"image", "link_open", "em_open", "strong_open", "html_inline", "html_block"}
UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")
PARSER = MarkdownIt("commonmark")


def _walk(tokens: list[Token]) -> list[Token]:
    found: list[Token] = []
    for token in tokens:
        found.append(token)
        found.extend(_walk(token.children or []))
    return found


def shown(markdown: str) -> str:
    """The text a CommonMark renderer shows for ``markdown``, after checking that it builds
    nothing but text (no image, link, emphasis, raw HTML) and starts no formula."""
    tokens = _walk(PARSER.parse(markdown))
    built = {t.type for t in tokens} & FORBIDDEN_TOKENS
    assert not built, f"{markdown!r} renders {built}"
    assert not UNESCAPED_DOLLAR.search(markdown), f"{markdown!r} starts a formula"
    return "".join(t.content for t in tokens if t.type in ("text", "code_inline"))


def rendered_markdown(at: AppTest) -> list[str]:
    """What every markdown-rendering element of the page shows, each checked by ``shown``."""
    return [shown(str(e.value)) for kind in MARKDOWN_ELEMENTS for e in getattr(at, kind)]


def table_cells(at: AppTest) -> set[str]:
    cells: set[str] = set()
    for frame in [d.value for d in at.dataframe]:
        cells.update(str(v) for v in frame.to_numpy().ravel())
    return cells


def nasty_school(db: Database) -> list[int]:
    """One learner per nasty name in « 6e A » (as last and first name), without birth date."""
    add_class(db, "6e A")
    return [
        add_learner(db, name, name, birth_date=None, login=f"nasty.{i}")
        for i, name in enumerate(NASTY)
    ]


def test_the_confirmation_dialog_and_its_refusal_show_names_as_written(
    app_db: Database, admin: str
) -> None:
    ids = nasty_school(app_db)  # none has a birth date: the reset is refused, naming them
    at = page(admin).run()
    no_exception(at)
    class_id = at.selectbox(key="class_id").value
    key = f"editor:class-{class_id}:0"
    mark(at, key, ids)
    at.run()
    at.button(key=f"reset_btn:class-{class_id}").click()
    at.run()
    no_exception(at)

    expected = sorted(full_name(n, n) for n in NASTY)
    assert sorted(dialog_names(at)) == expected
    rendered_markdown(at)  # the dialog's texts render nothing

    at.button(key="confirm_reset").click()
    at.run()
    no_exception(at)
    (refusal,) = [shown(str(e.value)) for e in at.error]
    for name in expected:
        assert name in refusal


def test_the_missing_birth_date_warning_shows_names_as_written(
    app_db: Database, admin: str
) -> None:
    nasty_school(app_db)
    at = page(admin).run()
    no_exception(at)

    (warning,) = [shown(str(e.value)) for e in at.warning]
    for name in NASTY:
        assert full_name(name, name) in warning
    rendered_markdown(at)
    frame = editor_frame(at, f"editor:class-{at.selectbox(key='class_id').value}:0")
    assert {(n, n) for n in NASTY} == set(zip(frame["Nom"], frame["Prénom"], strict=True))


def _roster(rows: list[tuple[str, str, str, str]]) -> bytes:
    lines = ["Nom;Prénom;Date de naissance;Classe"] + [";".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def test_the_import_preview_shows_names_classes_and_rejections_as_written(
    app_db: Database, admin: str
) -> None:
    rows = [(name, name, "05/04/2013", f"5e {name}") for name in NASTY]
    rows.append(("<b>bad</b>", "$y$", "", "6e A"))  # rejected: no birth date
    at = live_session(AppTest.from_file(IMPORT_PAGE, default_timeout=TIMEOUT_S), admin).run()
    upload(at, "roster.csv", _roster(rows))
    no_exception(at)

    shown_texts = " ".join(rendered_markdown(at))
    for name in NASTY:
        assert f"5e {name}" in shown_texts  # « Classes créées : ... »
    cells = table_cells(at)
    assert set(NASTY) <= cells  # the preview's tables
    assert {"<b>bad</b> $y$"} <= cells  # the rejected row's name


def test_an_unknown_layout_error_shows_the_file_headers_as_written(
    app_db: Database, admin: str
) -> None:
    content = ";".join(NASTY).encode() + b"\nx;y;z;t;u\n"
    at = live_session(AppTest.from_file(IMPORT_PAGE, default_timeout=TIMEOUT_S), admin).run()
    upload(at, "roster.csv", content)
    no_exception(at)

    (error,) = [shown(str(e.value)) for e in at.error]
    for header in NASTY:
        assert header in error


# --- « Tout marquer » and a class change ------------------------------------------------------


def _marked(at: AppTest, class_id: Any) -> list[bool]:
    """The « Réinitialiser » column of the class's editor, whatever its generation."""
    (editor,) = [e for e in at.data_editor if str(e.key).startswith(f"editor:class-{class_id}:")]
    return [bool(v) for v in editor.value[RESET_COLUMN]]


def test_mark_all_does_not_survive_a_class_change(app_school: School, admin: str) -> None:
    at = page(admin).run()
    select_class(at, app_school.class_a)
    at.button(key=f"mark_all_btn:class-{app_school.class_a}").click()
    at.run()
    assert _marked(at, app_school.class_a) == [True, True, True]
    assert "3 élèves marqués sur 3." in texts(at.caption)

    select_class(at, app_school.class_b)
    assert _marked(at, app_school.class_b) == [False]
    select_class(at, app_school.class_a)

    no_exception(at)
    assert _marked(at, app_school.class_a) == [False, False, False]
    assert "0 élève marqué sur 3." in texts(at.caption)
