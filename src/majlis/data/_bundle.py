"""What the package carries: CSV tables, preset laws, and whole elections built from them."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from majlis.law import Constituency, Election, Law, parse_law

from ._files import ROOT, path, rows, unknown
from ._names import list_names


def _tables() -> tuple[str, ...]:
    found = []
    for folder in ROOT.iterdir():
        if folder.is_dir():
            for entry in folder.iterdir():
                if entry.is_dir():
                    found += [f"{folder.name}/{entry.name}/{f.name}" for f in entry.iterdir()
                              if f.name.endswith(".csv")]
                elif entry.name.endswith(".csv"):
                    found.append(f"{folder.name}/{entry.name}")
    return tuple(sorted(name.removesuffix(".csv") for name in found))


DATASETS: tuple[str, ...] = _tables()


def load(name: str) -> list[dict[str, str]]:
    """A bundled table by name (`iraq/iraq2025_national`, `.csv` optional), as rows."""
    name = name.removesuffix(".csv")
    if name not in DATASETS:
        raise unknown("table", f"no bundled table {name!r}; `majlis data list` names them all")
    return rows(f"{name}.csv")


def law_text(name: str) -> str:
    """A preset law's TOML by name; InputError when there is none — also the lookup
    `parse_law` makes for `extends`, which reports a name it lacks at the law file's line."""
    entry = path(f"laws/{name}.toml")
    if not entry.is_file():
        raise unknown("law", f"no preset law {name!r}; one of: {', '.join(laws())}")
    return entry.read_text(encoding="utf-8")


def laws() -> dict[str, str]:
    """Preset laws by name, each with the first line of its description."""
    found = {}
    for entry in sorted(path("laws").iterdir(), key=lambda e: e.name.removesuffix(".toml")):
        if entry.name.endswith(".toml"):
            first = entry.read_text(encoding="utf-8").splitlines()[0]
            found[entry.name.removesuffix(".toml")] = first.lstrip("# ").strip()
    return found


def law(name: str) -> Law:
    """A preset law by name (`iraq-2025`), its `extends` resolved among the presets."""
    return parse_law(law_text(name), f"{name} (preset)", presets=law_text)


Published = Mapping[str, Mapping[frozenset[str], int]]


@dataclass(frozen=True, slots=True, kw_only=True)
class BundledElection:
    """An election assembled from bundled official figures, ready for `allocate`.

    `published` gives, per constituency, the seats a source published — per list, or for a group
    of lists where only their combined seats were published. `missing` names constituencies of
    the law that have no figures here; `note` says how complete the figures are.
    """

    name: str
    law: str
    election: Election
    published: Published = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    note: str = ""

    def reproduced(self, seats: Mapping[str, Mapping[str, int]]) -> dict[str, bool]:
        """For each constituency with published seats, whether `seats` matches every figure."""
        return {
            name: all(sum(seats[name].get(p, 0) for p in group) == n
                      for group, n in groups.items())
            for name, groups in self.published.items()
        }


def _iraq_2005_jan() -> BundledElection:
    table = rows("iraq/iraq2005jan_national.csv")
    valid = next(int(r["valid_votes"]) for r in rows("iraq/iraq_turnout_registration.csv")
                 if (r["election"], r["scope"], r["stage"]) == ("2005-01-30", "national", "final"))
    iraq = Constituency(name="Iraq", magnitude=275, valid=valid,
                        votes={r["list"]: int(r["votes"]) for r in table})
    return BundledElection(
        name="iraq-2005-jan", law="iraq-2005-jan", election=Election(constituencies=(iraq,)),
        published={"Iraq": {frozenset({r["list"]}): int(r["seats"]) for r in table}},
        note="the 12 seat-winning lists; the 8,456,266 valid votes are declared for the rest",
    )


_COMBINED = re.compile(r"\(([^)]*\+[^)]*)\)")


def _iraq_2010() -> BundledElection:
    table = rows("iraq/iraq2010_governorate_results.csv")
    votes: dict[str, dict[str, int]] = {}
    magnitude: dict[str, int] = {}
    published: dict[str, dict[frozenset[str], int]] = {}
    short = {}
    for r in table:
        constituency = r["district"]
        magnitude[constituency] = int(r["district_magnitude"])
        if r["votes"]:
            votes.setdefault(constituency, {})[r["list"]] = int(r["votes"])
            short[(constituency, r["list"].split(" (")[0])] = r["list"]
        if r["seats"] and r["votes"]:
            published.setdefault(constituency, {})[frozenset({r["list"]})] = int(r["seats"])
    for r in table:  # seats published only for a group of lists: "… combined (A + B + C)"
        group = _COMBINED.search(r["list"])
        if r["seats"] and not r["votes"] and group:
            members = frozenset(short[(r["district"], m.strip())]
                                for m in group.group(1).split("+"))
            published.setdefault(r["district"], {})[members] = int(r["seats"])
    election = Election(constituencies=tuple(
        Constituency(name=d, magnitude=magnitude[d], votes=v) for d, v in votes.items()))
    return BundledElection(
        name="iraq-2010", law="iraq-2010", election=election, published=published,
        note="votes of the 9 main lists at 100 % counted (IHEC via themajlis); seats of the "
             "final uncertified result of 26 March 2010 (historiae); governorate totals of valid "
             "votes were not found, so quotas are computed on the main lists' votes",
    )


