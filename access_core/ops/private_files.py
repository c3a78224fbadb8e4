"""Files holding minors' data are private: created 0600 in folders created 0700.

The database (SQLite gives its -wal and -shm files the database file's mode), the CLI's exports
and the backups all go through these helpers, whatever the process umask.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def make_private_dir(path: Path) -> None:
    """Create ``path`` and any missing parent, each 0700; an existing folder is left as is."""
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        folder.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
        os.chmod(folder, PRIVATE_DIR_MODE)  # mkdir's mode is filtered by the umask


def create_private_file(path: Path) -> bool:
    """Create an empty ``path`` with mode 0600 unless it exists; True when created."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def private_temp_path(path: Path) -> Path:
    """A new, empty 0600 file next to ``path`` (for writing then renaming over it)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    os.close(fd)
    return tmp


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (a reader never sees half a file), mode 0600.
    Raises ``OSError`` when the folder is not writable; nothing is left behind then."""
    tmp = private_temp_path(path)
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def tighten(path: Path) -> None:
    """Make an existing file 0600 (files written by older versions were 0644)."""
    if path.exists() and path.stat().st_mode & 0o077:
        os.chmod(path, PRIVATE_FILE_MODE)
