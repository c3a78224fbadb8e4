"""« Comptes »: the staff accounts of the administrator's schools; create an administrator or a
teacher (generated password shown once, with its slip), disable/enable, a teacher's classes,
lift a lockout, reset a colleague's password. Administrators only: the services refuse anyone
else, and the page then shows a refusal and nothing more."""

from __future__ import annotations

import streamlit as st

from access_ui.auth import require_admin

user = require_admin()  # first: nothing below runs for anyone else

from access_core.errors import NotAuthorized  # noqa: E402
from access_core.text.catalogue import t  # noqa: E402
from access_ui import accounts_ui, context  # noqa: E402
from access_ui.feedback import call_or_stop, stop_with_error  # noqa: E402

lang = context.language()
settings = context.settings()
db = call_or_stop(lang, context.database)

try:
    rows = accounts_ui.list_accounts(db, settings, user)
except NotAuthorized:
    st.error(t("accounts_refused", lang))
    st.stop()
except Exception as exc:  # noqa: BLE001 - every failure becomes a message, never a traceback
    stop_with_error(exc, lang)

st.title(t("accounts_title", lang))
accounts_ui.show_new_credential(lang)
accounts_ui.account_table(rows, settings, lang)
with st.expander(t("accounts_create", lang)):
    accounts_ui.create_form(db, settings, user, lang)
st.subheader(t("accounts_manage", lang))
accounts_ui.manage_account(db, settings, user, rows, lang)
