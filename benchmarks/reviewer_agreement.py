"""How the graders agree with reviewers' notes on real answers, per failure mode.

For each reviewed task in the shared corpus (``rlhf-tf-dev/<id>/``), the
reviewer's MODEL_FAILURES.md is split into sections and each section is
classified into failure modes by the words it uses; the model's answer
(MODEL_RESPONSE.md) is graded with constraints inferred from PROMPT.md. The
script prints, per mode, the answers where both flag the mode, where only the
grader does, and where only the reviewer does.

Keyword classification of prose is approximate, and reviewers note things no
static grader can see (a region without an engine version, a failed test); the
lists are where to look, not a score.

Run it with ``.venv/bin/python benchmarks/reviewer_agreement.py [--details]``;
``--answers [MODE ...]`` prints, answer by answer, whether the reviewer and the
grader name each mode (by default the two modes of what AWS and the provider
reject) and the grader's findings.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graders import REGISTRY, Verdict  # noqa: E402
from harness.answer import Answer  # noqa: E402
from harness.constraints import infer  # noqa: E402
from harness.grading import grade_answer  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "rlhf-tf-dev"

# words by which a reviewer's section names a failure mode
MODE_WORDS: dict[str, str] = {
    "syntax.parse": r"syntax error|invalid hcl|parse error|fails? to parse|unbalanced",
    "format.response": r"truncat|cut off|incomplete (?:response|code|file)",
    "structure.single_file": r"single file|separate files?|multiple files|"
    r"file naming|named? tap_stack|uses? modules?|file\(\)",
    "references.undefined": r"undeclared|undefined|not declared|missing variable|"
    r"reference to (?:a )?non-?existent",
    "dependency.circular": r"circular|dependency cycle|\bcycle\b",
    "dependency.ordering": r"depends_on|race condition|ordering|before .* (?:is|was)"
    r" created|creation order",
    "env.consistency": r"(?:environment|env)[- ](?:drift|inconsisten|differ)|"
    r"inconsistent (?:tag|environment)",
    "sizing.environment": r"instance class|instance type|reserved concurrency|"
    r"oversized|undersized|sizing",
    "iam.least_privilege": r"least[- ]privilege|overly (?:broad|permissive)|"
    r"wildcard (?:action|permission|resource|principal)|"
    r"kms:\*|s3:\*|full access",
    "iam.missing_permissions": r"access ?denied|not authori[sz]ed|missing "
    r"(?:iam )?permission|lacks? (?:the )?permission",
    "network.exposure": r"0\.0\.0\.0/0|open to the (?:internet|world)|publicly "
    r"accessible|public access",
    "network.wiring": r"wrong port|port mismatch|security group reference|"
    r"ingress rule",
    "lambda.handler": r"handler|runtime",
    "tls.certificate": r"certificate validation|acm certificate|not validated|"
    r"ssl policy|tls 1\.[01]|http(?: listener)? (?:to|redirect)",
    "backup.dr": r"backup|snapshot|retention period|deletion protection|versioning|"
    r"point[- ]in[- ]time|disaster recovery|cross[- ]region",
    "monitoring.alerting": r"alarm|monitoring|alert|log group|retention_in_days",
    "secrets.management": r"hard-?coded (?:password|secret|credential|key)|"
    r"plain ?text (?:password|secret)|literal password|"
    r"password (?:is )?(?:stored|exposed) in",
    "compliance.pci": r"encrypt|kms key|cloudtrail|flow logs?|audit",
    "availability.ha": r"multi-?az|availability zone|single point of failure|"
    r"nat gateway per",
    "schema.validity": r"unsupported (?:argument|attribute|block)|not expected here|"
                       r"invalid resource type|does not exist in the provider|"
                       r"invalid value|not a valid (?:argument|value)",
    "deploy.constraints": r"reserved (?:word|(?:master )?user ?name)|"
    r"not a valid password|only printable ascii|naming (?:limit|constraint)|"
    r"\d+[- ]character limit|name (?:prefix )?(?:was )?too long|"
    r"performance insights .*not supported|instance class .*not (?:supported|"
    r"offered)|cidr .*overlap|overlapping cidr|slow-query|"
    r"reserved (?:lambda )?environment variable|only lowercase alphanumeric",
    "requirements.coverage": r"missing (?:required )?(?:resources?|components?)|"
                             r"not implemented|was not (?:created|included)|omitted",
    "performance.scaling": r"auto ?scaling|scaling polic|rds proxy|connection pool|"
    r"caching|cache",
}
_SECTION = re.compile(r"^#{1,4}\s+.*$", re.M)


def sections(text: str) -> Iterator[str]:
    """The reviewer's notes split at headings (the whole text when it has none)."""
    starts = [m.start() for m in _SECTION.finditer(text)] or [0]
    for begin, end in zip(starts, [*starts[1:], len(text)], strict=True):
        yield text[begin:end]


