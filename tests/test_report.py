"""The report: self-contained, complete, and inert whatever the answers hold."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.cli import main

PLANTED = (
    "Here you go <script>document.title='PWNED'</script>\n"
    "<img src=x onerror=\"document.title='PWNED2'\">\n\n"
    '```hcl\nresource "aws_security_group" "open" {\n  ingress {\n'
    '    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n'
    '    cidr_blocks = ["0.0.0.0/0"]\n  }\n  description = "</pre><script>'
    "document.title='PWNED3'</script>\"\n}\n```\n"
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    answers = folder / "answers.jsonl"
    answers.write_text(
        json.dumps({"task_id": "t1", "model": "<b>evil</b>", "response": PLANTED})
        + "\n"
    )
    run = folder / "run"
    assert main(["grade", "--responses", str(answers), "--out", str(run)]) == 0
    assert main(["report", str(run)]) == 0
    return run


def test_report_files_are_written_and_self_contained(report: Path) -> None:
    html = (report / "report.html").read_text()
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "<script" not in html.lower().replace("&lt;script", "")
    assert "&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;" in html
    assert "network.exposure" in html and 'id="mode-network.exposure"' in html
    markdown = (report / "report.md").read_text()
    assert "## network.exposure" in markdown and "<b>evil</b>" not in markdown


def test_report_links_numbers_to_answers(report: Path) -> None:
    html = (report / "report.html").read_text()
    anchors = {part.split('"')[0] for part in html.split('id="answer-')[1:]}
    links = {part.split('"')[0] for part in html.split('href="#answer-')[1:]}
    assert links and links <= anchors


@pytest.mark.skipif(shutil.which("chromium") is None, reason="no chromium installed")
def test_report_renders_in_a_browser_without_running_answer_markup(
    report: Path, tmp_path: Path
) -> None:
    command = [
        "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--dump-dom",
        (report / "report.html").as_uri(),
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert "<title>iacbench report" in dom and "PWNED" not in dom.split("</title>")[0]
    assert "&lt;script&gt;document.title='PWNED'&lt;/script&gt;" in dom
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line]
    assert not [line for line in console if "rror" in line], console
