"""Every ``.. code-block:: python`` in docs/ and README.md runs, as written."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def rst_blocks(path: Path) -> list[tuple[str, str]]:
    lines = path.read_text().splitlines()
    blocks = []
    for i, line in enumerate(lines):
        if line.strip() == ".. code-block:: python":
            indent = len(line) - len(line.lstrip())
            body = []
            for nxt in lines[i + 1 :]:
                if nxt.strip() and len(nxt) - len(nxt.lstrip()) <= indent:
                    break
                body.append(nxt)
            blocks.append((f"{path.name}:{i + 1}", textwrap.dedent("\n".join(body))))
    return blocks


def md_blocks(path: Path) -> list[tuple[str, str]]:
    text = path.read_text()
    return [
        (f"{path.name}:{text[: m.start()].count(chr(10)) + 1}", m.group(1))
        for m in re.finditer(r"```python\n(.*?)```", text, re.DOTALL)
    ]


EXAMPLES = [b for p in sorted((ROOT / "docs").glob("*.rst")) for b in rst_blocks(p)]
EXAMPLES += md_blocks(ROOT / "README.md")


def test_examples_were_found() -> None:
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("where,code", EXAMPLES, ids=[w for w, _ in EXAMPLES])
def test_example_runs(where: str, code: str) -> None:
    exec(compile(code, where, "exec"), {"__name__": "__doc_example__"})  # noqa: S102
