"""Per-server caches of what every run of a page would otherwise recompute.

The class list is cached per administrator and invalidated when a class is added or removed
(``roster.classes_version``), and after five minutes in any case; a workbook (or the login
slips' PDF) is cached by its exact content (class name, learners, language), so any change of a
learner gives a new one. Documents holding learners' names, logins and birth dates are kept ten
minutes at most (``DOCUMENT_TTL``): after a purge, no copy stays in the server's memory longer.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from access_core.documents import slips, slips_pdf
from access_core.documents import workbook as exports
from access_core.roster import queries as roster
from access_core.roster import stats
from access_ui import context

DOCUMENT_TTL = 600  # seconds: a document with learners' data is dropped from memory after this


@st.cache_resource(ttl=300, max_entries=64, show_spinner=False)  # shared, not copied: a tuple
def _class_list(
    actor: str, school_id: int | None, version: tuple[int, int]
) -> tuple[roster.ClassInfo, ...]:
    return tuple(roster.list_classes(context.database(), actor, school_id=school_id))


def class_list(actor: str, school_id: int | None = None) -> tuple[roster.ClassInfo, ...]:
    """The school's classes in natural order (names only). Shared by every session rather
    than copied (``cache_data`` unpickled 30,000 classes on every run of a district's page)."""
    version = roster.classes_version(context.database(), actor, school_id=school_id)
    return _class_list(actor, school_id, version)


@st.cache_data(ttl=DOCUMENT_TTL, max_entries=64, show_spinner=False)
def identifier_workbook(class_name: str, learners: Sequence[roster.LearnerRow], lang: str) -> bytes:
    return exports.identifier_workbook(class_name, learners, lang)


@st.cache_data(ttl=DOCUMENT_TTL, max_entries=32, show_spinner=False)
def slips_document(
    slip_set: slips.SlipSet,
    options: slips.SlipOptions,
    lang: str,
    layout: str,
    title: str,
    class_breaks: bool = False,
) -> slips_pdf.SlipsDocument:
    """The login slips' PDF, cached by its exact content (slips, settings, language, layout)."""
    return slips_pdf.slips_pdf(
        slip_set, options, lang, layout, title=title, class_breaks=class_breaks
    )


@st.cache_resource(ttl=60, max_entries=16, show_spinner=False)  # shared, not copied: read only
def _school_stats(
    actor: str, initial_days: int, school_id: int | None, version: tuple[int, int]
) -> stats.SchoolStats:
    return stats.school_stats(context.database(), actor, initial_days, school_id=school_id)


def school_stats(actor: str, initial_days: int, school_id: int | None = None) -> stats.SchoolStats:
    """The overview's figures, recomputed when a learner is added, or changed by this
    product (``stats.stats_version``), and after a minute in any case (changes made by other
    programs, passwords expiring as time passes)."""
    version = stats.stats_version(context.database(), actor)
    return _school_stats(actor, initial_days, school_id, version)


@st.cache_resource(ttl=60, max_entries=16, show_spinner=False)  # shared, not copied: read only
def _schools_overview(actor: str, version: tuple[int, int]) -> tuple[stats.SchoolRow, ...]:
    return tuple(stats.schools_overview(context.database(), actor))


def schools_overview(actor: str) -> tuple[stats.SchoolRow, ...]:
    """The district overview's rows (one per school), on the same signal as the overview's
    figures: a full scan of the active learners is paid once a minute at most, not per run."""
    return _schools_overview(actor, stats.stats_version(context.database(), actor))
