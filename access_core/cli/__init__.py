"""``access-core``: the command line for technical staff (click).

One module per command group, each command's options beside its handler:
``operations`` (init, quickstart, demo, check, backup, restore, serve), ``accounts``
(administrators, unlock), ``importing`` (import), ``learners`` (export, reset), ``slips``,
``staff``
(create-teacher, grant, revoke, list-accounts), ``listings`` (list-classes, stats),
``retention`` (purge, learner-data), ``schools`` (create-school, list-schools, edit-school).
``base`` holds what they share and ``main``, the one place
that turns every error into one ``error: ...`` line (worded by ``failures``) and an exit code
(0 success, 1 error, 2 usage error, 3 an import applied with bad rows skipped, 130 interrupted).

A command's module is imported when the command runs (``base.COMMAND_MODULES``): importing this
package, or running ``--version``, loads neither SQLAlchemy, openpyxl, fpdf2, bcrypt nor
Streamlit.
"""

from __future__ import annotations

from access_core.cli.base import CLI_ACTOR, main, os_user

__all__ = ["CLI_ACTOR", "main", "os_user"]
