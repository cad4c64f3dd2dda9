"""The `majlis allocate` contract: output shape, exit codes, and one message per problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commands import majlis

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def write(path: Path, text: str, *, bom: bool = False, crlf: bool = False) -> Path:
    if crlf:
        text = text.replace("\n", "\r\n")
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def test_demo_allocation_prints_published_kurdistan_seats_sorted() -> None:
    run = majlis("allocate", "iraq-2025-kurdistan", "--law", "iraq-2025", "--totals")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "district,party,votes,seats"
    assert lines[1:3] == ["Dohuk,Kurdistan Democratic Party,413890,9",
                          "Dohuk,Kurdistan Islamic Union,72986,2"]
    assert "Erbil,Patriotic Union of Kurdistan,97411,3" in lines
    assert "*,Kurdistan Democratic Party,852448,20" in lines
    body = [line.split(",") for line in lines[1:] if not line.startswith("*")]
    assert body == sorted(body, key=lambda r: (r[0], -int(r[3]), r[1]))
    assert len(body) == 26  # one row per input (district, party)


def test_arabic_names_bom_crlf_and_seats_from_the_law(tmp_path: Path) -> None:
    votes = write(tmp_path / "votes.csv",
                  "district,party,votes\nبغداد,ائتلاف الإعمار والتنمية,411300\n"
                  "بغداد,تقدم,277416\n", bom=True, crlf=True)
    law = write(tmp_path / "law.toml",
                '[allocation]\nmethod = "sainte-lague"\nfirst_divisor = 1.7\n'
                '[districts]\n"بغداد" = 5\n')
    run = majlis("allocate", votes, "--law", law, "--format", "json", "--seed", "3")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["seed"] == 3
    assert result["totals"] == {"ائتلاف الإعمار والتنمية": 3, "تقدم": 2}
    (baghdad,) = result["constituencies"]
    assert baghdad["last_seat"]["list"] in result["totals"]
    assert {m["list"]: m["to_gain"] for m in baghdad["margins"]}["تقدم"] > 0


def test_sntv_with_candidates(tmp_path: Path) -> None:
    """Iraq 2021: the district's woman takes the seat of its least-voted seated man — and
    without the candidates' genders the count is refused rather than made as if all were men."""
    rows = "Basra 1,A,a1,900,M\nBasra 1,A,a2,100,M\nBasra 1,B,b1,400,M\nBasra 1,C,c1,350,F\n"
    districts = write(tmp_path / "d.csv", "district,seats\nBasra 1,2\n")
    votes = write(tmp_path / "v.csv", "district,party,candidate,votes,gender\n" + rows)
    run = majlis("allocate", votes, "--law", "iraq-2021", "--districts", districts)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[1:] == ["Basra 1,A,1000,1", "Basra 1,C,350,1",
                                           "Basra 1,B,400,0"]
    bare = write(tmp_path / "bare.csv", "district,party,candidate,votes\n" + "".join(
        line.rsplit(",", 1)[0] + "\n" for line in rows.splitlines()))
    run = majlis("allocate", bare, "--law", "iraq-2021", "--districts", districts)
    assert run.returncode == 2
    assert "law: women: Basra 1: the women's rule may give a man's seat to a woman, and some " \
        "of their candidates have no gender" in run.stderr, run.stderr


@pytest.mark.parametrize(("votes", "expected"), [
    ("district,party,votes\nX,A,-5\nX,B,1.5\nX,C,\n",
     ["votes.csv:2: votes: -5 is negative", "votes.csv:3: votes: '1.5' is not a whole number",
      "votes.csv:4: votes: missing"]),
    ("district,party,votes\nX,A,5\nX,A,6\n", ["votes.csv:3: district,party: duplicate of line 2"]),
    ("district,list,votes\nX,A,5\n", ["votes.csv:1: header: expected district,party,votes"]),
    ("", ["votes.csv:1: header: file is empty"]),
    ("district,party,votes\nNowhere,A,5\n", ["votes.csv:2: district: 'Nowhere' has no seats"]),
])
def test_bad_votes_exit_2_with_one_line_per_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, votes: str, expected: list[str]
) -> None:
    write(tmp_path / "votes.csv", votes)
    districts = write(tmp_path / "districts.csv", "district,seats\nX,3\n")
    law = write(tmp_path / "law.toml", '[allocation]\nmethod = "dhondt"\n')
    monkeypatch.chdir(tmp_path)
    run = majlis("allocate", "votes.csv", "--law", law, "--districts", districts)
    assert run.returncode == 2
    lines = run.stderr.splitlines()
    assert len(lines) == len(expected)
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start), line


