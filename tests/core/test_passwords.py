from concurrent.futures import ThreadPoolExecutor
from datetime import date

import bcrypt
import pytest

from access_core.accounts.passwords import (
    hash_cost,
    hash_many,
    hash_password,
    initial_password,
    verify_password,
)
from access_core.errors import ValidationError
from tests.support.factories import TEST_ROUNDS

OVER_72_BYTES = "€" * 25  # 75 bytes in UTF-8
EXACTLY_72_BYTES = "€" * 24


@pytest.mark.parametrize(
    ("birth_date", "expected"),
    [
        (date(2010, 1, 1), "01012010"),
        (date(2012, 2, 29), "29022012"),
        (date(2012, 7, 3), "03072012"),
        (date(2009, 12, 31), "31122009"),
    ],
)
def test_the_initial_password_is_the_birth_date_written_ddmmyyyy(birth_date, expected):
    assert initial_password(birth_date) == expected


def test_a_hash_verifies_with_bcrypt_against_its_password_only():
    password_hash = hash_password("03072012", TEST_ROUNDS)

    assert bcrypt.checkpw(b"03072012", password_hash.encode("ascii"))
    assert not bcrypt.checkpw(b"07032012", password_hash.encode("ascii"))


@pytest.mark.parametrize("rounds", [TEST_ROUNDS, 5])
def test_a_hash_carries_the_configured_cost(rounds):
    password_hash = hash_password("01012010", rounds)

    assert hash_cost(password_hash) == rounds
    assert password_hash.startswith(f"$2b${rounds:02d}$")


def test_the_same_password_hashed_twice_gets_two_different_salts():
    first = hash_password("29022012", TEST_ROUNDS)
    second = hash_password("29022012", TEST_ROUNDS)

    salt_length = len("$2b$04$") + 22
    assert first[:salt_length] != second[:salt_length]
    assert verify_password("29022012", first)
    assert verify_password("29022012", second)


def test_verify_password_accepts_the_password_and_refuses_anything_else():
    password_hash = hash_password("01012010", TEST_ROUNDS)

    assert verify_password("01012010", password_hash) is True
    assert verify_password("01012011", password_hash) is False
    assert verify_password("", password_hash) is False
    assert verify_password("01012010", None) is False
    assert verify_password("01012010", "") is False
    assert verify_password("01012010", "not a bcrypt hash") is False
    assert verify_password("01012010", "$2b$04$tronqué") is False


def test_hash_password_refuses_a_password_over_72_bytes():
    assert len(OVER_72_BYTES.encode("utf-8")) == 75

    with pytest.raises(ValidationError, match="72 bytes"):
        hash_password(OVER_72_BYTES, TEST_ROUNDS)


def test_a_password_of_exactly_72_bytes_is_hashed():
    password_hash = hash_password(EXACTLY_72_BYTES, TEST_ROUNDS)

    assert verify_password(EXACTLY_72_BYTES, password_hash)


def test_a_password_over_72_bytes_never_verifies_even_against_its_first_72_bytes():
    truncated_hash = hash_password(EXACTLY_72_BYTES, TEST_ROUNDS)

    assert verify_password(OVER_72_BYTES, truncated_hash) is False


def test_hash_many_keeps_the_order_of_the_passwords():
    passwords = ["01012010", "29022012", "03072012", "31122009", "15061999"]

    hashes = hash_many(passwords, TEST_ROUNDS, workers=2)

    assert len(hashes) == len(passwords)
    for password, password_hash in zip(passwords, hashes, strict=True):
        assert verify_password(password, password_hash)
        assert hash_cost(password_hash) == TEST_ROUNDS
    assert not verify_password(passwords[1], hashes[0])


def test_hash_many_reports_progress_up_to_done_equals_total():
    passwords = [f"0{day}012010" for day in range(1, 8)]
    calls: list[tuple[int, int]] = []

    hash_many(passwords, TEST_ROUNDS, progress=lambda done, total: calls.append((done, total)))

    assert calls[0] == (0, 7)
    assert calls[-1] == (7, 7)
    assert all(total == 7 for _, total in calls)
    done_values = [done for done, _ in calls]
    assert done_values == sorted(done_values)
    assert done_values == list(range(0, 8))


