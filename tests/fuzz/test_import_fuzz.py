"""``syndicator import`` on damaged files: exit 0 or 2 with one line, never 1, never a traceback.

E-paper pages are the demo page with lines deleted, duplicated, moved or
inserted (random text, control characters, BOMs, page and date lines of
odd shapes), then sent through byte-level damage (invalid UTF-8,
truncation, GB18030, UTF-16, random bytes). JSON files are real articles
with fields replaced, dropped and added, any JSON value, deep nesting,
with the same byte damage. Each runs through the CLI entry point in this
process (click's runner) against a real SQLite store, saving for real.
"""

from __future__ import annotations

import itertools

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from support.fuzzing import (
    JSON_VALUES,
    ODD_TEXT,
    damaged,
    fuzz_settings,
    json_bytes,
    mutated_articles,
    nested,
)
from support.paths import SAMPLE_PAGE

from syndicator.cli import cli

DEMO_LINES = SAMPLE_PAGE.read_text(encoding="utf-8").splitlines()
#: Lines shaped like what the e-paper parser looks for, a little wrong.
SHAPED_LINES = st.sampled_from(
    [
        "第01版：要闻",
        "第0版",
        "第99999999999999999999版：要闻",
        "2021年8月30日",
        "2021年2月30日",
        "0000年0月0日",
        "本报讯 记者",
        "本报讯 记者程雪 通讯员戴大喜报道",
        "（下转第2版）",
        "（上接第1版）",
        "图为",
        "毛朝阳 摄",
        "■",
        "",
        "\ufeff",
        "\x0c",
    ]
)


@st.composite
def epaper_pages(draw: st.DrawFn) -> bytes:
    lines = list(DEMO_LINES)
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        at = draw(st.integers(min_value=0, max_value=len(lines)))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "shaped", "swap", "cut"]))
        if action == "delete" and lines:
            del lines[min(at, len(lines) - 1)]
        elif action == "duplicate" and lines:
            lines.insert(at, lines[min(at, len(lines) - 1)])
        elif action == "insert":
            lines.insert(at, draw(ODD_TEXT))
        elif action == "shaped":
            lines.insert(at, draw(SHAPED_LINES))
        elif action == "swap" and len(lines) > 1:
            other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            at = min(at, len(lines) - 1)
            lines[at], lines[other] = lines[other], lines[at]
        elif action == "cut" and lines:
            line = lines[min(at, len(lines) - 1)]
            cut = draw(st.integers(min_value=0, max_value=len(line)))
            lines[min(at, len(lines) - 1)] = line[:cut] + draw(ODD_TEXT) + line[cut:]
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return draw(damaged(ending.join(lines).encode("utf-8", "surrogatepass")))


def json_files(articles):
    documents = st.one_of(
        mutated_articles(articles),
        JSON_VALUES,
        st.integers(min_value=50, max_value=90).map(nested),
    )
    return documents.map(json_bytes).flatmap(damaged)


OPTIONS = st.sampled_from(
    [
        [],
        ["--page", "1"],
        ["--page", "1"],
        ["--page", "1"],
        ["--page", "1", "--edition", "2021-08-30"],
        ["--dry-run", "--page", "2"],
        ["--json", "--page", "1"],
        ["--encoding", "gb18030", "--page", "1"],
        ["--encoding", "utf-16", "--page", "1"],
    ]
)


@pytest.fixture(scope="module")
def importer(site):
    """``importer(name, data, options)``: the CLI's result for importing a file."""
    config_file = site.root / "config.toml"
    config_file.write_text(
        f'[store]\nurl = "{site.config.store_url}"\n[output]\ndir = "{site.config.output_dir}"\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    counter = itertools.count()

    def run(name: str, data: bytes, options: list[str]):
        path = site.root / "inputs" / f"{next(counter)}-{name}"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        return runner.invoke(cli, ["--config", str(config_file), "import", *options, str(path)])

    return run


def _check(result) -> None:
    output = result.output
    assert result.exit_code in (0, 2), (result.exit_code, output[-2000:], result.exc_info)
    assert "Traceback" not in output, output[-2000:]
    if result.exit_code == 2:
        # The refusal is one line; the parse's warnings may come before it
        # (a file refused at saving, e.g. one that would replace stored articles).
        refusal = [line for line in output.strip().splitlines() if ": warning: " not in line]
        assert len(refusal) == 1 and refusal[0].startswith("Error: "), output[-2000:]


def test_import_of_any_damaged_epaper_page_is_done_or_refused(importer) -> None:
    @fuzz_settings(150)
    @given(page=epaper_pages(), options=OPTIONS, suffix=st.sampled_from([".txt", ".TXT", ""]))
    def run(page: bytes, options: list[str], suffix: str) -> None:
        _check(importer(f"page{suffix}", page, options))

    run()


def test_import_of_any_damaged_json_file_is_done_or_refused(importer, site) -> None:
    @fuzz_settings(150)
    @given(
        data=json_files(site.articles),
        options=OPTIONS,
        name=st.sampled_from(["a.json", "a.txt", "a"]),
    )
    def run(data: bytes, options: list[str], name: str) -> None:
        _check(importer(name, data, options))

    run()
