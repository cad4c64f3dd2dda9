"""Iraq's constituency totals for the replays (2025, 2010), from the bundled official figures.

2025 — published: the national general register (20,063,773); the registers of Baghdad and Kirkuk;
voters of Nineveh, Erbil and Dohuk; general-vote turnout of every governorate; special-vote
registers and turnout per governorate; station counts nationally and for Baghdad, Anbar and the
Kurdistan Region; the main lists' votes per governorate. Not published: the other registers,
invalid ballots, the minor lists' votes. Those are synthesised here, by the rule stated beside
each, and marked so in the plan's provenance.
"""

from __future__ import annotations

import numpy as np

from majlis.data import OTHER_LISTS, law, list_names, load
from majlis.law import DivisorRule, DivisorSeries, Law

from ._fill import Filled, Published, capped, fill, minor_lists
from ._plan import Plan, Provenance
from ._synthesis import Group, Stage, Totals, largest_remainder

GENERAL_REGISTER = 20_063_773
GENERAL_STATIONS = 39_285
SECURITY_STATIONS = 4_501
IDP_STATIONS = 97
CENTRES = 8_703
# 2025's invalid ballots were not published; 2021's share (721,979 of 9,629,601) stands in.
INVALID_SHARE = 721_979 / 9_629_601
KNOWN_GENERAL_STATIONS = {"Baghdad": 9_016, "Anbar": 1_820, "Erbil": 2_023,
                          "Sulaymaniyah": 2_200, "Dohuk": 1_396}
KNOWN_SPECIAL_STATIONS = {"Erbil": 385, "Sulaymaniyah": 378, "Dohuk": 195}
BAGHDAD_BALLOTS = 2_129_183  # final, general and special together (Mehr News)
FILL_SEED = 2025  # the generator of the votes nobody published (replay._fill)
MINORITY_ROW = "Minorities (quota)"  # the national table's row for the nine reserved seats


def _votes() -> tuple[dict[str, dict[str, int]], dict[str, str]]:
    """Each governorate's published list votes at the latest stage found, and that stage; each
    list under its one name, so that the night never counts one list under two."""
    names = list_names("iraq-2025")
    found: dict[str, dict[str, int]] = {}
    stage: dict[str, str] = {}
    tables = (load("iraq/iraq2025_governorate_results"),
              load("iraq/extra/iraq2025_governorate_results_extra"))
    for table in tables:
        for latest in ("final", "preliminary_2025-11-12"):
            for r in table:
                d = r["district"]
                if r["stage"].startswith(latest) and r["stage"] != "preliminary_2025-11-12_INA" \
                        and r["votes"] and stage.get(d, latest) == latest:
                    stage[d] = latest
                    found.setdefault(d, {}).setdefault(names.canonical(r["list"]),
                                                       int(r["votes"]))
    return found, stage


def _seats() -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]], dict[str, int]]:
    """Published seats per governorate (primary rows: exact, and "won at least N") and the
    national table majlis shows, each list under its one name. The national table's four
    UNCERTAIN infobox labels stand for the lists the alias table guesses (NPM for Jamaheer …):
    held apart, Jamaheer's published 67,208 votes in Salahuddin would win seats the table gives
    no list of that name."""
    names = list_names("iraq-2025")
    fixed: dict[str, dict[str, int]] = {}
    minimum: dict[str, dict[str, int]] = {}
    for r in load("iraq/iraq2025_governorate_seats"):
        if r["row_role"] == "primary":
            into = fixed if r["seats"] else minimum
            into.setdefault(r["district"], {})[names.canonical(r["list"])] = \
                int(r["seats"] or r["seats_min"])
    national = {names.uncertain.get(r["list"], r["list"]): int(r["seats"])
                for r in load("iraq/iraq2025_national_seats")
                if r["shown"] == "yes" and r["list"] != MINORITY_ROW}
    return fixed, minimum, national


def _series(preset: Law) -> DivisorSeries:
    """The preset's divisors: the fill needs a divisor method."""
    if not isinstance(preset.rule, DivisorRule) or \
            not isinstance(preset.rule.series, DivisorSeries):
        raise ValueError("the 2025 replay fills seats by a divisor method")
    return preset.rule.series


