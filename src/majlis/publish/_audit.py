"""The audits of the count as `majlis audit` prints them and the API serves them: the store's
sheets read into `majlis.audit`'s plain values, and its reports as JSON, made here once so the
command line and the API cannot drift apart."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from fractions import Fraction
from functools import partial

import numpy as np

from majlis import audit, tally
from majlis.errors import InputError, Problem
from majlis.law import (
    Base,
    CandidateVotes,
    Constituency,
    ConstituencyResult,
    ConstituencyWoman,
    DivisorRule,
    DivisorSeries,
    Elected,
    Law,
    Ranking,
    Scope,
    SntvRule,
    VoteShare,
    allocate,
)

_NUMBER = re.compile(r"\s*(\d{1,9}(?:\.\d{1,9})?)\s*(%?)\s*")


def tolerance_of(text: str) -> audit.Tolerance:
    """A tolerance as people write it: N votes per list per station (`5`), or P % of the
    station's machine valid votes (`2%`)."""
    found = _NUMBER.fullmatch(text)
    if not found or (not found[2] and "." in found[1]):
        raise _refused("tolerance", f"{text!r}: give votes per list (5) or a percentage of "
                       "the station's valid votes (2%)")
    if found[2]:
        return audit.Tolerance(share=Fraction(found[1]) / 100)
    return audit.Tolerance(votes=int(found[1]))


def risk_limit_of(text: str) -> Fraction:
    """A risk limit as people write it: a fraction (0.05) or a percentage (5%), strictly
    between 0 and 1."""
    found = _NUMBER.fullmatch(text)
    limit = (Fraction(found[1]) / (100 if found[2] else 1)) if found else Fraction(-1)
    if not 0 < limit < 1:
        raise _refused("risk limit", f"{text!r}: give a risk limit between 0 and 1 (0.05) or "
                       "a percentage (5%)")
    return limit


def _refused(field: str, message: str) -> InputError:
    return InputError([Problem(source="audit", line=None, field=field, message=message)])


def _reported(store: tally.Store, machine: Mapping[str, tally.TallySheet], *,
              candidates: bool = False) -> dict[str, tally.TallySheet]:
    """Each counted station's reported figures: its machine's sheet where it has one, else its
    counted sheet — what a hand count is compared with."""
    return {sheet.station: machine.get(sheet.station) or sheet
            for sheet in tally.station_sheets(store, candidates=candidates)}


Genders = Mapping[tuple[str, str, str], str]  # (constituency, list, candidate) → "F" or "M"
CANDIDATE_COLUMNS = ("constituency", "list", "candidate", "gender")


def genders_of(text: str, source: str, constituencies: Collection[str] | None = None
               ) -> dict[tuple[str, str, str], str]:
    """A candidates file, `constituency,list,candidate,gender` (F or M), one candidate a row:
    what the audit of who sits needs beside the sheets, which carry votes but not genders. An
    SNTV entry counted as its own list (a tally's sheets) leaves `candidate` empty. Given the
    election's `constituencies`, a row naming another is refused (a misspelt name would
    otherwise leave its candidates out of the audit unseen)."""
    rows = csv.DictReader(io.StringIO(text))
    try:
        header = rows.fieldnames
    except csv.Error as error:
        raise InputError([Problem(source=source, line=1, field="header",
                                  message=f"not CSV: {error}")]) from None
    if header is None or not set(CANDIDATE_COLUMNS) <= set(header):
        raise InputError([Problem(source=source, line=1, field="header", message=(
            f"expected the columns {','.join(CANDIDATE_COLUMNS)}"))])
    found: dict[tuple[str, str, str], str] = {}
    problems = []
    line = 1
    try:
        for line, row in enumerate(rows, start=2):
            problem = _gender_problem(row, found, constituencies)
            if problem is not None:
                problems.append(Problem(source=source, line=line, field=problem[0],
                                        message=problem[1]))
    except csv.Error as error:
        problems.append(Problem(source=source, line=line + 1, field="row",
                                message=f"not CSV: {error}"))
    if problems:
        raise InputError(problems)
    return found


