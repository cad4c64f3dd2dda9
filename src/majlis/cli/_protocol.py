"""`majlis protocol` and `majlis verify`: a release's results protocol as PDF, made once and
kept in the store, and a protocol file checked against the store; `majlis photo`: the tally
sheets' photos the desk's versions carry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from majlis import publish, tally
from majlis.errors import InputError

from ._allocate import stderr, stdout
from ._tally import Database, ElectionName, open_store, release_of


def protocol_command(
    release: Annotated[int, typer.Option("--release", help="The release it records")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the PDF")],
    constituency: Annotated[str | None, typer.Option(
        "--constituency", help="The constituency (default: the national protocol)")] = None,
    lang: Annotated[publish.Language, typer.Option("--lang", help="The protocol's language")]
    = publish.Language.AR,
    law: Annotated[str | None, typer.Option(
        "--law", help="The preset whose party table names the lists in Arabic (default: the "
        "election's)")] = None,
    db: Database = None,
    election: ElectionName = None,
) -> None:
    """A release's results protocol — per constituency or national, in Arabic or English, with
    the release digest, the sheet chain head and who keyed, checked and released — as PDF. Made
    and kept in the store the first time; every later call writes the kept file unchanged."""
    store = open_store(db, election)
    kept = publish.make_protocol(store, release_of(store, release), constituency, lang, law=law)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(kept.pdf)
    stdout.print(f"protocol of {constituency or 'the nation'} in release {release} ({lang}) "
                 f"written to {out}; SHA-256 {kept.sha256}", markup=False, highlight=False)


def verify_command(
    file: Annotated[Path, typer.Argument(help="A protocol PDF `majlis protocol` wrote")],
    db: Database = None,
    election: ElectionName = None,
) -> None:
    """Check a results protocol against the store: every embedded figure, the release digest,
    the chain head and who signed; every figure printed on the page against the embedded one;
    and the file against the one the store keeps. Exit 1 names each difference; exit 2 when the
    file is no protocol of this election."""
    store = open_store(db, election)
    check = publish.verify_protocol(store, file.read_bytes(), str(file))
    where = f"{check.constituency}, release {check.release}, {check.lang}"
    if check.intact:
        stdout.print(f"protocol intact: {where} — every figure, the release digest and the "
                     "chain head, printed and embedded, are the store's, and the file is the "
                     "one it keeps",
                     markup=False, highlight=False)
        return
    for problem in check.problems:
        stderr.print(f"protocol ALTERED ({where}): {problem}", markup=False, highlight=False)
    raise SystemExit(1)


def photo_command(
    files: Annotated[list[Path], typer.Argument(help="Photos or scans of tally sheets: JPEG, "
                                                     "PNG, WebP or PDF, at most 8 MiB each")],
    db: Database = None,
    election: ElectionName = None,
) -> None:
    """Keep tally sheets' photos in the store and print each one's SHA-256: a sheet keyed from
    one carries it (`photo` in a JSON sheets file, or in the API's sheet) and the chain keeps
    it. Every file is checked before any is kept."""
    store = open_store(db, election)
    read = [(path, path.read_bytes()) for path in files]
    problems = [p for path, data in read for p in tally.photo_problems(data, str(path))]
    if problems:
        raise InputError(problems)
    for path, data in read:
        kept = store.keep_photo(data, str(path))
        stdout.print(f"{kept.sha256}  {path} ({kept.media_type})", markup=False,
                     highlight=False)
