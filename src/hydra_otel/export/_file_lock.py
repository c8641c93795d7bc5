"""An exclusive, non-blocking lock on a file that the OS releases when its owner dies.

Each spool file has a lock file beside it, held for the whole life of the process
that writes the spool. A new process adopts a leftover spool only if it can take that
lock, which is possible exactly when the writer is gone (even after SIGKILL), and only
one process can hold it: leftovers are replayed once, by one process.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class ExclusiveFileLock:
    """A held lock on ``path``; create it with :meth:`create` or :meth:`try_acquire`."""

    __slots__ = ("_fd", "path")

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def create(cls, path: Path) -> ExclusiveFileLock:
        """Create ``path`` (it must not exist) and lock it; raise OSError if that fails."""
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        if not _lock(fd):
            os.close(fd)
            raise OSError(f"cannot lock the new file {path}")
        return cls(path, fd)

    @classmethod
    def try_acquire(cls, path: Path) -> ExclusiveFileLock | None:
        """Lock an existing ``path``, or return None if another process holds it.

        Also None when the file was removed or replaced meanwhile, so a lock is never
        taken on a file that a previous holder had already finished with.
        """
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            return None
        if not _lock(fd) or not _same_file(fd, path):
            os.close(fd)
            return None
        return cls(path, fd)

    @property
    def held(self) -> bool:
        """True until :meth:`release` or :meth:`forget`."""
        return self._fd is not None

    def release(self, remove: bool = False) -> None:
        """Unlock; with ``remove`` delete the lock file first (while still holding it)."""
        if self._fd is None:
            return
        if remove:
            _remove(self.path)
        fd, self._fd = self._fd, None
        os.close(fd)

    def forget(self) -> None:
        """Close this process's descriptor without touching the lock file.

        A forked child calls this: the lock belongs to the parent (flock locks are
        shared through inherited descriptors and stay held while the parent lives).
        """
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


def _lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # pragma: no cover - Windows
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except OSError:
        return False


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