def _gender_problem(row: Mapping[str | None, object], found: dict[tuple[str, str, str], str],
                    constituencies: Collection[str] | None) -> tuple[str, str] | None:
    """A row's mistake as (field, message), else None with the row's gender kept in `found`."""
    constituency, list_name = str(row["constituency"] or ""), str(row["list"] or "")
    key = (constituency, list_name, str(row["candidate"] or list_name))
    gender = str(row["gender"] or "").strip().upper()
    if gender not in ("F", "M"):
        return "gender", f"{row['gender']!r} is not F or M"
    if not constituency or not list_name:
        return "constituency", "a candidate needs a constituency and a list"
    if constituencies is not None and constituency not in constituencies:
        return "constituency", f"{constituency!r}: no such constituency in this election"
    if key in found:
        return "candidate", f"{' / '.join(key)} appears twice"
    found[key] = gender
    return None


def regions_of(text: str, source: str) -> dict[str, str]:
    """The candidates file's optional `region` column: each constituency's region (Iraq 2021's
    governorate, over which a woman per constituency is counted), one for all its rows."""
    rows = csv.DictReader(io.StringIO(text))
    if rows.fieldnames is None or "region" not in rows.fieldnames:
        return {}
    found: dict[str, str] = {}
    problems = []
    for line, row in enumerate(rows, start=2):
        constituency, region = row["constituency"] or "", (row["region"] or "").strip()
        if region and found.setdefault(constituency, region) != region:
            problems.append(Problem(source=source, line=line, field="region", message=(
                f"{constituency} is in {found[constituency]} on an earlier row, {region} here")))
    if problems:
        raise InputError(problems)
    return found


def _totals(reported: Mapping[str, tally.TallySheet], places: Mapping[str, tally.Station]
            ) -> dict[str, dict[str, int]]:
    """Votes per list in each constituency, added up from the reported sheets."""
    totals: dict[str, dict[str, int]] = {}
    for code, sheet in reported.items():
        place = totals.setdefault(places[code].constituency, {})
        for list_name, n in sheet.votes.items():
            place[list_name] = place.get(list_name, 0) + n
    return totals


def compare_store(store: tally.Store, law: Law, tolerance: audit.Tolerance, *,
                  seed: str | None = None, per: audit.Stratum = audit.Stratum.CENTRE,
                  size: int = 1) -> tuple[audit.Comparison, list[str]]:
    """The store's hand counts (sheets of source manual) against its machines' sheets of the
    same stations, and — with the lot's `seed` — the drawn stations not yet hand-counted."""
    places = {s.code: s for s in store.stations()}
    machine = {s.station: s for s in tally.station_sheets(store, tally.Source.MACHINE)}
    hand = {s.station: s for s in tally.station_sheets(store, tally.Source.MANUAL)}
    totals = _totals(_reported(store, machine), places)
    counts = [audit.HandCount(station=code, centre=places[code].centre,
                              constituency=places[code].constituency,
                              machine=machine[code].votes, hand=hand[code].votes)
              for code in sorted(hand) if code in machine and code in places]
    result = audit.compare(counts, totals, law, tolerance)
    awaiting = [d.station for d in audit.select(places.values(), seed, stratum=per,
                                                size=size).stations
                if d.station not in hand] if seed is not None else []
    return result, awaiting


def comparison_report(result: audit.Comparison, awaiting: Sequence[str]) -> dict[str, object]:
    """The comparison as JSON: tolerance, stations, centres, constituencies, seats, awaiting."""
    def area(a: audit.AreaComparison) -> dict[str, object]:
        return {"constituency": a.constituency, "centre": a.centre, "stations": a.stations,
                "outside": a.outside, "within": a.within, "differences": dict(a.differences)}
    return {
        "tolerance": {"votes": result.tolerance.votes, "share": str(result.tolerance.share)},
        "stations": [{"station": s.station, "centre": s.centre, "constituency": s.constituency,
                      "machine_valid": s.machine_valid, "hand_valid": s.hand_valid,
                      "allowed": str(s.allowed), "within": s.within,
                      "differences": dict(s.differences)} for s in result.stations],
        "centres": [area(a) for a in result.centres],
        "constituencies": [area(a) for a in result.constituencies],
        "seats": {"machine": dict(result.machine_seats), "hand": dict(result.hand_seats),
                  "changes": [asdict(m) for m in result.changes]},
        "awaiting": list(awaiting),
    }


