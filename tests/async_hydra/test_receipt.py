"""LogReceipt: awaitable on its loop, waitable from threads, resolved once."""

from __future__ import annotations

import asyncio
import threading

import pytest

from hydra_otel.async_hydra import LogReceipt
from hydra_otel.async_hydra._receipt import COMPLETED, resolve_all


async def test_a_completed_receipt_awaits_at_once_and_never_changes() -> None:
    await COMPLETED
    await asyncio.gather(COMPLETED, COMPLETED)
    COMPLETED.resolve(False)
    assert COMPLETED.done and COMPLETED.durable is None


async def test_a_loop_receipt_waits_until_another_thread_resolves_it() -> None:
    receipt = LogReceipt(asyncio.get_running_loop())
    assert receipt.has_loop and not receipt.done
    threading.Thread(target=receipt.resolve, args=(True,)).start()
    await asyncio.wait_for(_awaited(receipt), 5)
    assert receipt.done and receipt.durable is True


async def _awaited(receipt: LogReceipt) -> None:
    await receipt


async def test_the_first_outcome_stays() -> None:
    receipt = LogReceipt(asyncio.get_running_loop())
    receipt.resolve(True)
    receipt.resolve(False)
    await receipt
    assert receipt.durable is True


def test_a_thread_receipt_waits_and_times_out() -> None:
    receipt = LogReceipt(None)
    assert not receipt.has_loop
    assert receipt.wait(0.01) is False
    threading.Thread(target=receipt.resolve, args=(False,)).start()
    assert receipt.wait(5) is True and receipt.durable is False


async def test_a_thread_receipt_can_be_awaited_on_a_loop() -> None:
    receipt = LogReceipt(None)
    threading.Thread(target=receipt.resolve, args=(True,)).start()
    await asyncio.wait_for(_awaited(receipt), 5)
    assert receipt.durable is True


def test_resolving_after_the_loop_closed_does_not_raise() -> None:
    loop = asyncio.new_event_loop()
    receipt = LogReceipt(loop)
    loop.close()
    resolve_all([receipt], True)
    assert receipt.done and receipt.durable is True


async def test_expiry_fires_only_for_unresolved_receipts() -> None:
    loop = asyncio.get_running_loop()
    expired: list[LogReceipt] = []
    kept, left = LogReceipt(loop), LogReceipt(loop)
    fired = asyncio.Event()

    def expire(receipt: LogReceipt) -> None:
        expired.append(receipt)
        receipt.resolve(False)
        fired.set()

    kept.expire_after(0.01, expire)
    left.expire_after(0.01, expire)
    kept.resolve(True)
    await kept  # its timer is cancelled when the resolution reaches the loop
    await asyncio.wait_for(fired.wait(), 5)
    await left
    assert expired == [left] and (kept.durable, left.durable) == (True, False)


async def test_a_receipt_is_not_a_coroutine_so_create_task_refuses_it() -> None:
    with pytest.raises(TypeError):
        asyncio.get_running_loop().create_task(COMPLETED)  # type: ignore[arg-type]
    await asyncio.ensure_future(COMPLETED)  # ensure_future wraps any awaitable
