"""Adopting the spools that earlier (or crashed) processes left in a spool directory.

A leftover spool is one whose lock nobody holds. The adopting process takes the lock,
moves the rows into its own spool in small chunks (copy, commit, delete from the
leftover, commit) and deletes the leftover file when it is empty. Only the lock holder
moves rows, so each leftover is replayed by one process; a crash between the two
commits of a chunk can duplicate at most that chunk, never lose it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from hydra_otel.core import track_error
from hydra_otel.export._file_lock import ExclusiveFileLock
from hydra_otel.export._spool import (
    FILE_PREFIX,
    FILE_SUFFIX,
    SpoolError,
    SqliteSpool,
    lock_path_of,
    remove_spool_files,
)

_CHUNK_ROWS = 32
_CORRUPT_SUFFIX = ".corrupt"


@dataclass(slots=True)
class AdoptionReport:
    """What :func:`adopt_leftovers` moved into the adopting spool."""

    files: int = 0
    rows: int = 0
    records: int = 0
    evicted_records: int = 0
    """Records of the adopting run evicted by the size cap to make room."""
    evicted_inherited: int = 0
    """Inherited records already in the spool that the size cap evicted."""
    refused: int = 0
    """Leftover records the size cap did not let in."""
    errors: list[str] = field(default_factory=list)


def find_leftovers(directory: Path, own: Path | None = None) -> list[Path]:
    """Spool databases in ``directory`` other than ``own``, oldest first."""
    try:
        candidates = [
            p for p in directory.glob(f"{FILE_PREFIX}*{FILE_SUFFIX}") if p != own and p.is_file()
        ]
    except OSError:
        return []
    return sorted(candidates, key=_mtime)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def adopt_leftovers(spool: SqliteSpool) -> AdoptionReport:
    """Move every unlocked leftover spool of ``spool.directory`` into ``spool``."""
    report = AdoptionReport()
    for path in find_leftovers(spool.directory, spool.path):
        lock = _lock_leftover(path)
        if lock is None:
            continue  # its writer is alive, or another process is adopting it
        finished = False
        try:
            finished = _move_rows(path, spool, report)
        except SpoolError as error:  # our own spool failed: stop, keep the rest for later
            report.errors.append(str(error))
            lock.release()
            break
        except sqlite3.OperationalError as error:  # locked, busy, I/O: try again later
            report.errors.append(f"leftover spool {path} not readable now: {error}")
        except sqlite3.DatabaseError as error:  # not a database: corrupt
            finished = _set_aside(path, error, report)
        if finished:
            remove_spool_files(path)
            report.files += 1
        lock.release(remove=finished)
    return report


def _lock_leftover(path: Path) -> ExclusiveFileLock | None:
    lock_path = lock_path_of(path)
    if lock_path.exists():
        return ExclusiveFileLock.try_acquire(lock_path)
    try:  # the previous adopter died between deleting the lock file and the database
        return ExclusiveFileLock.create(lock_path)
    except OSError:
        return None


def _move_rows(path: Path, spool: SqliteSpool, report: AdoptionReport) -> bool:
    """Move all rows of ``path``; True once it is empty and can be deleted."""
    if not path.exists():
        return False
    source = sqlite3.connect(path, timeout=0.5, isolation_level=None)
    try:
        source.execute("PRAGMA locking_mode=EXCLUSIVE")
        if not _has_batches_table(source):
            return True
        while True:
            rows = source.execute(
                "SELECT id, records, payload FROM batches ORDER BY id LIMIT ?", (_CHUNK_ROWS,)
            ).fetchall()
            if not rows:
                return True
            for row_id, records, payload in rows:
                result = spool.append(bytes(payload), int(records), inherited=True)
                report.evicted_records += result.evicted_records
                report.evicted_inherited += result.evicted_inherited
                if result.row_id is None:
                    report.refused += int(records)
                else:
                    report.rows += 1
                    report.records += int(records)
                source.execute("DELETE FROM batches WHERE id = ?", (row_id,))
    finally:
        source.close()


def _has_batches_table(db: sqlite3.Connection) -> bool:
    row = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'batches'"
    ).fetchone()
    return row is not None


def _set_aside(path: Path, error: sqlite3.DatabaseError, report: AdoptionReport) -> bool:
    """Rename an unreadable leftover so it is kept for inspection but not retried."""
    message = f"leftover spool {path} is unreadable ({error}); renamed to *.corrupt"
    report.errors.append(message)
    track_error("spool_corrupt", message)
    for suffix in ("", "-wal"):
        with contextlib.suppress(OSError):
            os.replace(f"{path}{suffix}", f"{path}{_CORRUPT_SUFFIX}{suffix}")
    return True
