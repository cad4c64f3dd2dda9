"""majlis's plurality (SNTV) sample sizes against an independent implementation: rlacalc
(Neal McBurnett's calculator of the Berkeley papers — BRAVO's ballot-polling risk and
Kaplan–Markov's comparison sample size), a test-only oracle. majlis runs ALPHA, not BRAVO or
Kaplan–Markov, so each test states the relation it checks and why it must hold."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import rlacalc

from majlis import audit, replay
from majlis.audit._alpha import Bet, log_statistic
from majlis.audit._polling import assorter_values

ALPHA = Fraction(1, 20)
PLAN = replay.plan("iraq-2025")
SEATS = {t.name: t for t in PLAN.constituencies if t.name in PLAN.reserved}


def top_two(name: str) -> tuple[dict[str, int], int, str, str]:
    """A reserved seat's reported votes, invalid ballots, winner and runner-up."""
    contest = SEATS[name]
    votes = dict(contest.votes)
    winner, runner = sorted(votes, key=lambda c: votes[c], reverse=True)[:2]
    return votes, contest.invalid, winner, runner


@pytest.mark.parametrize("name", ["Christian (Baghdad)", "Yazidi (Nineveh)", "Feyli (Wasit)"])
def test_alpha_betting_the_reported_share_is_bravo(name: str) -> None:
    """ALPHA with its bet held at the reported share s = w ÷ (w + l) of the two candidates, over
    a population so large that a draw does not move the null's mean from 1/2, is BRAVO: a
    ballot for the winner multiplies T by 2s, one for the loser by 2(1 − s), any other by 1 —
    so T after each draw is exactly 1 ÷ rlacalc's BRAVO risk level for the same ballots (to
    rounding), and the plurality assorter's values are what BRAVO counts."""
    votes, invalid, winner, runner = top_two(name)
    (assertion,) = [a for a in audit.plurality_assertions(name, votes, frozenset({winner}))
                    if a.loser == runner]
    share = votes[winner] / (votes[winner] + votes[runner])
    cast = sum(votes.values()) + invalid
    rng = np.random.default_rng(19)
    choices = [*votes, None]
    weights = np.array([*votes.values(), invalid], dtype=np.float64)
    drawn = [choices[i] for i in rng.choice(len(choices), size=300, p=weights / cast)]
    log_t = log_statistic(assorter_values(assertion, drawn), 10**15, 1.0,
                          Bet(eta0=share, d=1e18, c=0.0))
    for n in (1, 10, 50, 120, 300):
        w = sum(c == winner for c in drawn[:n])
        lost = sum(c == runner for c in drawn[:n])
        risk = rlacalc.ballot_polling_risk_level(votes[winner], votes[runner], w, lost)
        assert log_t[n - 1] == pytest.approx(-math.log(risk), rel=1e-9, abs=1e-9)


def bravo_sizes(votes: dict[str, int], invalid: int, winner: str, runner: str,
                rng: np.random.Generator, trials: int) -> list[int]:
    """BRAVO's sample size in `trials` random orders of the reported ballots: the first draw
    at which rlacalc's risk level is at most α (checked there, and above α one draw before)."""
    w, lost = votes[winner], votes[runner]
    ballots = np.array([1] * w + [0] * lost + [2] * (sum(votes.values()) + invalid - w - lost))
    s = w / (w + lost)
    sizes = []
    for _ in range(trials):
        order = rng.permutation(ballots)
        wins, losses = np.cumsum(order == 1), np.cumsum(order == 0)
        log_t = wins * math.log(2 * s) + losses * math.log(2 * (1 - s))
        n = int(np.flatnonzero(log_t >= -math.log(ALPHA))[0]) + 1
        assert rlacalc.ballot_polling_risk_level(w, lost, int(wins[n - 1]),
                                                 int(losses[n - 1])) <= ALPHA * (1 + 1e-9)
        assert n == 1 or rlacalc.ballot_polling_risk_level(
            w, lost, int(wins[n - 2]), int(losses[n - 2])) > ALPHA
        sizes.append(n)
    return sizes


