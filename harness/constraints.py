"""What a task asks of an answer's form: files, modules, handler, environments.

Constraints are data in each task's spec. For answers recorded against no known
task they are inferred from the prompt text, conservatively: a rule is inferred
only when the prompt states it in words a reader would agree on.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from harness.service_requirements import infer_requirements


@dataclass(frozen=True)
class Constraints:
    """Format rules the graders read; ``None`` means the task does not say."""

    single_file: str | None = None
    allow_modules: bool = True
    allow_external_files: bool = True
    lambda_handler: str | None = None
    environments: tuple[str, ...] = ()
    secret_rotation: bool = False
    customer_managed_keys: bool = False
    disaster_recovery: bool = False
    caching: bool = False
    requirements: tuple[dict[str, Any], ...] = ()
    inferred: bool = False
    sources: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["environments"] = list(self.environments)
        data["requirements"] = list(self.requirements)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Constraints:
        values = dict(data)
        values["environments"] = tuple(values.get("environments", ()))
        values["requirements"] = tuple(values.get("requirements", ()))
        return cls(**values)


_SINGLE_FILE = re.compile(
    r"\b(?:single|one)\s+(?!state\b)(?:[\w`\"'()-]+\s+){0,2}?"
    r"(?:files?\b(?!\s*(?:system|share|storage|per|to|from|upload|gateway))"
    r"|[`\"'(]*\w[\w/.-]*\.tf\b)",
    re.I,
)
# the one-file rule must be about the answer's code, and not negated
_ABOUT_CODE = re.compile(
    r"terraform|configuration|\bcode\b|\bhcl\b|\.tf\b|everything|"
    r"all (?:the )?(?:code|resources|infrastructure)",
    re.I,
)
_NEGATED = re.compile(r"\b(?:do not|don't|not|never|avoid)\b[^.\n]{0,40}$", re.I)
_TF_NAME = re.compile(r"\w[\w/.-]*\.tf\b")
# "no external modules" still allows the answer's own local modules
_NO_MODULES = re.compile(
    r"\bno\s+(?:terraform\s+)?modules\b|"
    r"\b(?:do\s+not|don't|without)\s+(?:use\s+)?(?:any\s+)?modules\b",
    re.I,
)
_NO_EXTERNAL = re.compile(r"no\s+external\s+(?:references|files)|self-contained", re.I)
_HANDLER = re.compile(r"handler[^.\n]{0,30}?[`\"']([\w-]+\.[\w]+)[`\"']", re.I)
_ENVIRONMENTS = re.compile(
    r"\b(dev(?:elopment)?|staging|stage|prod(?:uction)?|qa|test)\b", re.I
)
# requirements a prompt states by naming them; each flag is set by its words
_WANTS = {
    "secret_rotation": r"\brotat(?:e|es|ed|ion|ing)\b[^.\n]{0,60}\b(?:secret|"
    r"credential|password)s?|\b(?:secret|credential|password)s?\b"
    r"[^.\n]{0,60}\brotat",
    "customer_managed_keys": r"customer[- ]managed\s+(?:kms\s+)?keys?|\bCMKs?\b",
    "disaster_recovery": r"disaster[- ]recovery|cross[- ]region\s+(?:backup|replica|"
    r"replication|copy)",
    "caching": r"\bcach(?:e|ing)\b|elasticache|\bredis\b|memcached",
}
_ENV_NAMES = {"development": "dev", "production": "prod", "stage": "staging"}


def infer(prompt: str) -> Constraints:
    """Constraints a prompt states in so many words."""
    sources: dict[str, str] = {}
    single = _infer_single_file(prompt, sources)
    no_modules = _NO_MODULES.search(prompt)
    if no_modules:
        sources["allow_modules"] = no_modules.group(0)
    external = _NO_EXTERNAL.search(prompt)
    if external:
        sources["allow_external_files"] = external.group(0)
    handler = _HANDLER.search(prompt)
    if handler:
        sources["lambda_handler"] = handler.group(0)
    environments = _infer_environments(prompt, sources)
    wants = {
        name: _mentions(prompt, pattern, name, sources)
        for name, pattern in _WANTS.items()
    }
    requirements = tuple(infer_requirements(prompt))
    if requirements:
        sources["requirements"] = ", ".join(r["id"] for r in requirements)
    return Constraints(
        **wants,
        requirements=requirements,
        single_file=single,
        allow_modules=no_modules is None,
        allow_external_files=external is None and single is None,
        lambda_handler=handler.group(1) if handler else None,
        environments=environments,
        inferred=True,
        sources=sources,
    )


def _infer_single_file(prompt: str, sources: dict[str, str]) -> str | None:
    """The one file a prompt asks for: its name, ``*`` for any name, or None."""
    for m in _SINGLE_FILE.finditer(prompt):
        if re.search(r"\bper\s+file|\bfiles\b", m.group(0), re.I):
            continue
        sentence_start = (
            max(prompt.rfind(".", 0, m.start()), prompt.rfind("\n", 0, m.start())) + 1
        )
        sentence = prompt[sentence_start : m.end() + 60].split("\n")[0]
        if not _ABOUT_CODE.search(sentence) or _NEGATED.search(
            prompt[sentence_start : m.start()]
        ):
            continue
        window = prompt[m.start() : m.end() + 60].split("\n\n")[0]
        names = list(_TF_NAME.finditer(window))
        sources["single_file"] = m.group(0)
        if not names:
            return "*"
        # "main.tf or tap_stack.tf" leaves the name open; a later name is an example
        between = window[names[0].end() : names[1].start()] if len(names) > 1 else ""
        if re.search(r"\bor\b", between) and len(between) < 12:
            return "*"
        return names[0].group(0).rsplit("/", 1)[-1]
    return None


def _mentions(prompt: str, pattern: str, name: str, sources: dict[str, str]) -> bool:
    m = re.search(pattern, prompt, re.I)
    if m:
        sources[name] = m.group(0)
    return m is not None


def _infer_environments(prompt: str, sources: dict[str, str]) -> tuple[str, ...]:
    found: list[str] = []
    for m in _ENVIRONMENTS.finditer(prompt):
        name = _ENV_NAMES.get(m.group(1).lower(), m.group(1).lower())
        if name not in found:
            found.append(name)
    # a single mention ("production-ready") is not a set of environments
    if len(found) < 2 or "prod" not in found:
        return ()
    sources["environments"] = ", ".join(found)
    return tuple(found)
