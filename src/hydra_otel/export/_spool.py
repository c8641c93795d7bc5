"""SqliteSpool: a crash-safe, size-capped queue of encoded batches in one sqlite file.

Design:

* One file per process (``spool-<pid>-<random>.db``) with a lock file beside it, so
  processes sharing a spool directory never contend for a database lock; the lock
  tells a later run whether the writer is gone (see :mod:`._file_lock`).
* WAL journal, ``synchronous=NORMAL``, one transaction per batch: a committed batch
  survives the process being killed (it is in the OS page cache before COMMIT returns);
  only a power loss can cost the last few commits. ``locking_mode=EXCLUSIVE`` keeps
  the lock for the connection's life and avoids the shared-memory index file.
* A row is one batch: OTLP bytes, a record count and whether it was inherited from an
  earlier run. Rows are read oldest first and removed once the exporter accepted them.
* The size cap counts payload bytes; at the cap the policy evicts the oldest rows or
  refuses the new one, and the caller is told how many records that cost.
* Every sqlite failure (disk full included) becomes :class:`SpoolError`; nothing here
  raises anything else.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from hydra_otel.export._file_lock import ExclusiveFileLock

_SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY,
    created REAL NOT NULL,
    records INTEGER NOT NULL,
    inherited INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    payload BLOB NOT NULL
)
"""
_SQLITE_FULL = 13
FILE_PREFIX = "spool-"
FILE_SUFFIX = ".db"
LOCK_SUFFIX = ".lock"


class SpoolError(Exception):
    """The spool could not do what was asked; ``kind`` says why."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        """``disk_full``, ``io_error`` or ``closed``."""


@dataclass(frozen=True, slots=True)
class SpooledBatch:
    """One spooled row, pinned (invisible to eviction and replay) until removed or released."""

    row_id: int
    payload: bytes
    records: int
    inherited: bool
    attempts: int


@dataclass(frozen=True, slots=True)
class AppendResult:
    """What :meth:`SqliteSpool.append` did.

    Attributes:
        row_id: the new row, or None when the cap policy refused the batch.
        evicted_records: records of this run removed to make room.
        evicted_inherited: records inherited from earlier runs removed to make room.
    """

    row_id: int | None
    evicted_records: int = 0
    evicted_inherited: int = 0


def classify(error: sqlite3.Error) -> str:
    """Name a sqlite failure: ``disk_full`` (SQLITE_FULL, ENOSPC) or ``io_error``."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None and code & 0xFF == _SQLITE_FULL:
        return "disk_full"
    return "disk_full" if "full" in str(error).lower() else "io_error"


