"""Failure-mode graders, one module each, listed explicitly in REGISTRY."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from graders import (
    availability_ha,
    backup_dr,
    compliance_pci,
    dependency_circular,
    dependency_ordering,
    deploy_constraints,
    env_consistency,
    format_response,
    iam_least_privilege,
    iam_missing_permissions,
    lambda_handler,
    monitoring_alerting,
    network_exposure,
    network_wiring,
    performance_scaling,
    references_undefined,
    requirements_coverage,
    schema_validity,
    secrets_management,
    sizing_environment,
    structure_single_file,
    syntax_parse,
    tls_certificate,
)
from graders.base import (
    CouldNotJudge,
    Finding,
    Grade,
    Grader,
    Severity,
    Verdict,
    run_grader,
)

REGISTRY: tuple[Grader, ...] = (
    syntax_parse.GRADER,
    format_response.GRADER,
    structure_single_file.GRADER,
    dependency_circular.GRADER,
    lambda_handler.GRADER,
    iam_least_privilege.GRADER,
    network_exposure.GRADER,
    references_undefined.GRADER,
    secrets_management.GRADER,
    tls_certificate.GRADER,
    backup_dr.GRADER,
    monitoring_alerting.GRADER,
    compliance_pci.GRADER,
    availability_ha.GRADER,
    performance_scaling.GRADER,
    dependency_ordering.GRADER,
    iam_missing_permissions.GRADER,
    network_wiring.GRADER,
    env_consistency.GRADER,
    sizing_environment.GRADER,
    requirements_coverage.GRADER,
    schema_validity.GRADER,
    deploy_constraints.GRADER,
)

__all__ = [
    "REGISTRY",
    "CouldNotJudge",
    "Finding",
    "Grade",
    "Grader",
    "Severity",
    "Verdict",
    "by_id",
    "catalog",
    "run_grader",
]


def by_id(mode: str) -> Grader:
    for grader in REGISTRY:
        if grader.id == mode:
            return grader
    known = ", ".join(g.id for g in REGISTRY)
    raise KeyError(f"unknown failure mode {mode!r}; known: {known}")


@cache
def catalog() -> dict[str, dict[str, Any]]:
    """The failure-mode catalogue shipped beside the graders, by id."""
    text = resources.files("graders").joinpath("catalog.json").read_text("utf-8")
    return {entry["id"]: entry for entry in json.loads(text)["failure_modes"]}
