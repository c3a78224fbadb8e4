"""P8: the login slips' PDF, for a class (through the page's cache) and for 2,000 learners
against fpdf2 writing the same texts with the same fonts and no layout."""

from __future__ import annotations

import statistics
from argparse import Namespace
from zoneinfo import ZoneInfo

from fpdf import FPDF
from sqlalchemy import select

from access_core.db.models import Learner
from access_core.db.unit_of_work import Database
from access_core.documents import slips, slips_pdf
from access_core.roster import queries as roster
from access_core.text.catalogue import t

TZ = ZoneInfo("Europe/Paris")
OPTIONS = slips.SlipOptions("Collège Jean-Moulin", "https://ent.example.org/eleves", "digits")
Row = tuple[str, str, str, str, str, str, str]


def _texts(slip: slips.Slip) -> list[str]:
    value, lines = slips_pdf._password_lines(slip, OPTIONS, "fr")
    return [
        OPTIONS.school_name,
        t("slip_class", "fr", class_name=slip.class_name),
        slip.full_name,
        t("slip_login", "fr"),
        slip.login,
        t("slip_password", "fr"),
        *([value] if value else []),
        *lines,
        t("slip_portal", "fr", url=OPTIONS.portal_url),
    ]


def baseline_pdf(slip_set: slips.SlipSet) -> bytes:
    """The same texts in the same embedded fonts, one line after another, no layout, with
    fpdf2's plain ``text()`` (what the slips use when every glyph is in the font)."""
    pdf = FPDF(unit="mm", format="A4")
    for (family, style), name in slips_pdf.FONTS.items():
        pdf.add_font(family, style, str(slips_pdf.FONT_DIR / name))
    pdf.set_auto_page_break(False)
    y = 297.0
    for slip in slip_set.slips:
        for index, text in enumerate(_texts(slip)):
            if y > 285:
                pdf.add_page()
                y = 10.0
            pdf.set_font("mono" if index == 4 else "sans", "B", 10)
            pdf.text(10, y, text)
            y += 4
    return bytes(pdf.output())


def _timed(func: object, runs: int) -> float:
    import time

    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def p8_slips(db: Database, args: Namespace) -> list[Row]:
    from access_ui import cached  # st.cache_data works without a running server

    with db.transaction() as session:
        ids = list(
            session.scalars(
                select(Learner.id)
                .where(Learner.birth_date.is_not(None))
                .order_by(Learner.id)
                .limit(2000)
            )
        )
        big_rows = roster.learners_by_ids(session, ids, None)
    class_rows = big_rows[:35]

    def build(rows: list[roster.LearnerRow]) -> slips.SlipSet:
        return slips.build_slips(rows, "digits", 60, TZ)

    runs = max(3, args.runs // 10)
    small = build(class_rows)
    cached.slips_document(small, OPTIONS, "fr", "8", "6e A")  # fills the cache
    hit = _timed(lambda: cached.slips_document(build(class_rows), OPTIONS, "fr", "8", "6e A"), runs)
    fresh = _timed(lambda: slips_pdf.slips_pdf(build(class_rows), OPTIONS, "fr", "8"), runs)
    big = build(big_rows)

    def ours_once() -> None:
        ours_runs.append(_timed(lambda: slips_pdf.slips_pdf(big, OPTIONS, "fr", "8"), 1))

    def base_once() -> None:
        base_runs.append(_timed(lambda: baseline_pdf(big), 1))

    ours_runs: list[float] = []
    base_runs: list[float] = []
    for index in range(5):  # alternated (A B, B A, ...): a change of the load hits both alike
        for run in (ours_once, base_once) if index % 2 == 0 else (base_once, ours_once):
            run()
    ours, base = statistics.median(ours_runs), statistics.median(base_runs)
    ratio = statistics.median(o / b for o, b in zip(ours_runs, base_runs, strict=True))
    return [
        (
            "P8",
            f"login slips, class of {len(class_rows)} (page, cached by content)",
            _ms(hit),
            f"built uncached {_ms(fresh)}",
            f"{hit / fresh:.2f}",
            "≤ 150 ms",
            "yes" if hit <= 0.150 else "no",
        ),
        (
            "",
            f"login slips, class of {len(class_rows)}, built uncached",
            _ms(fresh),
            "",
            "",
            "(≤ 150 ms if uncached)",
            "yes" if fresh <= 0.150 else "no",
        ),
        (
            "",
            f"login slips, {big.count} learners (8 per page)",
            _ms(ours),
            f"fpdf2 same texts, no layout {_ms(base)}",
            f"{ratio:.2f}",
            "≤ 1.3 × baseline",
            "yes" if ratio <= 1.3 else "no",
        ),
    ]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"