def _assertions(name: str, votes: Mapping[str, int], result: ConstituencyResult,
                law: Law) -> tuple[audit.Assertion, ...]:
    """The assertions implying a constituency's reported seats under the law's rule there."""
    rule = law.rule_for(name)
    if isinstance(rule, SntvRule):
        if any(n > 1 for n in result.seats.values()):
            raise InputError([Problem(source=name, line=None, field="seats", message=(
                "a list won two SNTV seats: the votes per list cannot say which candidates"))])
        return audit.plurality_assertions(name, votes, frozenset(
            p for p, n in result.seats.items() if n))
    if not isinstance(rule, DivisorRule) or not isinstance(rule.series, DivisorSeries):
        raise InputError([Problem(source="law", line=None, field="rule", message=(
            f"{name}: only divisor methods and SNTV are audited by assertions"))])
    share, exempt = _threshold(law, name)
    return audit.seat_assertions(name, votes, result.seats, series=rule.series,
                                 threshold=share, exempt=exempt)


def _threshold(law: Law, name: str) -> tuple[Fraction | None, frozenset[str]]:
    """The law's threshold as one share of a constituency's valid votes, or a clear refusal."""
    parts = [part for part, used in (("an upper tier", law.tier),
                                     ("surplus-vote agreements", law.agreements),
                                     ("a biproportional apportionment", law.biproportional),
                                     ("a mixed-member tier", law.mixed),
                                     ("a majority bonus", law.bonus)) if used is not None]
    t = law.threshold if name not in law.reserved else None
    condition = t.conditions[0] if t is not None and len(t.conditions) == 1 else None
    if t is not None and not (
            isinstance(condition, VoteShare) and condition.share is not None
            and condition.scope is Scope.CONSTITUENCY
            and condition.base in (Base.VALID, Base.LIST_VOTES)
            and not t.by_list and t.fallback is None):
        parts.append("a threshold other than one share of each constituency's valid votes")
    if parts:
        raise InputError([Problem(source="law", line=None, field="rla", message=(
            f"{name}: a law with {', '.join(parts)} decides a constituency's seats from more "
            "than its own votes; the audit's assertions do not cover it yet"))])
    if t is None or not isinstance(condition, VoteShare):
        return None, frozenset()
    return condition.share, frozenset(t.exempt)


@dataclass(frozen=True, slots=True, kw_only=True)
class Contest:
    """One constituency as the store reports it: its counted stations' sheets, the votes per
    list they add up to, and the assertions implying the seats the law gives them — under
    SNTV with the candidates' genders given, who sits, the women's rule included; under open
    lists, `candidates` adds who sits in each list, over the candidates' votes. A contest
    `among` several constituencies holds assertions over their ballots together (a quota woman
    of one above the women of another, Iraq 2021): its votes are keyed by `audit.pooled_key`."""

    name: str
    sheets: tuple[tally.TallySheet, ...]
    votes: Mapping[str, int]
    assertions: tuple[audit.Assertion, ...]
    candidates: tuple[audit.Assertion, ...] = ()
    among: tuple[str, ...] = ()
    seated: tuple[Elected, ...] = ()  # who sits, where the assertions audit it