def test_bad_law_and_districts_name_file_line_and_field(tmp_path: Path) -> None:
    votes = write(tmp_path / "votes.csv", "district,party,votes\nX,A,5\n")
    law = write(tmp_path / "law.toml",
                '[allocation]\nmethod = "dhondt"\ncolour = "red"\n'
                '[threshold]\npercent = 140\n')
    run = majlis("allocate", votes, "--law", law)
    assert run.returncode == 2
    assert f"{law}:3: allocation.colour: unknown key" in run.stderr
    assert f"{law}:5: threshold.percent:" in run.stderr
    law.write_text('[allocation]\nmethod = "borda"\n', encoding="utf-8")
    run = majlis("allocate", votes, "--law", law)
    assert run.returncode == 2 and "unknown method 'borda'" in run.stderr
    law.write_text('[allocation]\nmethod = "dhondt"\n', encoding="utf-8")
    districts = write(tmp_path / "d.csv", "district,seats\nX,0\n")
    run = majlis("allocate", votes, "--law", law, "--districts", districts)
    assert run.returncode == 2
    assert f"{districts}:2: seats: a constituency needs at least one seat" in run.stderr


def test_every_list_below_threshold_is_an_allocation_error(tmp_path: Path) -> None:
    votes = write(tmp_path / "votes.csv", "district,party,votes\nX,A,5\nX,B,5\n")
    law = write(tmp_path / "law.toml",
                '[allocation]\nmethod = "dhondt"\n[threshold]\npercent = 60\n[districts]\nX = 2\n')
    run = majlis("allocate", votes, "--law", law)
    assert run.returncode == 1
    assert "X: no list qualifies" in run.stderr


def test_compensatory_seats_come_out_as_rows_of_the_tier(tmp_path: Path) -> None:
    votes = write(tmp_path / "v.csv", "district,party,votes\nNorth,A,5000\nNorth,B,4000\n"
                  "North,N,1200\nSouth,A,6000\nSouth,B,1000\nSouth,N,800\n")
    law = write(tmp_path / "law.toml", '[allocation]\nmethod = "dhondt"\n'
                '[tier]\nkind = "compensatory"\nname = "national"\nseats = 2\nquota_seats = 10\n'
                '[districts]\nNorth = 4\nSouth = 4\n')
    run = majlis("allocate", votes, "--law", law, "--totals")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "national,A,11000,1" in lines and "national,N,2000,1" in lines
    assert lines[-3:] == ["*,A,11000,7", "*,B,5000,2", "*,N,2000,1"]


def test_table_names_the_last_seat_and_who_was_next(tmp_path: Path) -> None:
    run = majlis("allocate", "iraq-2005-jan", "--law", "iraq-2005-jan", "--format", "table")
    assert run.returncode == 0, run.stderr
    assert "last seat: National Independent Elites and Cadres Party" in run.stdout
    assert "next in line: Communist Party (People's Union)" in run.stdout


def test_elected_candidates_with_the_women_quota(tmp_path: Path) -> None:
    votes = write(tmp_path / "v.csv", "district,party,candidate,votes,gender\n"
                  "Erbil,A,a1,900,M\nErbil,A,a2,800,M\nErbil,A,a3,700,M\nErbil,A,a4,600,M\n"
                  "Erbil,A,af,50,F\nErbil,B,b1,400,M\n")
    law = write(tmp_path / "law.toml", 'extends = "iraq-2025"\n[districts]\nErbil = 4\n')
    run = majlis("allocate", votes, "--law", law, "--elected")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "district,party,candidate,votes,gender,via,displaced",
        "Erbil,A,a1,900,M,votes,", "Erbil,A,a2,800,M,votes,", "Erbil,A,a3,700,M,votes,",
        "Erbil,A,af,50,F,women's quota,a4"]  # A wins all 4 seats (1.7 keeps B out)
    bad = write(tmp_path / "bad.csv", "district,party,candidate,votes,gender\nErbil,A,a1,9,X\n")
    run = majlis("allocate", bad, "--law", law)
    assert run.returncode == 2 and "bad.csv:2: gender: 'X' is not F or M" in run.stderr


