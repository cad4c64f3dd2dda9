"""The tally commands, in the order an election night uses them."""

from __future__ import annotations

from pathlib import Path
from subprocess import CompletedProcess

from majlis.tally import Store
from majlis.web import Role, Users
from tests.cli.test_allocate import write
from tests.commands import majlis

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "tally"
HEAD = "station,source,received_at,received_by,ballots_received,cast,valid,invalid,spoiled,unused"


def test_election_night_from_the_command_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'night.db'}"
    assert majlis("db", "init", "--db", db).returncode == 0
    run = majlis("ingest", EXAMPLES / "stations.csv", EXAMPLES / "lists.csv", "--db", db)
    assert "registered 4 stations, 4 lists and 0 candidates" in run.stdout
    run = majlis("ingest", EXAMPLES / "sheets.csv", "--db", db)
    assert "2 accepted, 1 quarantined" in run.stdout, run.stderr
    assert "valid-is-sum-of-lists" in majlis("quarantine", "--db", db).stdout
    run = majlis("correct", EXAMPLES / "correction.csv", "--reason", "recount",
                 "--author", "supervisor 2", "--db", db)
    assert "1 accepted" in run.stdout, run.stderr
    run = majlis("results", "--db", db, "--law", "iraq-2025", "--format", "csv")
    assert run.stdout.splitlines() == [
        "district,party,votes,seats,stations_counted,stations",
        "Basra,Tasmim,280,13,2,3", "Basra,State of Law,270,12,2,3",
        "Najaf,Tasmim,120,7,1,1", "Najaf,Sadiqoun,80,5,1,1"]
    assert "chain intact: 4 sheet versions" in majlis("verify-chain", "--db", db).stdout


def test_bad_sheets_file_names_file_line_and_field(tmp_path: Path) -> None:
    bad = write(tmp_path / "sheets.csv",
                "station,source,received_at,received_by,ballots_received,cast,valid,invalid,"
                "spoiled,unused,list,votes\n"
                "B-1,robot,t,c,10,10,10,0,0,0,A,x\n"
                "B-2,machine,t,c,10,10,10,0,0,0,A,10\nB-2,machine,t,c,11,10,10,0,0,0,B,0\n")
    run = majlis("ingest", bad, "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        f"{bad}:2: votes: 'x' is not a whole number",
        f"{bad}:2: source: 'robot' is not one of machine, manual, entry-a, entry-b",
        f"{bad}:4: ballots_received: '11' differs from line 3 of the same sheet ('10')",
    ]


def released(tmp_path: Path) -> tuple[str, CompletedProcess[str]]:
    """The example night's store, its sheets in and a first release made: the store's URL and
    what `release` printed."""
    db = f"sqlite:///{tmp_path / 'night.db'}"
    majlis("db", "init", "--db", db)
    majlis("ingest", EXAMPLES / "stations.csv", EXAMPLES / "lists.csv", "--db", db)
    majlis("ingest", EXAMPLES / "sheets.csv", "--db", db)
    return db, majlis("release", "first results", "--db", db)


def test_releases_and_reconciliation_from_the_command_line(tmp_path: Path) -> None:
    db, run = released(tmp_path)
    assert "release 1 'first results'" in run.stdout and "2 of 4 stations" in run.stdout
    majlis("correct", EXAMPLES / "correction.csv", "--reason", "recount", "--author", "s",
           "--db", db)
    run = majlis("results", "--since", "1", "--format", "csv", "--db", db)
    assert run.stdout.splitlines()[:3] == [
        "district,party,votes,seats,stations_counted,stations,since_release_1",
        "Basra,Tasmim,280,,2,3,80", "Basra,State of Law,270,,2,3,170"]
    assert "first results" in majlis("releases", "--db", db).stdout
    run = majlis("reconcile", EXAMPLES / "television.csv", "--db", db)
    assert "1 differences" in run.stdout and "+10" in run.stdout
    with Store(db) as store:
        kept = store.releases()[-1].digest
    assert f"last release of default: {kept}" in majlis("verify-chain", "--db", db).stdout
    elsewhere = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    majlis("db", "init", "--db", elsewhere)
    run = majlis("verify-chain", "--published", kept, "--db", elsewhere)
    assert run.returncode == 1
    assert f"chain BROKEN: release {kept[:16]}… was published but is not in the store" in (
        run.stderr)