def _contests(store: tally.Store, law: Law, only: Sequence[str] | None,
              genders: Genders | None = None, regions: Mapping[str, str] | None = None
              ) -> tuple[dict[str, tally.Station], list[Contest]]:
    """Every constituency asked for (all by default) with its reported sheets and assertions;
    given the candidates' `genders` (and, for a women's rule counted over regions, each
    constituency's region), who sits is audited too — with the contests over two
    constituencies' ballots that such a rule needs, asked for by name or by either
    constituency."""
    places = {s.code: s for s in store.stations()}
    named = genders is not None
    machine = {s.station: s for s in tally.station_sheets(store, tally.Source.MACHINE,
                                                          candidates=named)}
    reported = _reported(store, machine, candidates=named)
    totals = _totals(reported, places)
    election = law.election(totals)
    if genders is not None:
        election = replace(election, constituencies=tuple(
            replace(_named(c, law, reported, places, genders), region=(regions or {}).get(c.name))
            for c in election.constituencies))
    counts = {c.name: c.candidates for c in election.constituencies}
    results = allocate(election, law).constituencies
    shared = (_shared(election.constituencies, results, law)
              if named and isinstance(law.women, ConstituencyWoman) else {})
    pooled = {_pooled_name(among): among for among in shared if len(among) > 1}
    unknown = sorted(set(only or ()) - set(totals) - set(pooled))
    if unknown:
        raise InputError([Problem(source="rla", line=None, field="constituency", message=(
            f"{', '.join(unknown)}: no counted station there"))])
    out = []
    for result in results:
        if only and result.name not in only:
            continue
        sntv = isinstance(law.rule_for(result.name), SntvRule)
        who = shared[(result.name,)] if (result.name,) in shared else (
            audit.candidate_assertions(result, counts[result.name], law.women, sntv=sntv)
            if counts[result.name] and (sntv or law.ranking is Ranking.OPEN) else ())
        out.append(Contest(
            name=result.name,
            sheets=tuple(s for code, s in reported.items()
                         if places[code].constituency == result.name),
            votes=totals[result.name],
            assertions=who if sntv and who else _assertions(result.name, totals[result.name],
                                                            result, law),
            candidates=() if sntv else who, seated=result.elected if who else ()))
    for name, among in pooled.items():
        if not only or name in only or set(among) & set(only):
            out.append(Contest(
                name=name, among=among, assertions=shared[among],
                sheets=tuple(s for code, s in reported.items()
                             if places[code].constituency in among),
                votes={audit.pooled_key(c, p): n for c in among for p, n in totals[c].items()},
                seated=tuple(e for r in results if r.name in among for e in r.elected)))
    return places, out


def _shared(constituencies: Sequence[Constituency], results: Sequence[ConstituencyResult],
            law: Law) -> dict[tuple[str, ...], tuple[audit.Assertion, ...]]:
    """Who sits under a woman per constituency counted over its region: each region's
    assertions (`audit.region_assertions`), the region given for every general SNTV
    constituency with candidates."""
    general = [c for c in constituencies if c.candidates and c.name not in law.reserved
               and isinstance(law.rule_for(c.name), SntvRule)]
    missing = sorted(c.name for c in general if c.region is None)
    if missing:
        raise InputError([Problem(source="candidates", line=None, field="region", message=(
            f"{', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}: no region — the "
            "women's rule counts a woman per constituency over its region (the governorate): "
            "give the candidates file a region column"))])
    by_region: dict[str, list[str]] = {}
    for c in general:
        by_region.setdefault(c.region or c.name, []).append(c.name)
    counts = {c.name: c.candidates for c in general}
    out: dict[tuple[str, ...], tuple[audit.Assertion, ...]] = {}
    for names in by_region.values():
        out.update(audit.region_assertions([r for r in results if r.name in names], counts))
    return out


def _pooled_name(among: Sequence[str]) -> str:
    return f"{' & '.join(among)} (women)"


def _named(c: Constituency, law: Law, reported: Mapping[str, tally.TallySheet],
           places: Mapping[str, tally.Station], genders: Genders) -> Constituency:
    """The constituency with its candidates' votes from the sheets (under SNTV each entry is a
    candidate) and their genders from the candidates file (a candidate there with no vote
    on any sheet stands with none); a candidate without a gender is refused where the law's
    women's rule counts women."""
    votes: dict[tuple[str, str], int] = dict.fromkeys(
        ((p, x) for name, p, x in genders if name == c.name), 0)
    if isinstance(law.rule_for(c.name), SntvRule):
        votes = {(p, p): n for p, n in c.votes.items()}
    else:
        for code, sheet in reported.items():
            if places[code].constituency == c.name:
                for key, n in sheet.candidate_votes.items():
                    votes[key] = votes.get(key, 0) + n
    missing = sorted(f"{p} / {x}" for p, x in votes if (c.name, p, x) not in genders)
    if missing and law.women is not None and c.name not in law.reserved:
        raise InputError([Problem(source="candidates", line=None, field="gender", message=(
            f"{c.name}: no gender for {', '.join(missing[:5])}"
            + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            + " — the women's rule counts women"))])
    return replace(c, candidates=tuple(
        CandidateVotes(list=p, candidate=x, votes=n, gender=genders.get((c.name, p, x)))
        for (p, x), n in sorted(votes.items())))


