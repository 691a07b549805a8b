"""Answers come back in request order, with a bounded number sent ahead."""

from __future__ import annotations

import random
import time
from concurrent.futures import Future, ThreadPoolExecutor

from harness.models.base import Response
from harness.runner import _in_order


def _answer(index: int, delay: float) -> Response:
    time.sleep(delay)
    return Response(str(index))


def test_answers_in_order_with_at_most_the_window_sent_ahead() -> None:
    delays = random.Random(4).choices([0.0, 0.001, 0.005], k=60)
    sent: list[int] = []
    given = 0
    ahead: list[int] = []

    with ThreadPoolExecutor(max_workers=8) as pool:

        def submit(index: int) -> Future[Response]:
            sent.append(index)
            ahead.append(len(sent) - given)
            return pool.submit(_answer, index, delays[index])

        texts = []
        for response in _in_order(submit, len(delays), window=5):
            texts.append(response.text)
            given += 1
    assert texts == [str(n) for n in range(60)]
    assert sent == list(range(60))
    assert max(ahead) == 5