def test_a_release_at_the_moment_it_stands_for_from_the_command_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'night.db'}"
    majlis("db", "init", "--db", db)
    majlis("ingest", EXAMPLES / "stations.csv", EXAMPLES / "lists.csv", "--db", db)
    run = majlis("release", "first results", "--at", "2025-11-12T01:30:00+03:00", "--db", db)
    assert "release 1 'first results' at 2025-11-12T01:30:00+03:00:" in run.stdout, run.stderr
    run = majlis("release", "second", "--at", "half past one", "--db", db)
    assert run.returncode == 2
    assert run.stderr.splitlines() == ["release: --at: 'half past one' is not an ISO 8601 time;"
                                       " expected e.g. 2025-11-12T01:30:00+03:00"]
    run = majlis("release", "second", "--at", "2025-11-12T01:00+03:00", "--db", db)
    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        "release: at: 2025-11-12T01:00:00+03:00 is before release 1's time, "
        "2025-11-12T01:30:00+03:00: releases are published in order"]
    assert "chain intact" in majlis("verify-chain", "--db", db).stdout


def test_candidate_results_from_the_command_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'night.db'}"
    majlis("db", "init", "--db", db)
    people = write(tmp_path / "candidates.csv", "constituency,list,candidate\n"
                   "Basra,Tasmim,Asaad al-Eidani\nBasra,Tasmim,Zahra\nNajaf,Sadiqoun,Qais\n")
    run = majlis("ingest", EXAMPLES / "stations.csv", EXAMPLES / "lists.csv", people, "--db", db)
    assert "and 3 candidates" in run.stdout, run.stderr
    head = "station,source,received_at,received_by,ballots_received,cast,valid,invalid,spoiled,"
    sheets = write(tmp_path / "sheets.csv", (
        f"{head}unused,list,candidate,votes\n"
        "B-001-01,machine,t,c,500,310,300,10,5,185,Tasmim,,200\n"
        "B-001-01,machine,t,c,500,310,300,10,5,185,Tasmim,Zahra,120\n"
        "B-001-01,machine,t,c,500,310,300,10,5,185,Tasmim,Asaad al-Eidani,60\n"
        "B-001-01,machine,t,c,500,310,300,10,5,185,State of Law,,100\n"
        "N-001-01,machine,t,c,400,215,200,15,5,180,Tasmim,,120\n"
        "N-001-01,machine,t,c,400,215,200,15,5,180,Sadiqoun,,80\n"
        "N-001-01,machine,t,c,400,215,200,15,5,180,Sadiqoun,Qais,75\n"))
    assert "2 accepted" in majlis("ingest", sheets, "--db", db).stdout
    run = majlis("results", "--level", "candidate", "--format", "csv", "--db", db)
    assert run.stdout.splitlines() == [
        "district,party,candidate,votes", "Basra,Tasmim,Zahra,120",
        "Basra,Tasmim,Asaad al-Eidani,60", "Najaf,Sadiqoun,Qais,75"]
    majlis("release", "first", "--db", db)
    run = majlis("results", "--level", "candidate", "--constituency", "Najaf", "--release", "1",
                 "--format", "json", "--db", db)
    assert run.stdout.count('"candidate"') == 1 and '"votes": 75' in run.stdout
    assert "Zahra" in majlis("results", "--level", "candidate", "--db", db).stdout
    assert majlis("results", "--constituency", "Najaf", "--db", db).returncode == 2


def test_names_no_store_keeps_are_refused_before_the_database_sees_them(
        store: Store, tmp_path: Path) -> None:
    """On PostgreSQL a NUL or an over-long name used to come back as a database traceback."""
    bad = write(tmp_path / "stations.csv", "constituency,centre,station,voting_type,registered\n"
                f"Basra,C1,{'S' * 101},general,10\nBas\x00ra,C1,S2,general,10\n")
    run = majlis("ingest", bad, "--db", store.url)
    assert (run.returncode, run.stderr.splitlines()) == (2, [
        f"{bad}:2: station: is 101 characters long; at most 100 are kept",
        f"{bad}:3: constituency: contains a NUL character, which no store keeps"])
    assert store.stations() == []


def test_ingest_names_each_list_once_under_the_elections_alias_table(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'night.db'}"
    majlis("db", "init", "--db", db, "--election", "iraq-2025")
    stations = write(tmp_path / "stations.csv", "constituency,centre,station,voting_type,"
                     "registered\nBasra,B1,B1-1,general,500\nBasra,B1,B1-2,general,500\n")
    lists = write(tmp_path / "lists.csv", "constituency,list,alias\nBasra,Asas,Foundation List\n"
                  "Basra,Hukuk Devleti Koalisyonu,\n")
    sheets = write(tmp_path / "sheets.csv", f"{HEAD},list,votes\n"
                   "B1-1,machine,t,c,500,100,100,0,0,400,Al-Asas,60\n"
                   "B1-1,machine,t,c,500,100,100,0,0,400,State of Law,40\n"
                   "B1-2,machine,t,c,500,90,90,0,0,410,Foundation List,50\n"
                   "B1-2,machine,t,c,500,90,90,0,0,410,ائتلاف دولة القانون,40\n")
    run = majlis("ingest", stations, lists, sheets, "--db", db, "--election", "iraq-2025")
    assert "2 accepted, 0 quarantined" in run.stdout, run.stdout + run.stderr
    run = majlis("results", "--db", db, "--election", "iraq-2025", "--format", "csv")
    assert run.stdout.splitlines()[1:] == ["Basra,Al-Asas al-Iraqi Coalition,110,,2,2",
                                           "Basra,State of Law Coalition,80,,2,2"]


