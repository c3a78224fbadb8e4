"""Uploading SIECLE's zip (``ExportXML_ElevesSansAdresses.zip``) in a real browser: the preview
names the format, the rejected rows carry their ELEVE_ID, and the import creates the pupils
under their usage names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.browser_app import (
    AppServer,
    expect,
    expect_logged_in,
    log_in,
    metric,
    open_app,
    settle,
    sql,
)
from tests.support.roster_samples import IMPORTED, siecle_xml, siecle_zip

pytestmark = pytest.mark.browser


def test_a_siecle_zip_is_previewed_and_imported(
    app_server: AppServer,
    page: Any,
    tmp_path: Path,
) -> None:
    upload = tmp_path / "ExportXML_ElevesSansAdresses.zip"
    upload.write_bytes(siecle_zip(siecle_xml()))

    open_app(page, app_server.url)
    log_in(page)
    expect_logged_in(page)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Import").click()
    settle(page)
    expect(page.get_by_text("Au plus 50 Mo et 20000 élèves.", exact=False)).to_be_visible()
    # the school already has other pupils: a partial import deactivates none of them
    page.get_by_text("Import partiel", exact=False).click()
    settle(page)
    page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(upload)
    settle(page)

    expect(
        page.get_by_text("Format reconnu : SIECLE (export XML des élèves)", exact=False)
    ).to_be_visible()
    expect(page.get_by_text("année scolaire : 2025-2026", exact=False)).to_be_visible()
    expect(metric(page, "Nouveaux")).to_have_text(str(len(IMPORTED)))
    expect(metric(page, "Rejetés")).to_have_text("2")
    expect(metric(page, "Désactivés")).to_have_text("0")
    expect(page.get_by_role("button", name="Appliquer l'import")).to_be_disabled()

    page.get_by_text("Ignorer les lignes rejetées et importer les autres", exact=True).click()
    settle(page)
    page.get_by_role("button", name="Appliquer l'import").click()
    settle(page)
    expect(
        page.get_by_text(f"Import appliqué : {len(IMPORTED)} nouveaux", exact=False)
    ).to_be_visible()
    rows = sql(
        app_server,
        "SELECT l.external_id, l.last_name, l.first_name, c.name FROM learners l"
        " JOIN school_classes c ON c.id = l.class_id WHERE l.external_id IS NOT NULL"
        " ORDER BY l.external_id",
    )
    assert rows == sorted((p.ine, p.shown_last_name, p.first_name, p.division) for p in IMPORTED)