def _fill(names: list[str], magnitudes: dict[str, int], votes: dict[str, dict[str, int]],
          valid: dict[str, int], preset: Law) -> list[Filled]:
    """The unpublished votes as named lists and minor lists, so that the preset gives every
    published governorate seat and every list its national seats (replay._fill); a list's open
    seats go first where Shafaq's final top three ranks it."""
    fixed, minimum, national = _seats()
    prefer: dict[str, list[str]] = {}
    for r in load("iraq/iraq2025_final_rank_top3"):
        prefer.setdefault(list_names("iraq-2025").canonical(r["list"], r["list_ar"]),
                          []).append(r["governorate"])
    return fill([Published(name=g, magnitude=magnitudes[g], votes=votes.get(g, {}),
                       valid=valid[g], fixed=fixed.get(g, {}), minimum=minimum.get(g, {}))
                 for g in names], national, _series(preset),
                np.random.default_rng(FILL_SEED), prefer=prefer)


# The minority contests: candidates per community (assyriapost: 19 Christian; rudawarabia:
# 7 Yazidi, 4 Shabak, 9 Feyli; lalishduhok-600539: 13 Sabean-Mandaean), the votes of all the
# community's candidates (ACI MENA: about 150,000 Christian; KirkukNow: more than 270,000 in all
# nine contests) and the published margins of a winner over the runner-up (Al-Mada: Feyli, more
# than 9,000; peregraf: Dohuk, more than 700).
CANDIDATES = {"Christian": 19, "Yazidi": 7, "Shabak": 4, "Sabean-Mandaean": 13, "Feyli Kurd": 9}
CHRISTIAN_VOTES = 150_000
MINORITY_VOTES = 270_000
MARGINS = {"Feyli (Wasit)": 9_001, "Christian (Dohuk)": 701}
ROUNDED = {"Ali Shamil": 4_000}  # printed as '4 آلاف' (about 4 thousand)
VOTES_PER_STATION = 500  # a contest's stations: its ballots at about this many to a station


