"""Lesson steps: where the Markdown is cut, and an XSS corpus that must render inert."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from lms_roi.lessons import split_steps

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<body onload=alert(1)>",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "[x](vbscript:msgbox(1))",
    "<object data=javascript:alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    "<a href='https://ok.example' onclick='alert(1)'>ok</a>",
    "```\n</code><script>alert(1)</script>\n```",
]


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _tags(html: str):
    parser = _Collector()
    parser.feed(html)
    return parser.tags


def test_steps_start_at_each_level_two_heading_with_an_intro():
    steps = split_steps("Intro text\n\n## First\none\n\n### Detail\nsub\n\n## Second ##\ntwo")
    assert [s.title for s in steps] == ["", "First", "Second"]
    assert steps[1].markdown == "## First\none\n\n### Detail\nsub"


def test_no_heading_gives_one_step_and_blank_intro_is_dropped():
    assert [s.title for s in split_steps("just text")] == [""]
    assert [s.title for s in split_steps("\n\n## Only\nx")] == ["Only"]
    assert len(split_steps("")) == 1


def test_headings_inside_fenced_code_do_not_cut():
    steps = split_steps("## A\n```\n## not a step\n```\n## B\nx")
    assert [s.title for s in steps] == ["A", "B"]


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_xss_corpus_renders_inert(app, payload):
    with app.app_context():
        html = "".join(str(step.html()) for step in split_steps(f"## Step\n{payload}\n"))
    for tag, attrs in _tags(html):
        assert tag not in {"script", "iframe", "object", "embed", "svg", "math", "form", "style"}
        for name, value in attrs:
            assert not name.startswith("on"), (payload, html)
            assert name != "style", (payload, html)
            if name in {"href", "src", "action", "xlink:href"}:
                scheme = (value or "").strip().lower()
                assert scheme.startswith(("http:", "https:", "mailto:")) or ":" not in scheme, (
                    payload,
                    html,
                )