def test_lists_file_gives_attributes_the_law_reads_and_names_what_is_not_in_the_votes(
        tmp_path: Path) -> None:
    world = ROOT / "src" / "majlis" / "data" / "world"
    args = ("allocate", world / "slovakia2023_votes.csv", "--law",
            EXAMPLES / "laws" / "slovakia-nrsr.toml",
            "--districts", world / "slovakia2023_districts.csv")
    run = majlis(*args, "--lists", world / "slovakia2023_lists.csv")
    assert run.returncode == 0, run.stderr
    assert "Slovakia,OĽaNO,264137,16" in run.stdout.splitlines()
    lists = write(tmp_path / "lists.csv", "party,members\nOLaNO,3\n")
    run = majlis(*args, "--lists", lists)
    assert run.returncode == 2
    assert run.stderr.splitlines() == [f"{lists}:2: party: 'OLaNO' is not a list in "
                                       f"{world / 'slovakia2023_votes.csv'}"]


def bundled_world(election: str, law: str) -> tuple[str | Path, ...]:
    """`majlis allocate` on a bundled world election's votes, districts and lists files."""
    world = ROOT / "src" / "majlis" / "data" / "world"
    return ("allocate", world / f"{election}_votes.csv", "--law", EXAMPLES / "laws" / law,
            "--districts", world / f"{election}_districts.csv",
            "--lists", world / f"{election}_lists.csv")


def test_agreements_from_the_lists_file_are_explained_in_json_and_tables() -> None:
    args = bundled_world("israel2022", "israel-knesset.toml")
    run = majlis(*args)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[1] == "Israel,Likud,1115336,32"
    out = json.loads(majlis(*args, "--format", "json").stdout)
    (israel,) = out["constituencies"]
    likud = next(g for g in israel["agreements"] if "Likud" in g["lists"])
    assert (likud["lists"], likud["votes"], likud["seats"], likud["split"]) == (
        ["Likud", "Religious Zionism"], 1631806, 46, {"Likud": 32, "Religious Zionism": 14})
    assert [a["list"] for a in likud["awards"]][-1] == "Likud"
    assert israel["last_seat"]["list"] == "Likud + Religious Zionism"
    table = majlis(*args, "--format", "table").stdout
    assert "Israel — surplus-vote agreements" in table and "1,631,806" in table


def test_magnitudes_apportioned_by_population_show_in_json_and_the_table(tmp_path: Path) -> None:
    law = write(tmp_path / "law.toml", '[allocation]\nmethod = "dhondt"\n[apportionment]\n'
                'method = "hare"\nbasis = "population"\nseats = 10\nminimum = 1\n')
    votes = write(tmp_path / "votes.csv",
                  "district,party,votes\nNorth,X,600\nNorth,Y,400\nSouth,X,120\nSouth,Y,300\n")
    districts = write(tmp_path / "districts.csv", "district,population\nNorth,7000\nSouth,1000\n")
    # One each, then 8 by Hare quotas of 8000/8 = 1000: North 7, South 1.
    run = majlis("allocate", votes, "--law", law, "--districts", districts, "--format", "json")
    assert run.returncode == 0, run.stderr
    shown = {c["name"]: c["magnitude"] for c in json.loads(run.stdout)["constituencies"]}
    assert shown == {"North": 8, "South": 2}
    table = majlis("allocate", votes, "--law", law, "--districts", districts, "--format", "table")
    assert "North — 8 seats" in table.stdout and "South — 2 seats" in table.stdout
    given = write(tmp_path / "given.csv", "district,seats\nNorth,5\nSouth,5\n")
    refused = majlis("allocate", votes, "--law", law, "--districts", given)
    assert refused.returncode == 2
    assert f"{given}:1: seats: the law apportions the seats" in refused.stderr


def test_a_mixed_member_count_shows_wins_list_seats_overhang_and_the_house() -> None:
    args = bundled_world("newzealand2008", "new-zealand-mmp.toml")
    run = majlis(*args)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "district,party,votes,seats,wins,list_seats,overhang"
    assert "New Zealand,Māori Party,55980,5,5,0,2" in lines
    assert "New Zealand,National Party,1053398,58,41,17,0" in lines
    (nz,) = json.loads(majlis(*args, "--format", "json").stdout)["constituencies"]
    mixed = nz["mixed"]
    assert (mixed["overhang_rule"], mixed["seats"], mixed["house"]) == ("kept", 120, 122)
    assert (mixed["entitlement"]["Māori Party"], mixed["overhang"]) == (3, {"Māori Party": 2})
    table = majlis(*args, "--format", "table").stdout
    assert "New Zealand — mixed-member count" in table
    assert "house: 122 seats; 120 + 2 overhang kept" in table
    plain = majlis(*bundled_world("israel2022", "israel-knesset.toml"), "--format", "json")
    assert json.loads(plain.stdout)["constituencies"][0]["mixed"] is None


