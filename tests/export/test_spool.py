"""SqliteSpool and leftover adoption, on real sqlite files."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from hydra_otel.export import SpoolError, SqliteSpool
from hydra_otel.export._adoption import adopt_leftovers, find_leftovers
from hydra_otel.export._spool import lock_path_of


@pytest.fixture
def spool_dir(tmp_path: Path) -> Path:
    return tmp_path / "spool"


@pytest.fixture
def spool(spool_dir: Path) -> SqliteSpool:
    return SqliteSpool.create_in(spool_dir, max_bytes=10_000)


def test_batches_come_back_oldest_first_and_are_removed(spool: SqliteSpool) -> None:
    for i in range(3):
        spool.append(f"payload-{i}".encode(), records=i + 1)
    assert (spool.rows, spool.records) == (3, 6)

    first = spool.take_oldest()
    second = spool.take_oldest()  # the first is pinned while it is being sent
    assert first is not None and second is not None
    assert (first.payload, first.records) == (b"payload-0", 1)
    assert second.payload == b"payload-1"

    spool.remove(first.row_id)
    spool.release(second.row_id)
    again = spool.take_oldest()
    assert again is not None and again.payload == b"payload-1"
    assert again.attempts == 1
    assert (spool.rows, spool.records) == (2, 5)


def test_drop_oldest_policy_evicts_and_reports_what_it_cost(spool_dir: Path) -> None:
    spool = SqliteSpool.create_in(spool_dir, max_bytes=250)
    for _ in range(2):
        spool.append(b"x" * 100, records=10)
    result = spool.append(b"y" * 100, records=7)
    assert result.row_id is not None
    assert result.evicted_records == 10
    assert (spool.rows, spool.records, spool.size_bytes) == (2, 17, 200)
    oldest = spool.take_oldest()
    assert oldest is not None and oldest.payload == b"x" * 100


def test_pinned_rows_are_never_evicted(spool_dir: Path) -> None:
    spool = SqliteSpool.create_in(spool_dir, max_bytes=250)
    first = spool.append(b"a" * 100, records=1, pin=True)
    spool.append(b"b" * 100, records=1)
    result = spool.append(b"c" * 100, records=1)
    assert result.evicted_records == 1
    assert first.row_id is not None
    spool.release(first.row_id, failed=False)
    assert [spool.take_oldest().payload[:1] for _ in range(2)] == [b"a", b"c"]  # type: ignore[union-attr]


def test_drop_newest_policy_refuses_the_new_batch(spool_dir: Path) -> None:
    spool = SqliteSpool.create_in(spool_dir, max_bytes=250, full_policy="drop_newest")
    spool.append(b"x" * 200, records=3)
    result = spool.append(b"y" * 100, records=4)
    assert result.row_id is None
    assert (spool.rows, spool.records) == (1, 3)


def test_a_full_disk_raises_spool_error_and_keeps_what_was_stored(spool_dir: Path) -> None:
    spool = SqliteSpool.create_in(spool_dir, page_limit=12)
    stored = 0
    with pytest.raises(SpoolError) as caught:
        for _ in range(100):
            spool.append(os.urandom(2000), records=1)
            stored += 1
    assert caught.value.kind == "disk_full"
    assert stored > 0
    assert spool.rows == stored
    assert spool.take_oldest() is not None  # still readable after the failure


def test_close_deletes_an_empty_spool_and_keeps_a_non_empty_one(spool_dir: Path) -> None:
    empty = SqliteSpool.create_in(spool_dir)
    kept = SqliteSpool.create_in(spool_dir)
    kept.append(b"payload", records=1)
    empty.close()
    kept.close()
    assert not empty.path.exists()
    assert not lock_path_of(empty.path).exists()
    assert kept.path.exists()
    assert find_leftovers(spool_dir) == [kept.path]


def test_a_live_spool_is_not_adopted_but_a_closed_one_is_adopted_once(spool_dir: Path) -> None:
    live = SqliteSpool.create_in(spool_dir)
    live.append(b"live", records=1)
    finished = SqliteSpool.create_in(spool_dir)
    for i in range(3):
        finished.append(f"old-{i}".encode(), records=2)
    finished.close()

    adopter = SqliteSpool.create_in(spool_dir)
    report = adopt_leftovers(adopter)
    assert (report.files, report.rows, report.records) == (1, 3, 6)
    assert adopter.inherited_records == 6 and adopter.records == 0
    assert not finished.path.exists()
    assert live.path.exists()
    assert adopt_leftovers(SqliteSpool.create_in(spool_dir)).records == 0  # nothing left

    replayed = [adopter.take_oldest() for _ in range(3)]
    assert [r.payload for r in replayed if r] == [b"old-0", b"old-1", b"old-2"]
    assert all(r is not None and r.inherited for r in replayed)


def test_concurrent_adopters_take_each_leftover_exactly_once(spool_dir: Path) -> None:
    for n in range(4):
        leftover = SqliteSpool.create_in(spool_dir)
        for i in range(20):
            leftover.append(f"{n}-{i}".encode(), records=1)
        leftover.close()
    adopters = [SqliteSpool.create_in(spool_dir) for _ in range(4)]
    barrier = threading.Barrier(len(adopters))

    def adopt(spool: SqliteSpool) -> None:
        barrier.wait()
        adopt_leftovers(spool)

    threads = [threading.Thread(target=adopt, args=(a,)) for a in adopters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    payloads = []
    for adopter in adopters:
        while (row := adopter.take_oldest()) is not None:
            payloads.append(row.payload)
    assert sorted(payloads) == sorted(f"{n}-{i}".encode() for n in range(4) for i in range(20))


def test_a_killed_writer_leaves_every_committed_batch_for_the_next_run(spool_dir: Path) -> None:
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from hydra_otel.export import SqliteSpool
        spool = SqliteSpool.create_in({str(spool_dir)!r})
        for i in range(50):
            spool.append(("batch-%d" % i).encode(), records=10)
        print("written", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()
    assert b"written" in result.stdout

    adopter = SqliteSpool.create_in(spool_dir)
    report = adopt_leftovers(adopter)
    assert (report.rows, report.records) == (50, 500)
    assert find_leftovers(spool_dir, adopter.path) == []


def test_an_unreadable_leftover_is_set_aside(spool_dir: Path) -> None:
    spool_dir.mkdir(parents=True)
    (spool_dir / "spool-1-deadbeef.db").write_bytes(b"this is not a database" * 100)
    adopter = SqliteSpool.create_in(spool_dir)
    report = adopt_leftovers(adopter)
    assert report.errors and report.records == 0
    assert (spool_dir / "spool-1-deadbeef.db.corrupt").exists()
    assert find_leftovers(spool_dir, adopter.path) == []


def test_rows_are_plain_sqlite_readable_by_other_tools(spool: SqliteSpool) -> None:
    spool.append(b"\x0a\x00", records=3)
    spool.close()
    with sqlite3.connect(spool.path) as db:
        assert db.execute("SELECT records, payload FROM batches").fetchall() == [(3, b"\x0a\x00")]
