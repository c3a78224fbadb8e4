"""The server's caches of documents holding learners' data (access_ui/cached.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import streamlit as st
from streamlit.runtime.caching import cache_utils
from streamlit.runtime.caching.cache_utils import CachedFunc
from streamlit.time_util import time_to_seconds

from access_core.documents import workbook as exports
from access_core.roster.queries import LearnerRow
from access_ui import cached

TEN_MINUTES = 600.0


@pytest.mark.parametrize("function", [cached.identifier_workbook, cached.slips_document])
def test_a_document_with_learners_data_leaves_the_servers_memory_within_ten_minutes(
    function: Any,
) -> None:
    # A purged learner's workbook or slips must not be served from memory for months: each
    # cache has an expiry (read from the decorated function's own settings) and a bound.
    assert isinstance(function, CachedFunc)
    ttl = time_to_seconds(function._info.ttl, coerce_none_to_inf=True)
    assert 0 < ttl <= TEN_MINUTES
    assert function._info.max_entries is not None


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_cached_workbook_is_built_again_once_ten_minutes_have_passed(monkeypatch):
    # The clock Streamlit's caches read (its own hook for tests), given before the caches are
    # made again; the builder counted, the real one still building the workbook.
    clock = Clock()
    monkeypatch.setattr(cache_utils, "TTLCACHE_TIMER", clock)
    st.cache_data.clear()
    built: list[str] = []
    real = exports.identifier_workbook

    def counting(class_name: str, learners: Any, lang: str) -> bytes:
        built.append(class_name)
        return real(class_name, learners, lang)

    monkeypatch.setattr(cached.exports, "identifier_workbook", counting)
    rows = (
        LearnerRow(
            1,
            "QUETZALBRUN",
            "Zéphyrine",
            "zephyrine.quetzalbrun",
            date(2014, 5, 2),
            "5e Z",
            True,
            None,
            None,
        ),
    )
    try:
        first = cached.identifier_workbook("5e Z", rows, "fr")
        clock.now += TEN_MINUTES - 1
        assert cached.identifier_workbook("5e Z", rows, "fr") == first
        assert len(built) == 1  # within ten minutes: from memory

        clock.now += 2
        assert cached.identifier_workbook("5e Z", rows, "fr") == first
        assert len(built) == 2  # the entry had expired: built again, none kept past the ttl
    finally:
        st.cache_data.clear()
