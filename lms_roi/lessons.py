"""Lesson steps: a module's Markdown body cut into short steps at level-2 headings."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

from lms_roi.markdown import render_markdown

# A level-2 ATX heading at the start of a line ("## Title"), outside fenced code.
_HEADING = re.compile(r"^ {0,3}##(?!#)[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


@dataclass(frozen=True)
class Step:
    """One lesson step: its heading (empty for an untitled intro) and its Markdown."""

    title: str
    markdown: str

    def html(self) -> Markup:
        """The step rendered and sanitised."""
        return render_markdown(self.markdown)


def split_steps(body_md: str) -> list[Step]:
    """The steps of a lesson: each ``## Heading`` line starts one.

    Text before the first heading is an intro step when it is not blank. A body
    without any level-2 heading is a single step. Headings inside fenced code do
    not cut.
    """
    steps: list[tuple[str, list[str]]] = [("", [])]
    fenced = False
    for line in (body_md or "").splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        heading = None if fenced else _HEADING.match(line)
        if heading:
            steps.append((heading.group(1).strip(), [line]))
        else:
            steps[-1][1].append(line)
    out = [Step(title, "\n".join(lines).strip()) for title, lines in steps]
    if not out[0].markdown:
        out = out[1:]
    return out or [Step("", "")]
