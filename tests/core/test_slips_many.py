"""The slips of many classes built side by side (``slips_many``): each job's own document, in
the jobs' order, from other processes when there are several cores' worth of jobs; a job that
fails raises in the caller."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date

import pytest

from access_core.documents import slips_many
from access_core.documents.slips import Slip, SlipOptions, SlipSet
from access_core.documents.slips_pdf import SlipsDocument, slips_pdf
from access_core.roster.queries import PasswordState
from tests.support.slips_helpers import slip_texts

OPTIONS = SlipOptions("Collège Jean-Moulin", "https://ent.example.org/eleves")
CLASSES = ("6e A", "6e B", "5e A", "5e B", "4e A")


def _job(class_name: str, pupils: int = 3, layout: str = "8") -> slips_many.SlipsJob:
    slip_set = SlipSet(
        tuple(
            Slip(
                learner_id=n,
                class_name=class_name,
                full_name=f"Élève{n} {class_name}",
                login=f"eleve{n}.{class_name.replace(' ', '').lower()}",
                state=PasswordState.INITIAL,
                password=f"0{n}072012",
                change_before=date(2026, 9, 30),
            )
            for n in range(1, pupils + 1)
        ),
        (),
    )
    return slips_many.SlipsJob(slip_set, OPTIONS, "en", layout, class_name)


def _classes(document: SlipsDocument) -> list[str]:
    texts = slip_texts(document.data)
    return [next(line for line in t.split("\n") if line.startswith("Class:")) for t in texts]


def _built_by_pid(job: slips_many.SlipsJob) -> SlipsDocument:
    """The real build, with the process that ran it written where the test can read it."""
    document = slips_pdf(job.slip_set, job.options, job.lang, job.layout, title=job.title)
    return replace(document, skipped=(str(os.getpid()),))


def test_each_job_gets_its_own_document_in_the_jobs_order() -> None:
    jobs = [_job(name, pupils=n + 1) for n, name in enumerate(CLASSES)]
    side_by_side = list(slips_many.documents(jobs, workers=2))
    one_by_one = list(slips_many.documents(jobs, workers=1))
    assert [_classes(d) for d in side_by_side] == [
        [f"Class: {name}"] * (n + 1) for n, name in enumerate(CLASSES)
    ]
    assert [slip_texts(d.data) for d in side_by_side] == [slip_texts(d.data) for d in one_by_one]
    assert [(d.count, d.pages) for d in side_by_side] == [(n + 1, 1) for n in range(5)]


def test_several_jobs_are_built_in_other_processes_one_job_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(slips_many, "_build", _built_by_pid)
    jobs = [_job(name) for name in CLASSES]
    pids = {d.skipped[0] for d in slips_many.documents(jobs, workers=2)}
    assert str(os.getpid()) not in pids and 1 <= len(pids) <= 2
    (alone,) = slips_many.documents(jobs[:1], workers=2)
    assert alone.skipped == (str(os.getpid()),)


def test_a_job_that_fails_raises_in_the_caller_after_the_documents_before_it() -> None:
    jobs = [_job("6e A"), _job("6e B", layout="9"), _job("5e A")]  # no layout « 9 »
    built = slips_many.documents(jobs, workers=2)
    assert _classes(next(built)) == ["Class: 6e A"] * 3
    with pytest.raises(ValueError, match="unknown layout"):
        next(built)
