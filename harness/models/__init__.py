"""Model adapters, chosen by a ``KIND:ARGUMENT`` spec on the command line."""

from __future__ import annotations

from typing import Any

from harness.errors import UserError
from harness.models.base import Responder, Response
from harness.models.openai_chat import OpenAIResponder, Policy
from harness.models.reference import ReferenceResponder, variants
from harness.models.replay import replay_responders
from harness.tasks import Task, all_tasks

__all__ = ["Responder", "Response", "make_responders"]

KINDS = ("openai", "replay", "reference")


def make_responders(
    specs: list[str], tasks: list[Task], settings: dict[str, Any]
) -> list[Responder]:
    """Responders for the specs; ``reference:all`` expands to every built-in."""
    responders: list[Responder] = []
    for spec in specs:
        kind, _, argument = spec.partition(":")
        if kind == "reference":
            names = variants(tasks) if argument == "all" else [argument]
            # a flaw another task documents is known, though it may answer none
            known = variants([*tasks, *all_tasks().values()])
            for name in names:
                if name not in known:
                    raise UserError(
                        f"unknown built-in responder {spec!r}; known: "
                        f"{', '.join('reference:' + k for k in known)}"
                    )
                responders.append(ReferenceResponder(name))
        elif kind == "openai":
            responders.append(_openai(argument, settings))
        elif kind == "replay":
            responders.extend(replay_responders(argument))
        else:
            raise UserError(
                f"model spec {spec!r} should start with one of "
                f"{', '.join(k + ':' for k in KINDS)}"
            )
    names = [r.name for r in responders]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise UserError(f"model {duplicate!r} is listed twice")
    return responders


def _openai(model: str, settings: dict[str, Any]) -> OpenAIResponder:
    defaults = Policy()
    policy = Policy(
        concurrency=settings.get("concurrency", defaults.concurrency),
        max_retries=settings.get("max_retries", defaults.max_retries),
        timeout_s=settings.get("timeout_s", defaults.timeout_s),
        total_timeout_s=settings.get("total_timeout_s", defaults.total_timeout_s),
    )
    return OpenAIResponder(
        model,
        base_url=settings.get("base_url"),
        temperature=settings.get("temperature", 0.0),
        max_tokens=settings.get("max_tokens", 8192),
        seed=settings.get("seed"),
        key_file=settings.get("api_key_file"),
        policy=policy,
    )