def reviewer_modes(text: str) -> set[str]:
    found = set()
    for section in sections(text):
        for mode, words in MODE_WORDS.items():
            if re.search(words, section, re.I):
                found.add(mode)
    return found


def grader_modes(folder: Path) -> set[str]:
    return {g.failure_mode for g in _grades(folder) if g.verdict is Verdict.FAIL}


def _grades(folder: Path) -> list:
    prompt = (folder / "PROMPT.md").read_text("utf-8")
    response = (folder / "MODEL_RESPONSE.md").read_text("utf-8")
    return grade_answer(Answer(response, infer(prompt), folder.name))


def per_answer(modes: list[str]) -> None:
    """Answer by answer: does the reviewer name each mode, does the grader."""
    print(f"{'answer':<8} {'failure mode':<20} {'reviewer':>8} {'grader':>7}  finding")
    for folder in sorted(CORPUS.iterdir()):
        notes = (folder / "MODEL_FAILURES.md").read_text("utf-8")
        reviewed = reviewer_modes(notes)
        grades = {g.failure_mode: g for g in _grades(folder)}
        for mode in modes:
            grade = grades[mode]
            found = [f.message for f in grade.findings]
            mark = {"fail": "yes", "pass": "no"}.get(grade.verdict.value, "n/a")
            agree = "yes" if mode in reviewed else "no"
            first = found[0][:90] if found else ""
            print(f"{folder.name:<8} {mode:<20} {agree:>8} {mark:>7}  {first}")
            for more in found[1:]:
                print(f"{'':<46}{more[:90]}")


def main() -> int:
    if not CORPUS.exists():
        print(f"no reviewed answers at {CORPUS}")
        return 1
    details = "--details" in sys.argv
    if "--answers" in sys.argv:
        named = sys.argv[sys.argv.index("--answers") + 1 :]
        per_answer(named or ["schema.validity", "deploy.constraints"])
        return 0
    rows = {
        g.id: {"both": [], "grader only": [], "reviewer only": []} for g in REGISTRY
    }
    for folder in sorted(CORPUS.iterdir()):
        reviewed = reviewer_modes((folder / "MODEL_FAILURES.md").read_text("utf-8"))
        graded = grader_modes(folder)
        for mode, lists in rows.items():
            key = (
                "both"
                if mode in reviewed and mode in graded
                else "grader only"
                if mode in graded
                else "reviewer only"
                if mode in reviewed
                else None
            )
            if key:
                lists[key].append(folder.name)
    print(f"{'failure mode':<24} {'both':>5} {'grader only':>12} {'reviewer only':>14}")
    for mode, lists in rows.items():
        print(
            f"{mode:<24} {len(lists['both']):>5} {len(lists['grader only']):>12} "
            f"{len(lists['reviewer only']):>14}"
        )
        if details:
            for key, ids in lists.items():
                if ids:
                    print(f"    {key}: {', '.join(ids)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
