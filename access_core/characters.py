"""Characters that are never data: C0 and C1 controls, DEL and the bidirectional overrides.

One rule for every text a person or a file gives: a roster row holding one is rejected, an
administrator's username or display name holding one is refused, and a login attempt naming one
is a refused attempt (such an account cannot exist, and PostgreSQL refuses a NUL in a query).
A stored text printed on a terminal or a page shows them as symbols (``visible``).
"""

from __future__ import annotations

import re

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def has_control_characters(text: str) -> bool:
    return CONTROL.search(text) is not None


def visible(text: str) -> str:
    """``text`` with its control characters shown as symbols (« ␛ » for ESC), never acted on
    by a terminal or a page."""
    return CONTROL.sub(
        lambda m: chr(0x2400 + ord(m.group())) if m.group() < " " else "\ufffd", text
    )