@pytest.mark.parametrize("name", ["Christian (Baghdad)", "Yazidi (Nineveh)",
                                  "Sabean-Mandaean (Baghdad)", "generated"])
def test_polling_sample_sizes_are_bravos_within_a_third(name: str) -> None:
    """The ballots majlis plans to draw (the 90th percentile of simulated audits) for the
    tightest pair of a reserved seat (and of a generated three-candidate contest) are within
    0.75 and 1.5 times BRAVO's 90th percentile in the same simulation, BRAVO's stopping rule
    being rlacalc's risk level. Not equal: BRAVO bets the reported share all along — Wald's
    sequential test, the best there is when the reported shares are right, as here — while
    ALPHA's bet starts there and moves toward the shares drawn, paying a little for what makes
    it safe when they are wrong; and ALPHA draws without replacement, which helps it in a small
    contest. Measured: 0.9–1.3 across the nine reserved seats. Well below 0.75 would be an
    audit stopping before the evidence is in."""
    if name == "generated":
        votes, invalid = {"a": 2300, "b": 1900, "c": 700}, 100
        winner, runner = "a", "b"
    else:
        votes, invalid, winner, runner = top_two(name)
    (assertion,) = [a for a in audit.plurality_assertions(name, votes, frozenset({winner}))
                    if a.loser == runner]
    (plan,) = audit.plan_polling([assertion], votes, invalid, ALPHA,
                                 np.random.default_rng(1), trials=200)
    bravo = np.quantile(bravo_sizes(votes, invalid, winner, runner,
                                    np.random.default_rng(2), 200), 0.9)
    assert plan.sample_size is not None
    print(f"{name}: majlis {plan.sample_size}, BRAVO {bravo:.0f} ballots "
          f"(margin {float(plan.margin):.3f})")
    assert 0.75 * bravo <= plan.sample_size <= 1.5 * bravo


@pytest.mark.parametrize(("margin", "ballots"), [(2, 5000), (5, 4000), (10, 2000), (20, 1000),
                                                 (40, 1000)])
def test_comparison_sample_sizes_are_bounded_by_kaplan_markov(margin: int, ballots: int) -> None:
    """A comparison audit of stations of one ballot each is a ballot-level comparison audit
    (SHANGRLA's CVR assorter: a ballot counted right takes 1 ÷ (2 − v)). With every ballot right,
    no test can need fewer than ln(1/α) ÷ ln(2 ÷ (2 − v)) ballots — the most a right ballot can
    multiply T by is 2ξ — which is Kaplan–Markov's with γ → 1; rlacalc's `nmin` at γ = 1.03905
    (Stark's default) is a little above it. majlis needs more, but at most 2.5 times `nmin`:
    its bet sits halfway between a right ballot's value and the upper bound, so that one ballot
    overstating by two votes cuts T by less than half instead of to nothing — bought with about
    twice the sample at small margins, less at large ones (measured 2.3 at 2 %, 1.4 at 40 %)."""
    w = ballots * (100 + margin) // 200
    batches = [audit.Batch(station=f"S{i:05d}", ballots=1, votes={"a": 1} if i < w else {"b": 1})
               for i in range(ballots)]
    assertions = audit.plurality_assertions("C", {"a": w, "b": ballots - w}, frozenset({"a"}))
    plan = audit.plan_comparison("C", batches, assertions, ALPHA)
    (p,) = plan.assertions
    v = float(p.margin)
    assert p.clean == 1 / (2 - p.margin)
    least = math.log(1 / float(ALPHA)) / math.log(2 / (2 - v))
    km = rlacalc.nmin(float(ALPHA), 1.03905, v)
    print(f"margin {margin} %: majlis {plan.sample_size}, Kaplan–Markov {km:.0f}, "
          f"least {least:.1f}")
    assert least <= km and least <= plan.sample_size <= 2.5 * km