Reading = Callable[[tally.TallySheet], audit.Batch]  # a sheet as one plan's batches count it
Seated = Mapping[str, Sequence[Elected]]  # a plan of who sits → the candidates it seats


def plan_store(store: tally.Store, law: Law, risk_limit: Fraction,
               only: Sequence[str] | None = None, *, genders: Genders | None = None,
               regions: Mapping[str, str] | None = None
               ) -> tuple[dict[str, tally.Station], list[audit.AuditPlan], dict[str, tuple[
                   Elected, ...]]]:
    """Every constituency's comparison audit (all, or those in `only`), from the reported
    sheets and the seats the law gives them; the stations by code; and who sits, by the plan
    that audits it. Given the candidates' `genders`, who sits is audited too: under SNTV in the
    constituency's own plan, under open lists in a plan of its own, `NAME (candidates)`, over
    the candidates' votes; under a woman per constituency counted over its region (`regions`),
    in plans `A & B (women)` over the ballots of two constituencies too."""
    places, plans, seated = _plans(store, law, risk_limit, only, genders, regions)
    return places, [p for p, _ in plans], seated


def _plans(store: tally.Store, law: Law, risk_limit: Fraction, only: Sequence[str] | None,
           genders: Genders | None, regions: Mapping[str, str] | None
           ) -> tuple[dict[str, tally.Station], list[tuple[audit.AuditPlan, Reading]],
                      dict[str, tuple[Elected, ...]]]:
    """The plans, each with how its batches read a sheet (a hand count's too), and who sits
    by the plan that audits it."""
    places, contests = _contests(store, law, only, genders, regions)
    seated = {(_candidates_plan(c.name) if c.candidates else c.name): c.seated
              for c in contests if c.seated}
    plans = []
    for c in contests:
        read: Reading = partial(_pooled_batch, places) if c.among else _batch
        plans.append((audit.plan_comparison(c.name, [read(s) for s in c.sheets], c.assertions,
                                            risk_limit), read))
        if c.candidates:
            plans.append((audit.plan_comparison(
                _candidates_plan(c.name), [_batch(s, named=True) for s in c.sheets],
                c.candidates, risk_limit), _named_batch))
    return places, plans, seated


def _candidates_plan(name: str) -> str:
    return f"{name} (candidates)"


def _batch(sheet: tally.TallySheet, *, named: bool = False, pool: str | None = None
           ) -> audit.Batch:
    """A sheet as the audit counts it: votes per list, or (`named`) per candidate; keyed by
    `audit.pooled_key` when the ballots of several constituencies are counted together (`pool`
    the sheet's own constituency)."""
    votes = ({audit.candidate_key(CandidateVotes(list=p, candidate=x, votes=n)): n
              for (p, x), n in sheet.candidate_votes.items()} if named else dict(sheet.votes))
    if pool is not None:
        votes = {audit.pooled_key(pool, key): n for key, n in votes.items()}
    return audit.Batch(station=sheet.station, ballots=sheet.cast, votes=votes)


def _named_batch(sheet: tally.TallySheet) -> audit.Batch:
    return _batch(sheet, named=True)


def _pooled_batch(places: Mapping[str, tally.Station], sheet: tally.TallySheet) -> audit.Batch:
    return _batch(sheet, pool=places[sheet.station].constituency)


