"""The docs are part of the product: every command, key and example in them must be real."""

from __future__ import annotations

import ast
import itertools
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from pydantic import BaseModel

from majlis import data
from majlis.cli import _allocate, app
from majlis.law import _config, parse_law
from tests.commands import majlis

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
LAW_FORMAT = (ROOT / "docs" / "law-format.md").read_text(encoding="utf-8")


def tour_commands() -> list[list[str]]:
    """The `majlis` calls of the README tour, in order, continuation lines joined."""
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    text = "\n".join(blocks).replace("\\\n", " ")
    return [shlex.split(line)[1:] for line in text.splitlines()
            if line.startswith(".venv/bin/majlis ")]


def _needs(args: list[str]) -> set[str]:
    """What a tour command shares with others: its store's election (every store of the tour is
    the one file, `night.db`), and the files it writes or reads under `out/` or `users.json`."""
    needs = {a if a == "users.json" else "/".join(a.split("/")[:2])
             for a in args if a == "users.json" or a.startswith("out/")}
    if "--db" in args:
        options = dict(itertools.pairwise(args))
        played = args[2] if args[:2] in (["replay", "run"], ["replay", "real"]) else None
        needs.add(f"election {options.get('--election') or played or 'default'}")
    return needs


def tour_chapters() -> list[list[list[str]]]:
    """The tour's commands in chapters that can run apart, each in README order: commands that
    share an election of the store or a file stay in one chapter; the others run alone."""
    chapters: list[tuple[set[str], list[int]]] = []
    commands = tour_commands()
    for n, args in enumerate(commands):
        needs = _needs(args)
        joined = [c for c in chapters if c[0] & needs]
        chapters = [c for c in chapters if not c[0] & needs]
        chapters.append((needs.union(*(c[0] for c in joined)),
                         sorted([n, *(m for c in joined for m in c[1])])))
    return [[commands[n] for n in steps] for _, steps in sorted(chapters, key=lambda c: c[1][0])]


CHAPTERS = tour_chapters()
STARTS_A_STORE = (["db", "init"], ["replay", "run"], ["replay", "real"])


def test_the_tour_is_long_and_splits_into_chapters() -> None:
    assert len(tour_commands()) >= 4 and len(CHAPTERS) > 1
    # the tally desk's commands share the default election, in the README's order
    desk = next(c for c in CHAPTERS if c[0][:2] == ["db", "init"])
    assert [a[0] for a in desk[:3]] == ["db", "devices", "devices"]


@pytest.mark.parametrize("chapter", CHAPTERS,
                         ids=[f"{n:02d}-{'-'.join(c[0][:2])}" for n, c in enumerate(CHAPTERS)])
def test_readme_tour_runs_step_by_step(chapter: list[list[str]], tmp_path: Path) -> None:
    """Each chapter of the tour runs as the README gives it, on a store of its own; a chapter
    that uses a store the README set up earlier (`majlis db init`) has it set up first."""
    first = next((a for a in chapter if "--db" in a), None)
    if first is not None and not any(a[:2] in STARTS_A_STORE
                                     for a in chapter[:chapter.index(first) + 1]):
        chapter = [["db", "init", "--db", "sqlite:///night.db"], *chapter]
    for args in chapter:
        args = [a.replace("sqlite:///night.db", f"sqlite:///{tmp_path / 'night.db'}")
                .replace("out/", f"{tmp_path}/out/")
                .replace("users.json", str(tmp_path / "users.json")) for a in args]
        if args[0] == "serve":  # runs until stopped: start it, see it answer, stop it
            assert serves(args), args
            continue
        run = majlis(*args, cwd=ROOT)
        assert run.returncode == 0, (args, run.stderr)
        assert run.stdout.strip()


