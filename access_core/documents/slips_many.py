"""The slips of many classes built side by side, one process per core: fpdf2 and fontTools are
pure Python, so threads would take turns. The workers are forked once the shipped fonts are
read (they inherit them) and only build documents: the caller reads the database, writes the
files and journals them, in the order of the jobs."""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Generator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import NamedTuple

from access_core.accounts.passwords import default_workers
from access_core.documents.slips import SlipOptions, SlipSet
from access_core.documents.slips_pdf import SlipsDocument, slips_pdf, warm_fonts


class SlipsJob(NamedTuple):
    slip_set: SlipSet
    options: SlipOptions
    lang: str
    layout: str
    title: str


def _build(job: SlipsJob) -> SlipsDocument:
    return slips_pdf(job.slip_set, job.options, job.lang, job.layout, title=job.title)


def _ignore_interrupt() -> None:
    """Ctrl-C is the parent's to handle (it stops the pool): no traceback per worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def documents(
    jobs: Sequence[SlipsJob], workers: int | None = None
) -> Generator[SlipsDocument, None, None]:
    """The document of each job, in the jobs' order, as soon as it and those before it are
    built; in this process when there is one job, one core, or no ``fork`` (the workers would
    import everything again)."""
    count = min(workers or default_workers(), len(jobs))
    if count < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(_build, jobs)
        return
    warm_fonts()
    pool = ProcessPoolExecutor(
        count, mp_context=multiprocessing.get_context("fork"), initializer=_ignore_interrupt
    )
    try:
        yield from pool.map(_build, jobs)
    finally:  # a failure or an interruption of the caller: the jobs not started never start
        pool.shutdown(wait=True, cancel_futures=True)


__all__ = ["SlipsJob", "documents"]
