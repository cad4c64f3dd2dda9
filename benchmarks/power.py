"""How fast coalition arithmetic is: exact power indices, projections, minimal winning
coalitions — with the powerindex package timed beside the exact indices in the same run (it has
Banzhaf and Shapley–Shubik, not Deegan–Packel, Holler or Johnston)."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from majlis.coalitions import Game, expected_power, minimal_power, minimal_winning, power

try:
    import powerindex
except ImportError:  # the peer is a test dependency
    powerindex = None


def best(run: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def seats(rng: np.random.Generator, lists: int, house: int) -> dict[str, int]:
    """A fragmented house: a few large lists, a long tail, every list with a seat."""
    shares = rng.dirichlet(np.full(lists, 0.6))
    table = rng.multinomial(house - lists, shares) + 1
    return {f"L{i:03d}": int(s) for i, s in enumerate(table)}


def peer(name: str, ours: float, game: Game) -> None:
    print(f"{name}: {ours * 1000:.2f} ms")
    if powerindex is None:
        return
    weights = list(game.seats.values())

    def theirs() -> None:
        g = powerindex.Game(game.quota, weights=weights)
        g.calc_banzhaf()
        g.calc_shapley_shubik()

    other = best(theirs, repeat=3)
    print(f"{name} powerindex: {other * 1000:.2f} ms")
    print(f"{name} ratio powerindex/majlis: {other / ours:.1f} x")


def minimal(name: str, game: Game, repeat: int) -> None:
    """Deegan–Packel, Holler and Johnston together; no peer has them."""
    found: list[int] = []
    elapsed = best(lambda: found.append(minimal_power(game).minimal_winning), repeat)
    print(f"deegan-packel+holler+johnston {name}: {elapsed * 1000:.2f} ms")
    print(f"minimal winning coalitions counted {name}: {found[-1]} count")


def main() -> None:
    rng = np.random.default_rng(2025)
    house = Game.of(seats(rng, 40, 329))
    peer("banzhaf+shapley 40 parties 329 seats", best(lambda: power(house)), house)
    big = Game.of(seats(rng, 100, 10_000))
    peer("banzhaf+shapley 100 players weight 10000", best(lambda: power(big), 3), big)
    minimal("40 parties 329 seats", house, 5)
    minimal("100 players weight 10000", big, 1)

    names = tuple(f"L{i:02d}" for i in range(20))
    base = np.array(list(seats(rng, 20, 329).values()))
    draws = np.array([rng.multinomial(329, base / base.sum()) for _ in range(10_000)])
    start = time.perf_counter()
    result = expected_power(names, draws)
    elapsed = time.perf_counter() - start
    print(f"expected power 10000 draws 20 parties: {elapsed:.2f} s")
    print(f"expected power distinct seat tables: {result.distinct} of 10000")

    table = Game.of(dict(sorted(seats(rng, 25, 329).items(), key=lambda x: -x[1])))
    listed: list[int] = []
    elapsed = best(lambda: listed.append(len(minimal_winning(table))), 3)
    print(f"minimal winning coalitions 25 parties: {elapsed:.2f} s")
    print(f"minimal winning coalitions found: {listed[-1]} count")


if __name__ == "__main__":
    main()
