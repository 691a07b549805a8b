"""An answer's record holds every field of the answer, copied, not shared."""

from __future__ import annotations

from dataclasses import fields

from harness.models.base import Response


def test_the_record_has_every_field_and_its_own_usage() -> None:
    response = Response("text", "stop", {"prompt_tokens": 3}, 0.5, None, 2, None)
    record = response.to_dict()
    assert list(record) == [f.name for f in fields(Response)]
    assert Response(**record) == response
    record["usage"]["prompt_tokens"] = 99
    assert response.usage == {"prompt_tokens": 3}