def test_a_lists_files_aliases_are_kept_for_every_later_ingest(tmp_path: Path) -> None:
    """An alias registered by one `majlis ingest` names its list in the next one too (and in a
    correction); an alias given again for another list is refused with nothing written."""
    db = f"sqlite:///{tmp_path / 'night.db'}"
    majlis("db", "init", "--db", db)
    stations = write(tmp_path / "stations.csv", "constituency,centre,station,voting_type,"
                     "registered\nNinawa,N1,N1-1,general,500\nNinawa,N1,N1-2,general,500\n")
    lists = write(tmp_path / "lists.csv", "constituency,list,alias\nNinawa,Ninawa First,Nainawa "
                  "Awalan\nNinawa,Unity,\n")
    assert majlis("ingest", stations, lists, "--db", db).returncode == 0
    sheets = write(tmp_path / "sheets.csv", f"{HEAD},list,votes\n"
                   "N1-1,machine,t,c,500,100,100,0,0,400,Nainawa Awalan,60\n"
                   "N1-1,machine,t,c,500,100,100,0,0,400,Unity,40\n")
    run = majlis("ingest", sheets, "--db", db)
    assert "1 accepted, 0 quarantined" in run.stdout, run.stdout + run.stderr
    fixed = write(tmp_path / "fixed.csv", f"{HEAD},list,votes\n"
                  "N1-1,machine,t,c,500,100,100,0,0,400,Nainawa Awalan,55\n"
                  "N1-1,machine,t,c,500,100,100,0,0,400,Unity,45\n")
    run = majlis("correct", fixed, "--reason", "recount", "--author", "Huda", "--db", db)
    assert "1 accepted, 0 quarantined" in run.stdout, run.stdout + run.stderr
    run = majlis("results", "--db", db, "--format", "csv")
    assert run.stdout.splitlines()[1:] == ["Ninawa,Ninawa First,55,,1,2", "Ninawa,Unity,45,,1,2"]
    moved = write(tmp_path / "moved.csv", "constituency,list,alias\nNinawa,Unity,Nainawa Awalan\n")
    run = majlis("ingest", moved, "--db", db)
    assert (run.returncode, run.stderr.splitlines()) == (2, [
        "alias Nainawa Awalan: list: already names 'Ninawa First', given 'Unity': an alias "
        "names one list"])
    with Store(db) as store:
        assert store.aliases() == {"Nainawa Awalan": "Ninawa First"}


def test_the_audit_log_from_the_command_line(tmp_path: Path) -> None:
    db, _ = released(tmp_path)
    refused = majlis("release", "earlier", "--at", "2000-01-01T00:00+00:00", "--db", db)
    assert refused.returncode == 2
    typo = majlis("users", "revoke", "amla", "--db", db, "--users", str(tmp_path / "none.json"))
    assert typo.returncode == 2 and "no account named 'amla'" in typo.stderr
    staff = tmp_path / "users.json"
    Users({"amal": (Role.SUPERVISOR, "x")}).save(staff)
    assert majlis("users", "revoke", "amal", "--db", db, "--users", str(staff)).returncode == 0
    run = majlis("audit-log", "--db", db, "--kind", "release", "--format", "csv")
    lines = run.stdout.splitlines()
    assert lines[0] == "at,user,role,address,action,kind,subject,outcome,detail"
    assert [line.split(",")[3:8] for line in lines[1:]] == [
        ["local", "majlis release", "release", "release 1 'first results'", "success"],
        ["local", "majlis release", "release", "release", "refused"]]
    with Store(db) as store:
        assert [x.kind for x in store.audit_log()] == [
            "schema", "register", "register", "sheets", "release", "release", "revocation"]
        assert store.revoked("amal", "any", store.audit_log()[0].at)
        assert store.audit_log(kind="revocation")[0].action == "majlis users revoke"
    bad = majlis("audit-log", "--db", db, "--since", "yesterday")
    assert bad.returncode == 2 and "--since" in bad.stderr
