"""Initial passwords (birth date ``ddmmyyyy``) and bcrypt hashing, in parallel for batches."""

from __future__ import annotations

import functools
import math
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import bcrypt

from access_core.errors import ValidationError

BCRYPT_MAX_BYTES = 72

Progress = Callable[[int, int], None]
"""Called with (done, total) as work advances."""


def initial_password(birth_date: date) -> str:
    """The initial password of a learner: the birth date written ``ddmmyyyy``."""
    return f"{birth_date.day:02d}{birth_date.month:02d}{birth_date.year:04d}"


def _password_bytes(password: str) -> bytes:
    data = password.encode("utf-8")
    if len(data) > BCRYPT_MAX_BYTES:
        raise ValidationError(
            f"a password may not exceed {BCRYPT_MAX_BYTES} bytes", limit=BCRYPT_MAX_BYTES
        )
    return data


def hash_password(password: str, rounds: int) -> str:
    """A bcrypt hash of ``password`` with a fresh salt at cost ``rounds``."""
    data = _password_bytes(password)
    return bcrypt.hashpw(data, bcrypt.gensalt(rounds=rounds)).decode("ascii")


def verify_password(password: str, password_hash: str | None) -> bool:
    """True when ``password`` matches ``password_hash``; False for anything malformed."""
    if not password_hash:
        return False
    data = password.encode("utf-8")
    if len(data) > BCRYPT_MAX_BYTES:
        return False
    try:
        return bool(bcrypt.checkpw(data, password_hash.encode("ascii")))
    except (ValueError, UnicodeEncodeError):
        return False


def hash_cost(password_hash: str) -> int:
    """The cost factor recorded in a ``$2b$NN$...`` hash."""
    return int(password_hash.split("$")[2])


def default_workers() -> int:
    return max(
        1,
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1),
    )


def hash_many(
    passwords: Sequence[str],
    rounds: int,
    progress: Progress | None = None,
    workers: int | None = None,
) -> list[str]:
    """Hash every password on all cores (bcrypt releases the GIL); order is preserved."""
    for password in passwords:
        _password_bytes(password)
    total = len(passwords)
    if progress:
        progress(0, total)
    if total == 0:
        return []
    workers = min(workers or default_workers(), total)
    results: list[str] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bcrypt") as pool:
        for done, hashed in enumerate(pool.map(lambda p: hash_password(p, rounds), passwords), 1):
            results.append(hashed)
            if progress:
                progress(done, total)
    return results


@functools.lru_cache(maxsize=8)
def single_hash_seconds(rounds: int) -> float:
    """The time one hash takes at ``rounds`` on this machine, measured once per process."""
    start = time.perf_counter()
    hash_password("calibration-01012000", rounds)
    return time.perf_counter() - start


def estimate_hashing_seconds(count: int, rounds: int, workers: int | None = None) -> float:
    """How long ``hash_many`` will take for ``count`` passwords: a calibrated single hash times
    the hashes each core does in turn."""
    if count <= 0:
        return 0.0
    workers = min(workers or default_workers(), count)
    return single_hash_seconds(rounds) * math.ceil(count / workers)
