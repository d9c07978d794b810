"""OS2bos loader: the real catalogue under ../shared/impact/os2bos and malformed rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.paragraphs import parse_os2bos_key
from graph.sources.os2bos import load_activities, load_os2bos, load_paragraphs
from lovspor.settings import shared_dir


@pytest.fixture(scope="module")
def os2bos_dir() -> Path:
    shared = shared_dir()
    if shared is None:
        pytest.skip("shared data folder not available")
    return shared / "impact" / "os2bos"


def test_real_catalogue_counts(os2bos_dir: Path) -> None:
    data = load_os2bos(os2bos_dir)
    assert len(data.services) == 146  # paragraphs.csv rows (sections.json adds no new code)
    assert len(data.activities) == 888  # 889 data lines, the last one empty
    assert len(data.section_infos) == 86
    assert data.target_groups == {1: "Familieafdelingen", 2: "Handicapafdelingen"}
    # 14 activities name no paragraph (#N/A), 1 empty row: reported, nothing else
    assert len(data.problems) == 15
    assert all("no paragraph" in p.message or p.message == "empty row" for p in data.problems)


def test_real_service_fields(os2bos_dir: Path) -> None:
    data = load_os2bos(os2bos_dir)
    s = next(s for s in data.services if s.code == "SEL-52-3.7")
    assert s.law == "serviceloven"
    assert [r.start for r in s.refs] == ["§ 52, stk. 3, nr. 7"]
    assert s.kle == "27.27.26"
    assert s.area == "Foranstaltninger"
    assert s.steps == ("Trin 4", "Trin 5", "Trin 6")
    assert s.target_groups == ("Familieafdeling", "Handicap")
    assert str(s.source).startswith("os2bos:os2bos/paragraphs.csv:")
    a = data.activities[0]
    assert (a.code, a.paragraph_code, a.role, a.kle) == ("015031", "SEL-52-3.7", "main", "27.27.42")
    assert a.source.line == 2


@pytest.mark.parametrize(
    ("code", "keys"),
    [
        ("SEL-52-3.7", ["§ 52, stk. 3, nr. 7"]),
        ("SEL-10", ["§ 10"]),
        ("SEL-54-1", ["§ 54, stk. 1"]),
        ("SEL-76-a", ["§ 76 a"]),
        ("SEL-52-a.1.1", ["§ 52 a, stk. 1, nr. 1"]),
        ("SEL-155-b.1", ["§ 155 b, stk. 1"]),
        ("SEL-58-jf 52-3.7", ["§ 58", "§ 52, stk. 3, nr. 7"]),
        ("SEL-44-jfr. §84", ["§ 44", "§ 84"]),
        ("SEL-11-4.1. jfr. stk. 3. nr. 1", ["§ 11, stk. 4, nr. 1", "§ 11, stk. 3, nr. 1"]),
    ],
)
def test_paragraph_key_formats(code: str, keys: list[str]) -> None:
    law, refs, problem = parse_os2bos_key(code)
    assert (law, [r.start for r in refs], problem) == ("serviceloven", keys, None)


def test_malformed_rows(tmp_path: Path) -> None:
    p = tmp_path / "paragraphs.csv"
    p.write_text(
        "Lgl,Paragraf,Stykke,Nøgle,B&V-tekst,Betegnelse,KLE nr.,SBSYS KLE nr.,Afsnit\n"
        "SEL,10,,SEL-10,Rådgivning,SEL-10 Rådgivning,27.12.04,,Kommunens rådgivning\n"
        "SEL,11,,,Uden nøgle,,27.12.04,,\n"
        "XYZ,1,,XYZ-1,Ukendt lov,,27.12.04,,\n"
        "SEL,12,,SEL-12-??,Ulæselig,,27.12.04,,\n"
        "SEL,13,,SEL-13,Dårlig KLE,,27.12,,\n"
        "\n"
        '"SEL",14,,SEL-14,"To\nlinjer",,27.12.04,,\n'
        "SEL,15,,SEL-15,OK,,27.12.04,,\n",
        encoding="utf-8",
    )
    services, problems = load_paragraphs(p)
    assert [s.code for s in services] == ["SEL-10", "SEL-13", "SEL-14", "SEL-15"]
    assert services[1].kle is None  # bad KLE number dropped, row kept
    assert services[3].source.line == 10  # the quoted newline counts as a line
    msgs = {(pr.line, pr.message.split(" ")[0]) for pr in problems}
    assert msgs == {(3, "no"), (4, "unknown"), (5, "cannot"), (6, "KLE")}
    assert all(pr.file == f"{tmp_path.name}/paragraphs.csv" for pr in problems)


def test_malformed_activities(tmp_path: Path) -> None:
    p = tmp_path / "activities.csv"
    p.write_text(
        "Aktivitet,Aktivitetnavn,Hovedaktivitet på,Følgeudgift på ,Kle nr.,Hovedaktivitet,"
        "Kontering,PGF betegnelse\n"
        "015031,Opholdssteder,SEL-52-3.7,,27.27.42,,528-1,x\n"
        ",Uden kode,SEL-52-3.7,,,,,\n"
        "015040,Følgeudgift,,SEL-76-3.1,,015031,,x\n"
        "015050,Uden paragraf,,,27.24.09,,,#N/A\n"
        ",,,,,,,#N/A\n",
        encoding="utf-8",
    )
    acts, problems = load_activities(p)
    assert [(a.code, a.role) for a in acts] == [
        ("015031", "main"),
        ("015040", "supplementary"),
        ("015050", "none"),
    ]
    assert acts[1].main_activity == "015031"
    assert [(pr.line, pr.message[:12]) for pr in problems] == [
        (3, "no activity "),
        (5, "activity 015"),
        (6, "empty row"),
    ]


def test_missing_folder(tmp_path: Path) -> None:
    data = load_os2bos(tmp_path)
    assert not data.services
    assert {p.message for p in data.problems} == {"file not found"}
