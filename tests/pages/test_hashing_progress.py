"""The hashing progress bar: the first and the last step always, the others at most every
``INTERVAL_S`` (each update is a message to the browser while bcrypt wants every core)."""

from __future__ import annotations

from access_ui import feedback


def test_updates_closer_than_the_interval_are_skipped_but_not_the_first_and_last(monkeypatch):
    shown: list[tuple[float, str]] = []

    class Bar:
        def progress(self, value: float, text: str) -> None:
            shown.append((value, text))

    clock = [100.0]
    monkeypatch.setattr(feedback.st, "progress", lambda value: Bar())
    monkeypatch.setattr(feedback.time, "monotonic", lambda: clock[0])
    bar = feedback.HashingProgress("en")

    bar(0, 10)
    for done in range(1, 10):
        clock[0] += 0.1
        bar(done, 10)
    bar(10, 10)  # at once after the 9th: the last is always shown

    assert [value for value, _ in shown] == [0.0, 0.3, 0.6, 0.9, 1.0]
    assert "10" in shown[-1][1]
