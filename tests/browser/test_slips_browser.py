"""The slips of a reset in a real browser: reset two learners, download the batch's slips from
the notice (served ``no-store``), read the PDF's text back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from access_core.accounts.passwords import initial_password
from tests.browser.conftest import Server, choose_class, settle
from tests.support.browser_dashboard import (
    CLASS,
    CLASS_PUPILS,
    TICKED_ROWS,
    expect,
    log_in,
    open_app,
    tick,
)
from tests.support.slips_helpers import one_line, slip_texts

pytestmark = pytest.mark.browser


def test_the_notice_of_a_reset_gives_exactly_the_reset_learners_slips(
    server: Server, page: Any, tmp_path: Path
) -> None:
    media: list[Any] = []
    page.on("response", lambda r: media.append(r) if "/media/" in r.url else None)
    open_app(page, server.url)
    log_in(page)
    choose_class(page, CLASS)
    grid = page.get_by_test_id("stDataFrame").first
    tick(page, grid, TICKED_ROWS)
    page.get_by_role("button", name="Réinitialiser tous les comptes marqués").click()
    settle(page)
    page.get_by_role("dialog").get_by_role("button", name="Confirmer la réinitialisation").click()
    settle(page)
    expect(page.get_by_text("2 mots de passe réinitialisés.")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Fiches des comptes réinitialisés (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("fiches_reinitialisation_")
    assert download.suggested_filename.endswith(".pdf")
    saved = tmp_path / "slips.pdf"
    download.save_as(saved)
    settle(page)
    served = [r for r in media if r.url == download.url]
    assert served, f"no /media/ response for {download.url}"
    for response in served:  # served by app.py: never kept by the browser or a proxy
        assert "no-store" in response.all_headers().get("cache-control", "")

    texts = slip_texts(saved.read_bytes())
    reset = [CLASS_PUPILS[i] for i in TICKED_ROWS]
    assert len(texts) == len(reset) == 2
    for pupil, text in zip(reset, texts, strict=True):
        assert f"{pupil.last_name} {pupil.first_name}" in one_line(text)
        assert pupil.login in text.split("\n")
        assert initial_password(pupil.birth_date) in text.split("\n")
    others = [p for p in CLASS_PUPILS if p not in reset]
    joined = "\n".join(texts)
    for pupil in others:
        assert pupil.last_name not in joined and initial_password(pupil.birth_date) not in joined