def serves(args: list[str]) -> bool:
    """`majlis serve …` on a free port answers its API within 30 s."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "majlis", *args, "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(60):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/election",
                                            timeout=2) as answer:
                    return bool(answer.status == 200)
            except OSError:
                time.sleep(0.5)
        return False
    finally:
        server.terminate()
        server.wait(10)


def test_every_command_is_in_the_readme() -> None:
    names = [c.name for c in app.registered_commands]
    names += [f"{g.name} {c.name}" for g in app.registered_groups
              for c in g.typer_instance.registered_commands]
    for name in names:
        assert f"majlis {name}" in README, name


def test_every_preset_law_is_named_in_the_readme_and_parses() -> None:
    for name in data.laws():
        assert name in README, name
        data.law(name)


def nested_models(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """The fields of `model` that are tables of their own (`[tier.threshold]`,
    `[[threshold.by_list]]`, `[reserved."Name"]`), by key."""
    found: dict[str, type[BaseModel]] = {}
    for key, field in model.model_fields.items():
        kinds = [field.annotation]
        while kinds:
            kind = kinds.pop()
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                found[key] = kind
            kinds.extend(getattr(kind, "__args__", ()))
    return found


def section(table: str) -> str:
    """The part of docs/law-format.md under the `## [table]` heading."""
    parts = re.split(r"^## ", LAW_FORMAT, flags=re.M)
    return next(p for p in parts if p.startswith(f"`[{table}")).split("\n", 1)[1]


def row_keys(text: str) -> set[str]:
    """The keys a table documents: each row's first cell, `a`, `b` for rows of several keys."""
    return {key for cell in re.findall(r"^\| ([^|]*) \|", text, flags=re.M)
            for key in re.findall(r"`\[*([a-z_]+(?:\.[a-z_]+)?)\]*`", cell)}


def law_tables() -> list[tuple[str, type[BaseModel]]]:
    """Every table the parser accepts with its model, nested ones under their parent's name."""
    tables = []
    for table, model in nested_models(_config.LawConfig).items():
        tables.append((table, model))
        tables.extend((f"{table}.{key}", inner) for key, inner in nested_models(model).items())
    return tables


@pytest.mark.parametrize(("table", "model"), law_tables(), ids=lambda x: getattr(x, "__name__",
                                                                                    x))
def test_every_law_key_is_documented_in_its_tables_section(table: str,
                                                           model: type[BaseModel]) -> None:
    """Each key of a table is a row of the table in that table's section of the docs (a key of a
    nested table may be named in the row that introduces it), so a key the parser learns cannot
    go undocumented, nor be documented under the wrong table."""
    top, _, nested = table.partition(".")
    text = section(top)
    documented = row_keys(text)
    if nested:
        if model in dict(nested_models(_config.LawConfig)).values():
            return  # the same table as a top-level one (`[tier.threshold]` as `[threshold]`)
        rows = [r for r in text.splitlines() if re.match(rf"\| `\[*{top}\.{nested}\]*`|"
                                                        rf"\| `{nested}`", r)]
        assert rows, f"{table}: no row"
        documented |= {k for r in rows for k in re.findall(r"`([a-z_]+)`", r)}
    for key in model.model_fields:
        key_row = f"{top}.{key}" if f"{top}.{key}" in documented else key
        assert key_row in documented or key in documented, f"[{table}] {key}"


def test_every_top_level_table_has_its_section() -> None:
    for table in _config.LawConfig.model_fields:
        assert section(table), table


def test_every_method_is_documented() -> None:
    for method in _config.METHODS:
        assert f"`{method}`" in LAW_FORMAT, method


@pytest.mark.parametrize("law", sorted((ROOT / "examples" / "laws").glob("*.toml")),
                         ids=lambda p: p.name)
def test_example_laws_parse_and_are_named_in_the_readme(law: Path) -> None:
    parse_law(law.read_text(encoding="utf-8"), str(law))
    assert f"examples/laws/{law.name}" in README


def via_values() -> set[str]:
    """Every way a candidate can take a seat: the strings the law package passes as `via`
    (a keyword argument, or a variable named `via`), read from its source."""
    found: set[str] = set()
    for path in (ROOT / "src" / "majlis" / "law").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            values = [k.value for k in getattr(node, "keywords", ()) if k.arg == "via"]
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "via" for t in node.targets):
                values.append(node.value)
            found |= {c.value for v in values for c in ast.walk(v)
                      if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    return found


def test_every_elected_column_and_via_is_documented() -> None:
    output = section_named("Output")
    for column in _allocate.ELECTED_COLUMNS:
        assert f"| `{column}` |" in output, column
    assert {"votes", "list order", "women's quota"} <= via_values()
    for via in via_values():
        assert f"| `{via}` |" in output, via


def section_named(title: str) -> str:
    return re.split(rf"^## {title}\n", LAW_FORMAT, flags=re.M)[1].split("\n## ", 1)[0]