class SqliteSpool:
    """A size-capped, crash-safe FIFO of encoded batches (thread-safe).

    Args:
        path: the database file.
        max_bytes: cap on the sum of stored payload sizes.
        full_policy: ``drop_oldest`` or ``drop_newest`` at the cap.
        page_limit: hard limit on the file's pages (sqlite ``max_page_count``); sqlite
            then fails like a full disk. For tests of the disk-full path.
        lock: the held lock of ``path`` (see :meth:`create_in`).
    """

    def __init__(
        self,
        path: Path | str,
        *,
        max_bytes: int = 256 * 1024 * 1024,
        full_policy: Literal["drop_oldest", "drop_newest"] = "drop_oldest",
        page_limit: int | None = None,
        lock: ExclusiveFileLock | None = None,
    ) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.full_policy = full_policy
        self.page_limit = page_limit
        self._file_lock = lock
        self._lock = threading.Lock()
        self._pinned: set[int] = set()
        self._tombstones: set[int] = set()
        self._records = self._inherited = self._bytes = self._rows = 0
        self._conn: sqlite3.Connection | None = None
        try:
            self._conn = self._connect(self.path, page_limit)
            self._conn.execute(_SCHEMA)
            self._load_counts()
        except sqlite3.Error as error:
            self._abandon()
            raise SpoolError(classify(error), f"cannot open {self.path}: {error}") from None

    @classmethod
    def create_in(cls, directory: Path | str, **kwargs: object) -> SqliteSpool:
        """Create this process's own spool file in ``directory`` (made if missing).

        Raises:
            SpoolError: the directory or the file cannot be created.
        """
        directory = Path(directory)
        name = f"{FILE_PREFIX}{os.getpid()}-{secrets.token_hex(4)}{FILE_SUFFIX}"
        path = directory / name
        try:
            directory.mkdir(parents=True, exist_ok=True)
            lock = ExclusiveFileLock.create(lock_path_of(path))
        except OSError as error:
            raise SpoolError("io_error", f"cannot create a spool in {directory}: {error}") from None
        try:
            return cls(path, lock=lock, **kwargs)  # type: ignore[arg-type]
        except SpoolError:
            lock.release(remove=True)
            raise

    @staticmethod
    def _connect(path: Path, page_limit: int | None) -> sqlite3.Connection:
        conn = sqlite3.connect(path, timeout=1.0, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        if page_limit is not None:
            conn.execute(f"PRAGMA max_page_count={int(page_limit)}")
        return conn

    def _load_counts(self) -> None:
        row = (
            self._db()
            .execute(
                "SELECT COUNT(*), COALESCE(SUM(records * (1 - inherited)), 0),"
                " COALESCE(SUM(records * inherited), 0), COALESCE(SUM(LENGTH(payload)), 0)"
                " FROM batches"
            )
            .fetchone()
        )
        self._rows, self._records, self._inherited, self._bytes = (int(v) for v in row)

    @property
    def directory(self) -> Path:
        """The directory holding this spool (and other processes' spools)."""
        return self.path.parent

    @property
    def records(self) -> int:
        """Records of this run waiting in the spool."""
        return self._records

    @property
    def inherited_records(self) -> int:
        """Records adopted from earlier runs and not yet replayed."""
        return self._inherited

    @property
    def size_bytes(self) -> int:
        """Sum of the stored payload sizes."""
        return self._bytes

    @property
    def rows(self) -> int:
        """Stored batches."""
        return self._rows

    @property
    def closed(self) -> bool:
        """True after :meth:`close` or :meth:`forget`."""
        return self._conn is None

    def append(
        self, payload: bytes, records: int, *, inherited: bool = False, pin: bool = False
    ) -> AppendResult:
        """Store one batch in one transaction, applying the size cap.

        With ``pin`` the new row starts pinned, atomically: eviction and replay skip it
        until :meth:`release` or :meth:`remove`, so replay cannot send it while a live
        export of the same batch may still succeed.

        Raises:
            SpoolError: sqlite failed (the disk is full, an I/O error) or the spool is closed.
        """
        with self._lock:
            size = len(payload)
            victims = self._make_room(size)
            if victims is None:
                return AppendResult(None)
            db = self._db()
            try:
                db.execute("BEGIN IMMEDIATE")
                self._delete_rows(db, [v[0] for v in victims])
                cursor = db.execute(
                    "INSERT INTO batches (created, records, inherited, payload)"
                    " VALUES (?, ?, ?, ?)",
                    (time.time(), records, int(inherited), payload),
                )
                db.execute("COMMIT")
            except sqlite3.Error as error:
                _rollback(db)
                raise SpoolError(classify(error), str(error)) from None
            own = sum(v[1] for v in victims if not v[2])
            old = sum(v[1] for v in victims if v[2])
            self._records += (0 if inherited else records) - own
            self._inherited += (records if inherited else 0) - old
            self._bytes += size - sum(v[3] for v in victims)
            self._rows += 1 - len(victims)
            row_id = cursor.lastrowid
            if pin and row_id is not None:
                self._pinned.add(row_id)
            return AppendResult(row_id, own, old)

    def _make_room(self, size: int) -> list[tuple[int, int, bool, int]] | None:
        """Rows to evict so ``size`` more bytes fit; None when the batch must be refused."""
        excess = self._bytes + size - self.max_bytes
        if excess <= 0:
            return []
        if self.full_policy == "drop_newest" or size > self.max_bytes:
            return None
        victims: list[tuple[int, int, bool, int]] = []
        freed = 0
        query = "SELECT id, records, inherited, LENGTH(payload) FROM batches ORDER BY id"
        for row_id, records, inherited, length in self._db().execute(query):
            if row_id in self._pinned or row_id in self._tombstones:
                continue
            victims.append((row_id, records, bool(inherited), length))
            freed += length
            if freed >= excess:
                return victims
        return None

    def take_oldest(self) -> SpooledBatch | None:
        """Return the oldest row that is not pinned, and pin it; None when there is none.

        Raises:
            SpoolError: sqlite failed or the spool is closed.
        """
        with self._lock:
            self._retry_tombstones()
            skip = self._pinned | self._tombstones
            marks = ",".join("?" * len(skip))
            query = (
                "SELECT id, payload, records, inherited, attempts FROM batches"
                f" WHERE id NOT IN ({marks}) ORDER BY id LIMIT 1"
            )
            try:
                row = self._db().execute(query, tuple(skip)).fetchone()
            except sqlite3.Error as error:
                raise SpoolError(classify(error), str(error)) from None
            if row is None:
                return None
            self._pinned.add(row[0])
            return SpooledBatch(row[0], bytes(row[1]), row[2], bool(row[3]), row[4])

    def release(self, row_id: int, failed: bool = True) -> None:
        """Unpin ``row_id`` so it is replayed later; count a failed attempt."""
        with self._lock:
            self._pinned.discard(row_id)
            if failed and self._conn is not None:
                with contextlib.suppress(sqlite3.Error):  # the count is informative only
                    self._conn.execute(
                        "UPDATE batches SET attempts = attempts + 1 WHERE id = ?", (row_id,)
                    )

    def remove(self, row_id: int) -> None:
        """Delete an exported row. If sqlite fails it is remembered and never replayed."""
        with self._lock:
            self._pinned.discard(row_id)
            self._tombstones.add(row_id)
            self._retry_tombstones()

    def _retry_tombstones(self) -> None:
        if not self._tombstones or self._conn is None:
            return
        ids = list(self._tombstones)
        try:
            counts = self._conn.execute(
                "SELECT COALESCE(SUM(records * (1 - inherited)), 0),"
                " COALESCE(SUM(records * inherited), 0), COALESCE(SUM(LENGTH(payload)), 0),"
                f" COUNT(*) FROM batches WHERE id IN ({','.join('?' * len(ids))})",
                ids,
            ).fetchone()
            self._delete_rows(self._conn, ids)
        except sqlite3.Error:
            return
        self._tombstones.clear()
        self._records -= counts[0]
        self._inherited -= counts[1]
        self._bytes -= counts[2]
        self._rows -= counts[3]

    @staticmethod
    def _delete_rows(db: sqlite3.Connection, ids: list[int]) -> None:
        if ids:
            db.execute(f"DELETE FROM batches WHERE id IN ({','.join('?' * len(ids))})", ids)

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise SpoolError("closed", f"the spool {self.path} is closed")
        return self._conn

    def close(self) -> None:
        """Close the file; delete it when empty, else leave it for the next run to adopt."""
        with self._lock:
            if self._conn is None:
                return
            self._retry_tombstones()
            empty = self._rows == 0
            self._abandon()
            if empty:
                remove_spool_files(self.path)
            if self._file_lock is not None:
                self._file_lock.release(remove=empty)

    def _abandon(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()

    def forget(self) -> sqlite3.Connection | None:
        """In a forked child: drop this spool without closing the parent's file.

        Returns the connection so the caller can keep it referenced: closing it, even by
        garbage collection, could checkpoint or delete the parent's WAL file.
        """
        conn, self._conn = self._conn, None
        if self._file_lock is not None:
            self._file_lock.forget()
        return conn


def lock_path_of(path: Path) -> Path:
    """The lock file of a spool database."""
    return path.with_name(path.name + LOCK_SUFFIX)


def remove_spool_files(path: Path) -> None:
    """Delete a spool database and its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass
        except OSError:
            pass


def _rollback(db: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):
        db.execute("ROLLBACK")
