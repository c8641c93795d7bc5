"""LoopShare: inline emission past half of the loop's time makes awaiting callers pause."""

from __future__ import annotations

import asyncio

from hydra_otel.async_hydra._loop_share import BURST_CREDIT_NS, SHARE, LoopShare
from hydra_otel.async_hydra._receipt import COMPLETED

US = 1_000


async def test_emission_within_the_share_never_pauses() -> None:
    share, loop = LoopShare(), asyncio.get_running_loop()
    now = 0
    for _ in range(10_000):  # 10 µs of every 25 µs: 40 % of the loop
        now += 25 * US
        assert share.charge(loop, 10 * US, now) is COMPLETED


async def test_a_saturated_loop_pauses_the_awaiting_callers_until_the_share_is_back() -> None:
    share, loop = LoopShare(), asyncio.get_running_loop()
    now, receipt = 0, COMPLETED
    charges = 0
    while receipt is COMPLETED:  # every microsecond spent emitting
        now += 20 * US
        receipt = share.charge(loop, 20 * US, now)
        charges += 1
    assert charges * 20 * US * (1 - SHARE) > BURST_CREDIT_NS  # the burst credit came first
    assert not receipt.done
    assert share.charge(loop, 20 * US, now + 20 * US) is receipt  # one pause for everyone
    await receipt  # completed by a loop timer
    assert receipt.done and receipt.durable is None
    assert share.pauses == 1


async def test_a_pause_is_never_handed_to_another_loop() -> None:
    share, loop = LoopShare(), asyncio.get_running_loop()
    now = 0
    while share.charge(loop, 20 * US, now) is COMPLETED:
        now += 20 * US
    other = asyncio.new_event_loop()
    try:
        assert share.charge(other, 20 * US, now) is COMPLETED  # a fresh account
    finally:
        other.close()
