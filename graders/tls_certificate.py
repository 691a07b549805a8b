"""A certificate is not validated the way its listener needs, or TLS is weak.

For each ACM certificate: DNS validation, an ``aws_acm_certificate_validation``
wired to the validation records, a create timeout of at least 10 minutes when
one is set, and ``create_before_destroy``. HTTPS listeners must take their
certificate from the validation resource (or wait for it), HTTP listeners of a
load balancer that serves HTTPS must redirect to HTTPS, and listeners and
CloudFront distributions must not pick an outdated TLS policy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graders.base import CouldNotJudge, Finding, Grader, Severity
from graders.evaluation import as_bool, referenced, value
from harness.answer import Answer
from harness.config.configuration import Configuration
from harness.config.model import Declared

_OUTDATED_POLICIES = re.compile(
    r"^ELBSecurityPolicy-(?:2015-05|2016-08|TLS-1-0-2015-04|TLS-1-1-2017-01|"
    r"FS-2018-06|FS-1-1-2019-08)$|^ELBSecurityPolicy-TLS13-1-[01]-",
    re.I,
)
_OUTDATED_CLOUDFRONT = {"SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016"}
_DURATION = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def check(answer: Answer) -> Iterator[Finding]:
    modules = list(answer.config.modules())
    kinds = (
        "aws_acm_certificate",
        "aws_lb_listener",
        "aws_alb_listener",
        "aws_cloudfront_distribution",
        "aws_db_proxy",
    )
    if not any(m.resources(*kinds) for m in modules):
        raise CouldNotJudge("the answer has no certificates, listeners or CDN")
    for module in modules:
        yield from _certificates(module)
        yield from _listeners(module)
        yield from _cloudfront(module)
        yield from _proxies(module)


def _certificates(config: Configuration) -> Iterator[Finding]:
    validations = config.resources("aws_acm_certificate_validation")
    for cert in config.resources("aws_acm_certificate"):
        block = cert.block
        if block is None or block.get("private_key") is not None:
            continue  # an imported certificate needs no validation
        method = value(block, "validation_method")
        if isinstance(method, str) and method.upper() != "DNS":
            yield Finding.at(
                cert,
                f"{cert.address} is validated by {method}, which "
                "needs a person to click a link",
                hint='Set validation_method = "DNS".',
            )
        elif method is None and block.get("certificate_authority_arn") is None:
            yield Finding.at(
                cert,
                f"{cert.address} sets no validation_method",
                hint='Set validation_method = "DNS".',
            )
        lifecycle = block.blocks_of("lifecycle")
        if (
            not lifecycle
            or as_bool(value(lifecycle[0], "create_before_destroy")) is not True
        ):
            yield Finding.at(
                cert,
                f"{cert.address} lacks create_before_destroy, so "
                "replacing it takes the listener down",
                hint="Add lifecycle { create_before_destroy = true }.",
            )
        yield from _validation(
            cert, [v for v in validations if cert.address in v.references]
        )


def _validation(cert: Declared, validations: list[Declared]) -> Iterator[Finding]:
    if not validations:
        yield Finding.at(
            cert,
            f"{cert.address} is never validated: no "
            "aws_acm_certificate_validation waits for it",
            hint="Add aws_acm_certificate_validation with the DNS records' FQDNs.",
        )
        return
    for validation in validations:
        block = validation.block
        assert block is not None
        if block.get("validation_record_fqdns") is None:
            yield Finding.at(
                validation,
                f"{validation.address} is not wired to the "
                "validation records (no validation_record_fqdns)",
                hint="Set validation_record_fqdns from the Route 53 records.",
            )
        for timeouts in block.blocks_of("timeouts"):
            minutes = _minutes(value(timeouts, "create"))
            if minutes is not None and minutes < 10:
                yield Finding.at(
                    validation,
                    f"{validation.address} gives validation "
                    f"only {minutes:g} minutes; DNS validation can take "
                    "longer",
                    hint='Use timeouts { create = "15m" } or more.',
                )


def _minutes(raw: object) -> float | None:
    if not isinstance(raw, str):
        return None
    m = _DURATION.match(raw.strip())
    if m is None or not any(m.groups()):
        return None
    hours, minutes, seconds = (int(g) if g else 0 for g in m.groups())
    return hours * 60 + minutes + seconds / 60


def _listeners(config: Configuration) -> Iterator[Finding]:
    listeners = config.resources("aws_lb_listener", "aws_alb_listener")
    https_lbs = set()
    for listener in listeners:
        protocol = str(value(listener.block, "protocol") or "").upper()
        if protocol in ("HTTPS", "TLS"):
            https_lbs |= set(
                referenced(
                    listener.block.get("load_balancer_arn") if listener.block else None,
                    "aws_lb.",
                )
            )
            yield from _https_listener(listener)
    for listener in listeners:
        protocol = str(value(listener.block, "protocol") or "").upper()
        lbs = set(
            referenced(
                listener.block.get("load_balancer_arn") if listener.block else None,
                "aws_lb.",
            )
        )
        if protocol == "HTTP" and lbs & https_lbs and not _redirects(listener):
            yield Finding.at(
                listener,
                f"{listener.address} serves plain HTTP beside "
                "an HTTPS listener instead of redirecting",
                hint='Use a redirect action with protocol = "HTTPS".',
            )


def _https_listener(listener: Declared) -> Iterator[Finding]:
    block = listener.block
    assert block is not None
    certificate = block.get("certificate_arn")
    waits = any(
        r.startswith("aws_acm_certificate_validation.") for r in listener.references
    )
    direct = set(referenced(certificate, "aws_acm_certificate."))
    if direct and not waits:
        yield Finding.at(
            listener,
            f"{listener.address} uses {sorted(direct)[0]} before it is validated",
            hint="Take certificate_arn from the "
            "aws_acm_certificate_validation resource.",
        )
    policy = value(block, "ssl_policy")
    if isinstance(policy, str) and _OUTDATED_POLICIES.search(policy):
        yield Finding.at(
            listener,
            f"{listener.address} uses the outdated TLS policy {policy}",
            hint="Use ELBSecurityPolicy-TLS13-1-2-2021-06.",
        )


def _redirects(listener: Declared) -> bool:
    block = listener.block
    assert block is not None
    for action in block.nested("default_action"):
        for redirect in action.nested("redirect"):
            if str(value(redirect, "protocol") or "").upper() == "HTTPS":
                return True
    return False


def _cloudfront(config: Configuration) -> Iterator[Finding]:
    for dist in config.resources("aws_cloudfront_distribution"):
        block = dist.block
        assert block is not None
        for cert in block.nested("viewer_certificate"):
            version = value(cert, "minimum_protocol_version")
            if isinstance(version, str) and version in _OUTDATED_CLOUDFRONT:
                yield Finding.at(
                    dist,
                    f"{dist.address} accepts {version}",
                    hint='Set minimum_protocol_version = "TLSv1.2_2021".',
                )
        behaviours = block.nested("default_cache_behavior") + block.nested(
            "ordered_cache_behavior"
        )
        for behaviour in behaviours:
            policy = value(behaviour, "viewer_protocol_policy")
            if policy == "allow-all":
                yield Finding.at(
                    dist,
                    f"{dist.address} serves viewers over plain HTTP "
                    "(viewer_protocol_policy = allow-all)",
                    hint='Use "redirect-to-https".',
                )


def _proxies(config: Configuration) -> Iterator[Finding]:
    for proxy in config.resources("aws_db_proxy"):
        if as_bool(value(proxy.block, "require_tls")) is not True:
            yield Finding.at(
                proxy,
                f"{proxy.address} accepts connections without TLS "
                "(require_tls is not true)",
                hint="Set require_tls = true.",
            )


GRADER = Grader(
    id="tls.certificate",
    title="Validated certificates and current TLS",
    severity=Severity.HIGH,
    check=check,
)