def plan_report(risk_limit: Fraction, plans: Iterable[audit.AuditPlan],
                seated: Seated | None = None) -> dict[str, object]:
    """The plans as JSON: each constituency's assertions, margins and sample sizes; and, for a
    plan of who sits, the candidates seated (`list / candidate`) and how (`votes`, `women's
    quota`)."""
    def who(name: str) -> dict[str, object]:
        if seated is None or name not in seated:
            return {}
        return {"seated": [{"candidate": audit.candidate_key(e.candidate), "via": e.via}
                           for e in seated[name]]}
    return {"risk_limit": str(risk_limit), "constituencies": [
        {"constituency": a.constituency, "stations": a.stations, "ballots": a.ballots,
         "sample_size": a.sample_size, **who(a.constituency),
         "assertions": [{"assertion": p.assertion.describe(), "kind": p.assertion.kind.value,
                         "winner": p.assertion.winner, "loser": p.assertion.loser,
                         "margin": str(p.margin), "margin_float": float(p.margin),
                         "sample_size": p.sample_size} for p in a.assertions]}
        for a in plans]}


def measure_store(store: tally.Store, law: Law, risk_limit: Fraction, seed: str,
                  only: Sequence[str] | None = None, *, genders: Genders | None = None,
                  regions: Mapping[str, str] | None = None) -> list[audit.Measurement]:
    """The sequential test over the store's hand counts, in the order of the lot of `seed`
    over each plan's stations (a constituency's candidates' plan in the same order; a plan
    over two constituencies in the lot's order of both, so their hand counts serve it too)."""
    places, plans, _ = _plans(store, law, risk_limit, only, genders, regions)
    sheets = tally.station_sheets(store, tally.Source.MANUAL, candidates=genders is not None)
    results = []
    for p, read in plans:
        counted = {b.station for b in p.batches}
        lot = audit.select((places[c] for c in counted), seed,
                           stratum=audit.Stratum.ALL, size=len(counted))
        results.append(audit.measure_comparison(
            p, [d.station for d in lot.stations],
            {s.station: read(s) for s in sheets if s.station in counted}))
    return results


def measurement_report(risk_limit: Fraction, seed: str,
                       results: Iterable[audit.Measurement]) -> dict[str, object]:
    """The measurements as JSON: each constituency's status and each assertion's risk."""
    return {"risk_limit": str(risk_limit), "seed": seed, "constituencies": [
        {"constituency": m.constituency, "status": m.status.value, "stations": m.stations,
         "measured": m.measured, "target": m.target, "awaiting": m.awaiting,
         "problems": list(m.problems),
         "assertions": [{"assertion": a.plan.assertion.describe(), "status": a.status.value,
                         "risk": a.risk, "overstated": a.overstated, "target": a.target}
                        for a in m.assertions]} for m in results]}


@dataclass(frozen=True, slots=True, kw_only=True)
class PollingAudit:
    """A ballot-polling audit of one constituency: the ballots reported (votes per list or
    candidate, and invalid), each assertion's plan and, once ballots are drawn, its test;
    `also`, the contests over this and another constituency's ballots that who sits here
    rests on too (each polled by its own name)."""

    constituency: str
    votes: Mapping[str, int]
    invalid: int
    seed: int
    plans: tuple[audit.PollingPlan, ...]
    drawn: int
    measures: tuple[audit.PollingMeasure, ...]
    also: tuple[str, ...] = ()


