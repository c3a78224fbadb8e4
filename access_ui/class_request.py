"""A request, from the « Vue d'ensemble » page, to open a class on the main page with only its
initial passwords shown: written before ``st.switch_page``, applied by the main page before it
draws its widgets."""

from __future__ import annotations

from collections.abc import Collection

import streamlit as st

REQUEST_KEY = "open_class_request"
CLASS_KEY = "class_id"  # the main page's « Classe » selectbox
INITIAL_ONLY_KEY = "initial_only"  # the main page's « Seulement les mots de passe initiaux »


def request_class(class_id: int) -> None:
    st.session_state[REQUEST_KEY] = int(class_id)


def class_key(school_id: int | None) -> str:
    """The « Classe » selectbox's key: one per chosen school, so that a change of school gives
    a new widget (the browser would otherwise keep showing the former school's class name)."""
    return CLASS_KEY if school_id is None else f"{CLASS_KEY}:{school_id}"


def apply_class_request(class_ids: Collection[int], key: str = CLASS_KEY) -> None:
    """Select the requested class (if it still exists) with the initial-only filter on."""
    class_id = st.session_state.pop(REQUEST_KEY, None)
    if class_id is not None and class_id in class_ids:
        st.session_state[key] = class_id
        st.session_state[INITIAL_ONLY_KEY] = True


def initial_only_toggle(label: str) -> bool:
    return bool(st.toggle(label, key=INITIAL_ONLY_KEY))
