"""The server's caches of documents holding learners' data (access_ui/cached.py)."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.runtime.caching.cache_utils import CachedFunc
from streamlit.time_util import time_to_seconds

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