def poll_store(store: tally.Store, law: Law, risk_limit: Fraction, constituency: str, *,
               seed: int = 0, drawn: Sequence[str | None] | None = None,
               genders: Genders | None = None, regions: Mapping[str, str] | None = None
               ) -> PollingAudit:
    """A ballot-polling audit of `constituency` from its counted sheets: the ballots to draw
    for each assertion (simulated with `seed`), and — given the ballots `drawn` so far, each
    the list or candidate it is for (`list / candidate` under open lists) or None if invalid —
    the test over them. With the candidates' `genders`, who sits is polled too: under SNTV the
    assertions are who sits, the women's rule included; under open lists the candidates'
    assertions are polled beside the lists' over the same ballots, a ballot without a
    candidate counting for none. A contest over two constituencies' ballots (`A & B (women)`)
    is polled by its name, its ballots drawn from both and read `constituency › candidate`."""
    _, contests = _contests(store, law, [constituency], genders, regions)
    (contest,) = [c for c in contests if c.name == constituency]
    invalid = sum(s.invalid for s in contest.sheets)
    named: dict[str, int] = {}
    lists: dict[str, str] = {}  # a candidate's key → the list a ballot for them is for
    if contest.candidates:
        for sheet in contest.sheets:
            for (p, x), n in sheet.candidate_votes.items():
                key = audit.candidate_key(CandidateVotes(list=p, candidate=x, votes=n))
                named[key], lists[key] = named.get(key, 0) + n, p
    unknown = sorted({c for c in drawn or () if c is not None} - set(contest.votes) - set(named))
    if unknown:
        raise InputError([Problem(source="polling", line=None, field="ballots", message=(
            f"{', '.join(unknown)}: not standing in {constituency}"))])
    rng = np.random.default_rng(seed)
    unnamed = sum(contest.votes.values()) + invalid - sum(named.values())
    plans = audit.plan_polling(contest.assertions, contest.votes, invalid, risk_limit, rng)
    if contest.candidates:
        plans += audit.plan_polling(contest.candidates, named, unnamed, risk_limit, rng)
    measures: tuple[audit.PollingMeasure, ...] = ()
    if drawn is not None:
        measures = audit.measure_polling(contest.assertions, contest.votes, invalid,
                                         [lists.get(c, c) if c else c for c in drawn],
                                         risk_limit)
        if contest.candidates:
            measures += audit.measure_polling(contest.candidates, named, unnamed,
                                              [c if c in named else None for c in drawn],
                                              risk_limit)
    return PollingAudit(constituency=constituency, votes=dict(contest.votes), invalid=invalid,
                        seed=seed, plans=plans, drawn=len(drawn or ()), measures=measures,
                        also=tuple(c.name for c in contests if constituency in c.among))


def polling_report(risk_limit: Fraction, found: PollingAudit) -> dict[str, object]:
    """A ballot-polling audit as JSON."""
    tested: Sequence[audit.PollingMeasure | None] = found.measures or [None] * len(found.plans)
    return {"risk_limit": str(risk_limit), "constituency": found.constituency,
            "seed": found.seed, "ballots": sum(found.votes.values()) + found.invalid,
            "invalid": found.invalid, "drawn": found.drawn, "also": list(found.also),
            "assertions": [
                {"assertion": p.assertion.describe(), "kind": p.assertion.kind.value,
                 "winner": p.assertion.winner, "loser": p.assertion.loser,
                 "margin": str(p.margin), "margin_float": float(p.margin),
                 "sample_size": p.sample_size,
                 "status": m.status.value if m else None, "risk": m.risk if m else None}
                for p, m in zip(found.plans, tested, strict=True)]}


def examine_store(store: tally.Store, *, seed: int = 0, nights: int = 20,
                  alpha: float = 0.05, station_rate: float = 0.001) -> audit.Forensics:
    """Forensics on the store's counted sheets, calibrated on `nights` simulated clean nights
    drawn from `seed`."""
    places = {s.code: s for s in store.stations()}
    return audit.forensics(
        (audit.StationResult(station=s.station, centre=places[s.station].centre,
                             constituency=places[s.station].constituency,
                             voting_type=places[s.station].voting_type.value,
                             registered=places[s.station].registered, cast=s.cast,
                             invalid=s.invalid, votes=s.votes)
         for s in tally.station_sheets(store) if s.station in places),
        seed=seed, nights=nights, alpha=alpha, station_rate=station_rate)


def forensics_report(report: audit.Forensics) -> dict[str, object]:
    """The forensics as JSON, field for field as `audit.Forensics` holds it; a figure that is
    not a finite number (a test with nothing to measure) is null, as JSON has no NaN."""
    def finite(value: object) -> object:
        if isinstance(value, float):
            return value if math.isfinite(value) else None
        if isinstance(value, dict):
            return {k: finite(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [finite(v) for v in value]
        return value
    found = finite(asdict(report))
    assert isinstance(found, dict)
    return found