def test_biproportional_stages_are_explained_in_json_and_tables() -> None:
    world = ROOT / "src" / "majlis" / "data" / "world"
    args = ("allocate", world / "zurich2018_votes.csv", "--law",
            EXAMPLES / "laws" / "zurich-city-council.toml",
            "--districts", world / "zurich2018_districts.csv")
    run = majlis(*args, "--format", "json")
    assert run.returncode == 0, run.stderr
    bp = json.loads(run.stdout)["biproportional"]
    assert bp["upper"]["SP"] == 43 and bp["weights"]["SP"]["exact"] == "32892"
    assert bp["seats"]["11"]["EVP/BDP"] == 2
    assert bp["list_divisors"]["SP"]["exact"] == "1"
    assert set(bp["constituency_divisors"]) == {"1+2", "3", "4+5", "6", "7+8", "9", "10",
                                                "11", "12"}
    table = majlis(*args, "--format", "table")
    assert table.returncode == 0, table.stderr
    assert "biproportional — upper apportionment" in table.stdout
    assert "biproportional — constituency divisors" in table.stdout


def test_apportionment_shows_its_awards_and_runner_up_and_draws_its_lot_from_the_seed(
        tmp_path: Path) -> None:
    law = write(tmp_path / "law.toml", '[allocation]\nmethod = "dhondt"\n[apportionment]\n'
                'method = "hare"\nbasis = "population"\nseats = 2\n')
    votes = write(tmp_path / "votes.csv", "district,party,votes\nNorth,X,600\nNorth,Y,400\n"
                  "South,X,120\nSouth,Y,300\nEast,X,50\nEast,Y,70\n")
    districts = write(tmp_path / "districts.csv",
                      "district,population\nNorth,1000\nSouth,1000\nEast,2000\n")
    # East takes the one whole Hare quota (4000 ÷ 2); North and South tie on remainders of 1000.
    args = ("allocate", votes, "--law", law, "--districts", districts)
    shown = {}
    for seed, winner, next_in_line in ((1, "North", "South"), (2, "South", "North")):
        run = majlis(*args, "--format", "json", "--seed", str(seed))
        assert run.returncode == 0, run.stderr
        apportionment = json.loads(run.stdout)["apportionment"]
        shown[seed] = apportionment
        assert apportionment["seed"] == seed and apportionment["basis"] == "population"
        assert apportionment["magnitudes"] == {"East": 1, winner: 1, next_in_line: 0}
        assert [(a["list"], a["stage"]) for a in apportionment["awards"]] == [
            ("East", "quota"), (winner, "remainder")]
        assert apportionment["last_seat"]["list"] == winner
        assert apportionment["runner_up"]["list"] == next_in_line
        assert apportionment["runner_up"]["value"]["exact"] == "1000"
        assert apportionment["ties"] == [{"constituency": "apportionment", "seat": 2,
                                          "lists": apportionment["ties"][0]["lists"],
                                          "winner": winner, "decided_by": "lot"}]
        assert "rerun with --seed" in run.stderr
    table = majlis(*args, "--format", "table", "--seed", "2").stdout
    assert "seats apportioned by population" in table
    assert "last seat: South at 1,000.00; next in line: North at 1,000.00" in table


def test_json_and_table_say_which_threshold_each_list_faced_and_which_agreement_lapsed(
        ) -> None:
    world = ROOT / "src" / "majlis" / "data" / "world"
    args = ("allocate", world / "israel2022_votes.csv", "--law",
            EXAMPLES / "laws" / "israel-knesset.toml", "--districts",
            world / "israel2022_districts.csv", "--lists", world / "israel2022_lists.csv")
    run = majlis(*args, "--format", "json")
    assert run.returncode == 0, run.stderr
    (israel,) = json.loads(run.stdout)["constituencies"]
    faced = ["3.25 % of valid votes nationally"]
    assert israel["threshold"]["Labor"] == {"qualified": True, "by": faced[0], "faced": faced}
    assert israel["threshold"]["Meretz"] == {"qualified": False, "by": None, "faced": faced}
    assert sorted(p for p, a in israel["threshold"].items() if a["qualified"]) == sorted(
        israel["qualified"])
    assert israel["lapsed_agreements"] == [["Labor", "Meretz"]]
    table = majlis(*args, "--format", "table").stdout
    assert "Israel: the agreement Labor + Meretz lapsed (Meretz out of the count)" in table
    assert "out: below" in table and "in: 3.25 %" in table


