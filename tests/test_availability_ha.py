"""availability.ha counts zones the way subnets are written."""

from __future__ import annotations

import pytest

from tests.conftest import flagged, hcl

ZONES = 'data "aws_availability_zones" "up" { state = "available" }\n'


def subnet(name: str, zone: str, count: str | None = None) -> str:
    counted = f"  count = {count}\n" if count else ""
    return (
        f'resource "aws_subnet" "{name}" {{\n{counted}  vpc_id = "vpc-1"\n'
        f'  cidr_block = "10.0.0.0/24"\n  availability_zone = {zone}\n}}\n'
    )


@pytest.mark.parametrize(
    ("subnets", "expected"),
    [
        (subnet("one", "data.aws_availability_zones.up.names[count.index]", "1"), 1),
        (subnet("same", "data.aws_availability_zones.up.names[0]", "2"), 1),
        (
            subnet("a", "data.aws_availability_zones.up.names[0]")
            + subnet("b", "data.aws_availability_zones.up.names[1]"),
            0,
        ),
        (subnet("spread", "data.aws_availability_zones.up.names[count.index]", "2"), 0),
        (subnet("literal", '"us-east-1a"') + subnet("also", '"us-east-1a"'), 1),
        (
            subnet(
                "unknown_count",
                "data.aws_availability_zones.up.names[count.index]",
                "length(data.aws_availability_zones.up.names)",
            ),
            0,
        ),
    ],
)
def test_zones_are_counted_per_instance(subnets: str, expected: int) -> None:
    found = flagged("availability.ha", hcl(ZONES + subnets))
    assert len(found) == expected, found


def test_a_root_folder_named_for_a_lower_environment_is_not_production() -> None:
    from graders import by_id, run_grader
    from harness.answer import Answer
    from harness.constraints import Constraints

    def root(env: str) -> str:
        return f"""**environments/{env}/main.tf**

```hcl
provider "aws" {{ region = "us-east-1" }}
variable "environment" {{ default = "{env}" }}
resource "aws_db_instance" "main" {{
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  multi_az                = false
  backup_retention_period = 1
}}
```
"""

    answer = Answer(
        root("dev") + root("prod"), Constraints(environments=("dev", "prod"))
    )
    for mode in ("availability.ha", "backup.dr"):
        grade = run_grader(by_id(mode), answer, strict=True)
        files = {f.file for f in grade.findings}
        assert files == {"environments/prod/main.tf"}, mode
