"""`majlis bulletin`: a release as a wire story, in Arabic or English."""

from __future__ import annotations

from typing import Annotated

import typer

from majlis import data, publish

from ._allocate import stdout
from ._tally import Database, ElectionName, LawOption, law_for, open_store, release_of


def bulletin_command(
    release: Annotated[int, typer.Option("--release", help="The release to write up")],
    lang: Annotated[publish.Language, typer.Option("--lang", help="The bulletin's language")]
    = publish.Language.EN,
    written: Annotated[publish.BulletinFormat, typer.Option(
        "--format", help="Markdown, HTML or plain text")] = publish.BulletinFormat.MD,
    arabic_digits: Annotated[bool, typer.Option(
        "--arabic-digits", help="Arabic-Indic digits (٠١٢…) in an Arabic bulletin")] = False,
    db: Database = None,
    election: ElectionName = None,
    law: LawOption = None,
) -> None:
    """Lead, leading lists and the gap, stations counted by voting type, seats so far under the
    law, what changed since the previous release and the closest last seats — every figure
    citing the release (number and digest) it comes from."""
    store = open_store(db, election)
    name, rules = law_for(store, law)
    names = data.list_names(store.election)  # else those of the election the preset is for
    facts = publish.compose_bulletin(
        release_of(store, release), rules, names if names.spellings else data.list_names(name),
        law_name=name,
        previous=release_of(store, release - 1) if release > 1 else None)
    stdout.out(publish.render_bulletin(facts, lang.value, written.value,
                                       arabic_digits=arabic_digits), end="")