def _contests(preset: Law, turnout: dict[str, float], rng: np.random.Generator
              ) -> tuple[list[Totals], list[Provenance]]:
    """The nine reserved contests (SNTV): the published winners with their votes; a winner
    whose votes were not found gets the mean of the community's published winners; the other
    candidates share the rest of their group's published total (Christian, then the four other
    communities) in proportion to the winners' votes, by a seeded draw below the winner (less
    any published margin, else a tenth of the winner's votes); a named loser keeps a printed
    figure. The community's candidates
    are shared equally over its contests."""
    found: dict[str, list[dict[str, str]]] = {}
    for r in load("iraq/iraq2025_minority_contest_candidates"):
        for name, seat in preset.reserved.items():
            if r["election"] == "2025-11-11" and r["community"].startswith(seat.community) \
                    and f"({r['governorate']})" in name and r["candidate"]:
                found.setdefault(name, []).append(r)
    contests = list(preset.reserved)
    winner: dict[str, tuple[str, int, bool]] = {}
    for name in contests:
        (row,) = [r for r in found[name] if r["elected"] == "yes" and r["votes"]] or \
            [r for r in found[name] if r["elected"] == "yes"][:1]
        winner[name] = (row["candidate"].split(" (")[0], int(row["votes"] or 0),
                        bool(row["votes"]))
    community = {n: preset.reserved[n].community for n in contests}
    for name, (who, _, known) in winner.items():
        if not known:
            peers = [v for c, (_, v, k) in winner.items()
                     if k and community[c] == community[name]]
            winner[name] = (who, round(sum(peers) / len(peers)), False)
    seats_of = {c: [n for n in contests if community[n] == c] for c in CANDIDATES}
    size = {n: m for c, names in seats_of.items()
            for n, m in largest_remainder(CANDIDATES[c], dict.fromkeys(names, 1.0)).items()}
    groups = {"Christian": CHRISTIAN_VOTES, "other": MINORITY_VOTES - CHRISTIAN_VOTES}
    rest: dict[str, int] = {}
    for group, total in groups.items():
        members = [n for n in contests if (community[n] == "Christian") == (group == "Christian")]
        rest |= largest_remainder(total - sum(winner[n][1] for n in members),
                                  {n: winner[n][1] for n in members})
    out, notes = [], []
    for name in contests:
        who, won, known = winner[name]
        governorate = name.split("(")[1].rstrip(")")
        losers = [r for r in found[name] if r["elected"] == "no"]
        printed = {r["candidate"]: ROUNDED[r["candidate"]] for r in losers
                   if r["candidate"] in ROUNDED}
        named = [r["candidate"] for r in losers if r["candidate"] not in printed]
        free = size[name] - 1 - len(printed)
        cap = won - MARGINS.get(name, won // 10)
        drawn = sorted(capped(rest[name] - sum(printed.values()),
                               rng.dirichlet(np.full(free, 2.0)), cap), reverse=True)
        first = 2 + len(printed) + len(named)
        labels = named + [f"{community[name]} candidate {k} ({governorate})"
                          for k in range(first, first + free - len(named))]
        votes = {who: won, **printed, **dict(zip(labels, drawn, strict=True))}
        cast = sum(votes.values())
        out.append(Totals(name=name, groups=(Group(
            voting_type="general", stations=max(1, round(cast / VOTES_PER_STATION)),
            registered=round(cast / turnout[governorate]), cast=cast),), votes=votes,
            invalid=0))
        how = "contest ballots ÷ the governorate's published general turnout"
        notes += [Provenance(constituency=name, figure="registered (general)",
                             value=round(cast / turnout[governorate]), status="synthesised",
                             how=how),
                  Provenance(constituency=name, figure="general stations",
                             value=out[-1].groups[0].stations, status="synthesised",
                             how=f"one per about {VOTES_PER_STATION} ballots"),
                  Provenance(constituency=name, figure=f"votes: {who}", value=won,
                             status="official" if known else "synthesised",
                             how="published winner (minority_contest_candidates)" if known
                             else "published winner, votes not found: the mean of the "
                             "community's published winners"),
                  *(Provenance(constituency=name, figure=f"votes: {c}", value=n,
                               status="official", how="as printed, rounded")
                    for c, n in printed.items()),
                  *(Provenance(constituency=name, figure=f"votes: {c}", value=n,
                               status="synthesised",
                               how=f"the group's published total less its winners, shared by "
                               f"winners' votes, a seeded draw below {cap:,}")
                    for c, n in zip(labels, drawn, strict=True))]
    return out, notes


def _special() -> dict[str, dict[str, tuple[int, int]]]:
    """(registered, ballots) per governorate and special voting type."""
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for r in load("iraq/iraq2025_special_vote"):
        area = r["area"].replace("Baghdad - Rusafa", "Baghdad").replace("Baghdad - Karkh",
                                                                         "Baghdad")
        if area.startswith("NATIONAL"):
            continue
        mine = out.setdefault(area, {})
        if r["security_voters"]:
            kinds = [("special-security", r["security_voters"], r["security_turnout_pct"]),
                     ("special-idp", r["idp_voters"], r["idp_turnout_pct"])]
        else:
            kinds = [("special-security", r["special_voters_total"], r["overall_turnout_pct"])]
        for kind, voters, pct in kinds:
            if voters:
                reg, cast = mine.get(kind, (0, 0))
                n = int(voters)
                mine[kind] = (reg + n, cast + round(n * float(pct) / 100))
    return out


def _general_turnout() -> dict[str, float]:
    return {r["governorate"].removesuffix(" (incl. Halabja)"):
            float(r["turnout_general_99.98pct_counted"]) / 100
            for r in load("iraq/iraq2025_turnout_by_governorate")
            if r["turnout_general_99.98pct_counted"]}


def _registers(names: list[str], seats: dict[str, int], floor: dict[str, float],
               fixed: dict[str, int]) -> dict[str, int]:
    """The unpublished general registers. Each is at least what its published votes need at its
    published turnout (`floor`); a governorate whose floor is below its share of the remaining
    register by seats (which the law allots by population) is raised toward that share, all by
    the same fraction of their gap, so that the registers add up to the national one. Where
    few of a governorate's lists were published the seat share decides; where most were, the
    votes do."""
    free = [g for g in names if g not in fixed]
    register = GENERAL_REGISTER - sum(fixed.values())
    by_seats = {g: register * seats[g] / sum(seats[f] for f in free) for g in free}
    gap = {g: max(by_seats[g] - floor[g], 0.0) for g in free}
    room = register - sum(floor[g] for g in free)
    if room < 0 or not sum(gap.values()):
        raise ValueError("the published votes do not fit the national register")
    scale = room / sum(gap.values())
    estimate = {g: floor[g] + scale * gap[g] for g in free}
    return largest_remainder(register, estimate) | fixed


def iraq_2025() -> Plan:
    """Iraq, 11 November 2025: the 18 governorates' totals, official where published."""
    preset = law("iraq-2025")
    names = [g for g in preset.magnitudes if g not in preset.reserved]
    votes, stage = _votes()
    special = _special()
    turnout = _general_turnout()
    provenance: list[Provenance] = []

    def note(g: str, figure: str, value: int, status: str, how: str) -> None:
        provenance.append(Provenance(constituency=g, figure=figure, value=value, status=status,
                                     how=how))

    special_cast = {g: sum(c for _, c in special[g].values()) for g in names}
    baghdad_general = BAGHDAD_BALLOTS - special_cast["Baghdad"]
    published = {r["scope"]: r for r in load("iraq/iraq_turnout_registration")
                 if r["election"] == "2025-11-11"}
    fixed = {"Baghdad": int(published["Baghdad"]["registered"]),
             "Kirkuk": int(published["Kirkuk"]["registered"])}
    for g in ("Nineveh", "Erbil", "Dohuk"):  # (voters − special ballots) ÷ general turnout
        fixed[g] = round((int(published[g]["voters"]) - special_cast[g]) / turnout[g])
    turnout["Baghdad"] = baghdad_general / fixed["Baghdad"]

    def counts(need: dict[str, int]
               ) -> tuple[dict[str, int], dict[str, int], dict[str, int], float]:
        """Registers, general ballots and invalid ballots when the lists need `need` votes:
        invalid ballots at 2021's share, lowered by quarters while the votes do not fit the
        national register."""
        for step in range(4, -1, -1):
            share = INVALID_SHARE * step / 4
            floor = {g: (need[g] / (1 - share) - special_cast[g]) / turnout[g] for g in names}
            try:
                register = _registers(names, dict(preset.magnitudes), floor, fixed)
            except ValueError:
                continue
            general = {g: baghdad_general if g == "Baghdad" else
                       round(register[g] * turnout[g]) for g in names}
            invalid = {g: max(0, min(round((general[g] + special_cast[g]) * share),
                                     general[g] + special_cast[g] - need[g])) for g in names}
            return register, general, invalid, share
        raise ValueError("the lists' votes do not fit the national register")

    published_votes = {g: sum(votes.get(g, {}).values()) for g in names}
    register, general_cast, invalid, _ = counts(published_votes)
    filled = {f.name: f for f in _fill(names, dict(preset.magnitudes), votes, {
        g: general_cast[g] + special_cast[g] - invalid[g] for g in names}, preset)}
    register, general_cast, invalid, share = counts(
        {g: published_votes[g] + sum(filled[g].votes.values()) for g in names})
    minors = np.random.default_rng(FILL_SEED + 1)
    general_stations = {g: KNOWN_GENERAL_STATIONS[g] for g in KNOWN_GENERAL_STATIONS} | \
        largest_remainder(GENERAL_STATIONS - sum(KNOWN_GENERAL_STATIONS.values()),
                          {g: register[g] for g in names if g not in KNOWN_GENERAL_STATIONS})
    idp = largest_remainder(IDP_STATIONS, {g: special[g].get("special-idp", (0, 0))[0]
                                           for g in names}, at_least_one=True)
    security_known = {g: n - idp[g] for g, n in KNOWN_SPECIAL_STATIONS.items()}
    security = security_known | largest_remainder(
        SECURITY_STATIONS - sum(security_known.values()),
        {g: special[g]["special-security"][0] for g in names if g not in security_known})

    constituencies = []
    for g in names:
        listed = dict(votes.get(g, {})) | filled[g].votes
        listed |= minor_lists(filled[g], general_cast[g] + special_cast[g] - invalid[g]
                              - sum(listed.values()), _series(preset), minors)
        groups = [Group(voting_type="general", stations=general_stations[g],
                        registered=register[g], cast=general_cast[g])]
        groups += [Group(voting_type=kind, stations=(security if kind == "special-security"
                                                     else idp)[g], registered=reg, cast=c)
                   for kind, (reg, c) in sorted(special[g].items())]
        constituencies.append(Totals(name=g, groups=tuple(groups), votes=listed,
                                     invalid=invalid[g]))
        how = ("published" if g in ("Baghdad", "Kirkuk") else
               "(published voters − special ballots) ÷ published general turnout" if g in fixed
               else
               "what the lists' votes (published and made up) need at the published turnout, "
               "plus the rest of the national register shared by seats")
        note(g, "registered (general)", register[g],
             "official" if g in ("Baghdad", "Kirkuk") else
             "derived" if g in fixed else "synthesised", how)
        note(g, "ballots cast (general)", general_cast[g], "derived",
             "final ballots less special ballots" if g == "Baghdad" else
             "registered × published general turnout")
        for kind, (reg, c) in sorted(special[g].items()):
            note(g, f"ballots cast ({kind})", c, "derived",
                 f"published {kind} register {reg} × published turnout")
        note(g, "invalid", invalid[g], "synthesised",
             f"{share:.2%} of ballots ({INVALID_SHARE:.2%} is 2021's share)")
        for list_name, n in listed.items():
            if list_name not in votes.get(g, {}):
                won = filled[g].seats.get(list_name, 0)
                note(g, f"votes: {list_name}", n, "synthesised",
                     f"inside the band that wins its {won} seat{'s' * (won != 1)} at the cut "
                     f"{float(filled[g].cut):,.0f} (replay._fill)" if won else
                     f"a minor list: the valid ballots left over, each below the first seat "
                     f"at the cut {float(filled[g].cut):,.0f} (replay._fill)")
            else:
                note(g, f"votes: {list_name}", n, "official", f"{stage[g]} result")
        note(g, "general stations", general_stations[g],
             "official" if g in KNOWN_GENERAL_STATIONS else "synthesised",
             "published" if g in KNOWN_GENERAL_STATIONS else
             f"the other of {GENERAL_STATIONS:,} stations shared by register")
    contests, notes = _contests(preset, turnout, np.random.default_rng(FILL_SEED + 2))
    return Plan(name="iraq-2025", law="iraq-2025", day="2025-11-11", zone="Asia/Baghdad",
                constituencies=(*constituencies, *contests),
                magnitudes=dict(preset.magnitudes),
                centre_size=GENERAL_STATIONS / CENTRES, centres=CENTRES,
                women_share=0.25, provenance=(*provenance, *notes),
                reserved=frozenset(preset.reserved))


# 2010: governorate figures include the special and out-of-country votes (their columns add up
# to the national totals), so every station here is general.
VALID_2010 = 11_526_412  # ElectionGuide's ballots, of which Wikipedia's shares are percentages
INVALID_SHARE_2010 = 141_568 / 12_396_631  # December 2005's share; 2010's was not published
REGISTERED_PER_STATION = 15_568_702 / 29_437  # December 2005: registered ÷ polling stations
DHI_QAR_2010 = (992_000, 585_279)  # IHEC Dhi Qar office: registered (as printed), voters
STAGE_NAMES_2010 = ("partial results (18–63 %)", "partial results (90–98 %)")


def iraq_2010() -> Plan:
    """Iraq, 7 March 2010: the 18 governorates' final votes of the main lists, and the partial
    counts published on the way (two snapshots: 5 governorates at 18–63 %, then 16 at 90–98 %)."""
    preset = law("iraq-2010")
    table = load("iraq/iraq2010_governorate_results")
    names = list(dict.fromkeys(r["district"] for r in table))
    votes = {g: {r["list"]: int(r["votes"]) for r in table if r["district"] == g and r["votes"]}
             for g in names}
    turnout = {r["scope"]: float(r["turnout_pct"]) / 100
               for r in load("iraq/extra/iraq2010_turnout_by_governorate")
               if r["stage"] == "IHEC election-night turnout"}
    listed = {g: sum(v.values()) for g, v in votes.items()}
    dhi_qar_valid = DHI_QAR_2010[1] - round(DHI_QAR_2010[1] * INVALID_SHARE_2010)
    unpublished = largest_remainder(
        VALID_2010 - sum(listed.values()) - (dhi_qar_valid - listed["Dhi Qar"]),
        {g: listed[g] for g in names if g != "Dhi Qar"})
    unpublished["Dhi Qar"] = dhi_qar_valid - listed["Dhi Qar"]
    partial: dict[str, dict[int, dict[str, int]]] = {}
    for r in load("iraq/iraq2010_partial_counts"):
        partial.setdefault(r["district"], {}).setdefault(int(r["pct_ballots_counted"]), {})[
            r["list"]] = int(r["votes"])
    provenance: list[Provenance] = []
    constituencies = []
    for g in names:
        valid = listed[g] + unpublished[g]
        cast = DHI_QAR_2010[1] if g == "Dhi Qar" else round(valid / (1 - INVALID_SHARE_2010))
        registered = DHI_QAR_2010[0] if g == "Dhi Qar" else round(cast / turnout[g])
        stations = max(1, round(registered / REGISTERED_PER_STATION))
        counts = partial.get(g, {})
        snapshots = STAGE_NAMES_2010[-len(counts):] if counts else ()
        stages = tuple(Stage(name=name, stations=round(stations * pct / 100), votes=counts[pct])
                       for name, pct in zip(snapshots, sorted(counts), strict=True))
        constituencies.append(Totals(
            name=g, groups=(Group(voting_type="general", stations=stations,
                                  registered=registered, cast=cast),),
            votes={**votes[g], OTHER_LISTS: unpublished[g]}, invalid=cast - valid,
            stages=stages))
        facts = [
            ("registered", registered, "official" if g == "Dhi Qar" else "derived",
             "IHEC Dhi Qar office, as printed" if g == "Dhi Qar" else
             "ballots ÷ IHEC's election-night turnout"),
            ("ballots cast", cast, "official" if g == "Dhi Qar" else "synthesised",
             "IHEC Dhi Qar office" if g == "Dhi Qar" else "valid ÷ (1 − invalid share)"),
            ("invalid", cast - valid, "synthesised",
             f"{INVALID_SHARE_2010:.2%} of ballots (December 2005's share)"),
            ("stations", stations, "synthesised",
             f"one per {REGISTERED_PER_STATION:.0f} registered (December 2005's ratio)"),
            (f"votes: {OTHER_LISTS}", unpublished[g], "synthesised",
             "national valid votes less the published lists, shared by published votes"),
            *((f"votes: {p}", n, "official", "IHEC, 100 % counted (themajlis)")
              for p, n in votes[g].items()),
            *((f"{s.name}: {p}", n, "official", "published partial count (bpm-fertile-"
               "crescent)") for s in stages for p, n in s.votes.items()),
        ]
        provenance += [Provenance(constituency=g, figure=f, value=v, status=st, how=how)
                       for f, v, st, how in facts]
    return Plan(name="iraq-2010", law="iraq-2010", day="2010-03-07", zone="Asia/Baghdad",
                constituencies=tuple(constituencies),
                magnitudes={g: preset.magnitudes[g] for g in names},
                centre_size=5.0, women_share=0.25, provenance=tuple(provenance),
                stages=STAGE_NAMES_2010)