def _iraq_2025(final: tuple[str, ...] = ()) -> BundledElection:
    """Preliminary votes (12 November); for the governorates in `final`, the final votes and
    seats (17 November), lists missing from the final table keeping their preliminary votes.
    Each list under its one name (`list_names`), however the governorate's source spelled it."""
    names = list_names("iraq-2025")
    table = [r | {"list": names.canonical(r["list"])}
             for r in rows("iraq/iraq2025_governorate_results.csv")]
    preset = law("iraq-2025")
    votes: dict[str, dict[str, int]] = {}
    published: dict[str, dict[frozenset[str], int]] = {}
    for d in final:
        finals = [r for r in table if r["district"] == d and r["stage"].startswith("final")]
        votes[d] = {r["list"]: int(r["votes"]) for r in finals}
        published[d] = {frozenset({r["list"]}): int(r["seats"]) for r in finals}
    for r in table:
        d = r["district"]
        preliminary = r["stage"].startswith("preliminary") and (not final or d in final)
        if preliminary and r["votes"] and r["list"] not in votes.setdefault(d, {}):
            votes[d][r["list"]] = int(r["votes"])
            if d in published:  # the final table names every seat winner
                published[d][frozenset({r["list"]})] = 0
    election = Election(constituencies=tuple(
        Constituency(name=d, magnitude=preset.magnitudes[d], votes=v) for d, v in votes.items()))
    missing = tuple(d for d in preset.magnitudes if d not in votes and d not in preset.reserved)
    return BundledElection(
        name="iraq-2025-kurdistan" if final else "iraq-2025-preliminary", law="iraq-2025",
        election=election, published=published, missing=() if final else missing,
        note="final votes and seats of Dohuk, Erbil, Sulaymaniyah (Shafaq, Kurdpress); lists "
             "absent from the final table keep their preliminary votes" if final else
             "preliminary votes of the main lists per governorate, 12 November 2025 (Shafaq, "
             "Kurdistan24); seats were not published at this stage",
    )


def _votes_2025() -> dict[str, dict[str, tuple[str, int]]]:
    """Each governorate's votes per list, with the stage they come from: final where published,
    else preliminary; from the main 2025 table, or from `extra/` for a governorate the main table
    lacks (its rows for the others are alternatives a second source printed)."""
    names = list_names("iraq-2025")
    main = rows("iraq/iraq2025_governorate_results.csv")
    covered = {r["district"] for r in main}
    extra = [r for r in rows("iraq/extra/iraq2025_governorate_results_extra.csv")
             if r["district"] not in covered]
    found: dict[str, dict[str, tuple[str, int]]] = {}
    for r in sorted((r for r in (*main, *extra) if r["votes"]),
                    key=lambda r: not r["stage"].startswith("final")):
        stage = r["stage"].split("_")[0]
        found.setdefault(r["district"], {}).setdefault(names.canonical(r["list"]),
                                                       (stage, int(r["votes"])))
    return found


def _iraq_2025_governorates() -> BundledElection:
    """Every governorate whose published seats can be checked: its seat winners add up to its
    magnitude, and each winner's votes are published at one stage (final in the Kurdistan
    Region, preliminary elsewhere). Baghdad falls out: four winners' votes were not found."""
    preset = law("iraq-2025")
    seats: dict[str, dict[str, int]] = {}
    for r in rows("iraq/iraq2025_governorate_seats.csv"):
        if r["row_role"] == "primary" and r["seats"]:
            seats.setdefault(r["district"], {})[r["list"]] = int(r["seats"])
    votes = _votes_2025()
    checked = [d for d, won in seats.items()
               if sum(won.values()) == preset.magnitudes[d]
               and all(w in votes.get(d, {}) for w in won)
               and len({votes[d][w][0] for w in won}) == 1]
    return BundledElection(
        name="iraq-2025-governorates", law="iraq-2025",
        election=Election(constituencies=tuple(
            Constituency(name=d, magnitude=preset.magnitudes[d],
                         votes={n: v for n, (_, v) in votes[d].items()})
            for d in checked)),
        published={d: {frozenset({n}): seats[d].get(n, 0) for n in votes[d]} for d in checked},
        note="governorates whose every seat winner has published votes: seats final (Dhi Qar "
             "preliminary, Kirkuk's Arab Alliance seat from its national total), votes final "
             "in the Kurdistan Region and preliminary elsewhere (iraq/README.md)",
    )


ELECTIONS: Mapping[str, Callable[[], BundledElection]] = {
    "iraq-2005-jan": _iraq_2005_jan,
    "iraq-2010": _iraq_2010,
    "iraq-2025-preliminary": _iraq_2025,
    "iraq-2025-kurdistan": lambda: _iraq_2025(("Dohuk", "Erbil", "Sulaymaniyah")),
    "iraq-2025-governorates": _iraq_2025_governorates,
}


def election(name: str) -> BundledElection:
    """A bundled election by name (`majlis data list` shows them)."""
    if name not in ELECTIONS:
        raise unknown("election", f"no bundled election {name!r}; one of: {', '.join(ELECTIONS)}")
    return ELECTIONS[name]()