def test_hash_many_of_nothing_reports_zero_of_zero():
    calls: list[tuple[int, int]] = []

    assert (
        hash_many([], TEST_ROUNDS, progress=lambda done, total: calls.append((done, total))) == []
    )
    assert calls == [(0, 0)]


def test_hash_many_refuses_a_batch_with_an_over_long_password_before_hashing_any():
    calls: list[tuple[int, int]] = []

    with pytest.raises(ValidationError):
        hash_many(
            ["01012010", OVER_72_BYTES],
            TEST_ROUNDS,
            progress=lambda done, total: calls.append((done, total)),
        )
    assert calls == []


def test_hashing_uses_the_cores_this_process_may_run_on(monkeypatch):
    from access_core.accounts import passwords

    monkeypatch.setattr(passwords.os, "sched_getaffinity", lambda pid: {0} if pid == 0 else {0, 1})
    assert passwords.default_workers() == 1


def test_without_affinity_hashing_falls_back_to_the_cpu_count_or_one(monkeypatch):
    from access_core.accounts import passwords

    monkeypatch.delattr(passwords.os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(passwords.os, "cpu_count", lambda: None)
    assert passwords.default_workers() == 1
    monkeypatch.setattr(passwords.os, "cpu_count", lambda: 3)
    assert passwords.default_workers() == 3


# --- thread pool size and the hashing-time estimate ---------------------------------------------


def test_hash_many_sizes_its_pool_to_the_cores_and_never_beyond_the_passwords(monkeypatch):
    from access_core.accounts import passwords

    sizes: list[int | None] = []

    class RecordingPool(ThreadPoolExecutor):
        def __init__(self, max_workers: int | None = None, **kwargs: object) -> None:
            sizes.append(max_workers)
            super().__init__(max_workers=max_workers, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(passwords, "ThreadPoolExecutor", RecordingPool)
    monkeypatch.setattr(passwords, "default_workers", lambda: 3)

    hash_many(["01012010", "02012010"], TEST_ROUNDS, workers=8)
    hash_many(["01012010"] * 5, TEST_ROUNDS)
    hash_many(["01012010"] * 2, TEST_ROUNDS)

    assert sizes == [2, 3, 2]


class FakeClock:
    """``time`` as ``single_hash_seconds`` sees it: ``perf_counter`` gives the readings in turn."""

    def __init__(self, *readings: float) -> None:
        self.readings = list(readings)

    def perf_counter(self) -> float:
        return self.readings.pop(0)


def test_one_hash_is_timed_once_per_cost_between_two_clock_readings(monkeypatch):
    from access_core.accounts import passwords

    hashed_at: list[int] = []
    real_hash = passwords.hash_password

    def recording_hash(password: str, rounds: int) -> str:
        hashed_at.append(rounds)
        return real_hash(password, rounds)

    monkeypatch.setattr(passwords, "hash_password", recording_hash)
    monkeypatch.setattr(passwords, "time", FakeClock(10.0, 10.25))
    passwords.single_hash_seconds.cache_clear()
    try:
        assert passwords.single_hash_seconds(TEST_ROUNDS) == 0.25
        assert passwords.single_hash_seconds(TEST_ROUNDS) == 0.25  # measured once, then cached
    finally:
        passwords.single_hash_seconds.cache_clear()
    assert hashed_at == [TEST_ROUNDS]


def test_the_estimate_is_one_hash_times_the_hashes_each_core_does_in_turn(monkeypatch):
    from access_core.accounts import passwords

    monkeypatch.setattr(passwords, "single_hash_seconds", lambda rounds: 0.5)
    monkeypatch.setattr(passwords, "default_workers", lambda: 2)
    estimate = passwords.estimate_hashing_seconds

    assert estimate(0, TEST_ROUNDS) == 0.0
    assert estimate(-3, TEST_ROUNDS) == 0.0
    assert estimate(1, TEST_ROUNDS) == 0.5
    assert estimate(5, TEST_ROUNDS) == 1.5  # 2 cores: 3 hashes in turn
    assert estimate(5, TEST_ROUNDS, workers=4) == 1.0
    assert estimate(2, TEST_ROUNDS, workers=8) == 0.5
