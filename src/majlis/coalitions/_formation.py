"""Forming a government: who is the largest bloc, and can a coalition fill the top posts.

Iraq's Federal Supreme Court (25/Federal/2010) read article 76's "largest bloc" as either the
list that won most seats or the coalition that is largest at the Council's first session, so
both are reported. The top posts go by convention, not law, to communities (the Prime Minister
Shia, the President Kurdish, the Speaker Sunni); here that convention is data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ._game import Game


@dataclass(frozen=True, slots=True, kw_only=True)
class LargestBloc:
    """Both readings of the largest bloc; `lists` names every list tied at the top."""

    lists: tuple[str, ...]
    list_seats: int
    coalition: str | None
    coalition_seats: int
    coalition_members: frozenset[str]


def largest_bloc(game: Game, declared: Mapping[str, frozenset[str]] | None = None
                 ) -> LargestBloc:
    """The list with most seats, and the largest coalition among those `declared` at the first
    session (name → member lists)."""
    top = max(game.seats.values(), default=0)
    blocs = sorted((declared or {}).items(), key=lambda b: (-game.weight(b[1]), b[0]))
    name, members = blocs[0] if blocs else (None, frozenset[str]())
    return LargestBloc(lists=tuple(sorted(p for p, s in game.seats.items() if s == top)),
                       list_seats=top, coalition=name, coalition_seats=game.weight(members),
                       coalition_members=members)


@dataclass(frozen=True, slots=True, kw_only=True)
class Post:
    """A post and the communities from which, by convention, its holder comes."""

    name: str
    communities: frozenset[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class PostCheck:
    """Which members of the coalition could take the post; empty means the coalition cannot
    honour the convention for it."""

    post: Post
    eligible: tuple[str, ...]

    @property
    def filled(self) -> bool:
        return bool(self.eligible)


def check_posts(coalition: frozenset[str], posts: tuple[Post, ...],
                communities: Mapping[str, str]) -> tuple[PostCheck, ...]:
    """For each post, the coalition's members of an eligible community."""
    return tuple(
        PostCheck(post=post, eligible=tuple(sorted(
            p for p in coalition if communities.get(p) in post.communities)))
        for post in posts)


IRAQ_POSTS = (
    Post(name="Prime Minister", communities=frozenset({"Shia"})),
    Post(name="President", communities=frozenset({"Kurdish"})),
    Post(name="Speaker", communities=frozenset({"Sunni"})),
)