# --- majority bonus and pooled remainders (issue #15) ---


def world_args(name: str, law: str, *, lists: bool = False) -> tuple[str | Path, ...]:
    world = ROOT / "src" / "majlis" / "data" / "world"
    extra = ("--lists", world / f"{name}_lists.csv") if lists else ()
    return ("allocate", world / f"{name}_votes.csv", "--law", EXAMPLES / "laws" / law,
            "--districts", world / f"{name}_districts.csv", *extra)


def test_a_majority_bonus_is_explained_in_json_and_tables() -> None:
    args = world_args("greece2023jun", "greece-bonus.toml")
    (greece,) = json.loads(majlis(*args, "--format", "json").stdout)["constituencies"]
    assert (greece["bonus"]["list"], greece["bonus"]["seats"]) == ("New Democracy", 50)
    assert greece["bonus"]["share"]["exact"] == "1057661/2449053"
    assert [a["stage"] for a in greece["awards"][:51]] == ["bonus"] * 50 + ["quota"]
    assert greece["seats"]["New Democracy"] == 158
    table = majlis(*args, "--format", "table").stdout
    assert "majority bonus: New Democracy takes 50 seats at 43.19% of the base" in table


def test_pooled_remainders_and_take_backs_are_explained_in_json_and_tables() -> None:
    args = world_args("czechia2021", "czechia-2021.toml", lists=True)
    out = json.loads(majlis(*args, "--format", "json").stdout)
    pool = out["tier"]
    assert pool["name"] == "second scrutiny" and pool["seats"]["SPOLU"] == 1
    assert pool["pooled"]["SPOLU"]["exact"] == "158247"
    assert pool["placed"]["Středočeský kraj"] == {"SPOLU": 1}
    assert [a["list"] for a in pool["awards"]] == ["SPOLU"]
    taken = {c["name"]: c["taken_back"] for c in out["constituencies"] if c["taken_back"]}
    assert taken == {"Pardubický kraj": ["ANO"], "Kraj Vysočina": ["Piráti+STAN"],
                     "Olomoucký kraj": ["SPD"]}
    assert out["totals"]["ANO"] == 72
    table = majlis(*args, "--format", "table").stdout
    assert "pooled remainder votes" in table and "158,247" in table
    assert "Kraj Vysočina — whole quotas exceeded the seats; gave one back: Piráti+STAN" in table


def test_json_and_table_explain_the_stage_after_limited_remainders(tmp_path: Path) -> None:
    """Under the Dutch small-council law 1,200 votes share 15 seats: L1 (808) alone reaches 75 %
    of the quota of 80, takes its one remainder seat, and the four seats left go by average,
    one per list. The JSON names each seat's stage; the table says how many each stage gave."""
    votes = write(tmp_path / "votes.csv", "district,party,votes\n" + "".join(
        f"Town,L{i},{v}\n" for i, v in enumerate((808, 59, 58, 57, 56, 55, 54, 53), 1)))
    districts = write(tmp_path / "districts.csv", "district,seats\nTown,15\n")
    args = ("allocate", votes, "--districts", districts, "--law",
            EXAMPLES / "laws" / "netherlands-small-council.toml")
    run = majlis(*args, "--format", "json")
    assert run.returncode == 0, run.stderr
    town = json.loads(run.stdout)["constituencies"][0]
    assert [(a["list"], a["stage"], a["value"]["exact"]) for a in town["awards"][10:]] == [
        ("L1", "remainder", "8"), ("L1", "average", "202/3"), ("L2", "average", "59"),
        ("L3", "average", "58"), ("L4", "average", "57")]
    assert (town["runner_up"]["list"], town["runner_up"]["stage"]) == ("L5", "average")
    table = majlis(*args, "--format", "table").stdout
    assert ("seats by stage: quota 10, remainder 1, average 4 (by average: L1, L2, L3, L4)"
            in table)
