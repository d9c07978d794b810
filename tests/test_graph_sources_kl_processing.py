"""KL's processing-activity register: the real mapping and malformed rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.sources.kl_processing import load_kl_processing
from lovspor.settings import shared_dir


def test_real_register() -> None:
    shared = shared_dir()
    if shared is None:
        pytest.skip("shared data folder not available")
    acts, problems = load_kl_processing(shared / "impact" / "kl-processing")
    assert problems == []
    assert len(acts) == 95  # 95 numbers in kle-mapping.csv; 94 register JSON files
    assert sum(len(a.subjects) for a in acts) == 1815  # one per CSV data row
    first = acts[0]
    assert first.number == "01"
    assert first.subjects[0].subject == "15.00.00"
    assert first.subjects[0].source.line == 2
    assert first.kle_groups[:2] == ("15.00", "15.03")
    assert first.description.startswith("Behandling af personoplysninger sker")
    assert sorted(a.number for a in acts if not a.kle_groups) == ["62", "F"]


def test_malformed(tmp_path: Path) -> None:
    (tmp_path / "kle-mapping.csv").write_text(
        "Nummer;Behandlingsaktivitet;KLE Hovedgruppe;KLE Gruppe;KLE niveau 3\n"
        "01;Ledige;15. Arb;15. 00. Org;15.00.00. Organisering\n"
        "01;Ledige;15. Arb;15. 00. Org;ikke et emne\n"
        ";Uden nummer;15;15.00;15.00.05. x\n"
        "02;Kort række\n"
        "02;Børn;27. Soc;27. 24.;27.24.00. Børn\n",
        encoding="utf-8",
    )
    (tmp_path / "registers").mkdir()
    (tmp_path / "registers" / "a.json").write_text(
        json.dumps({"name": "02. Børn", "description": "d", "kleGroups": ["27.24"]})
    )
    (tmp_path / "registers" / "b.json").write_text("{not json")
    acts, problems = load_kl_processing(tmp_path)
    assert [(a.number, [s.subject for s in a.subjects], a.kle_groups) for a in acts] == [
        ("01", ["15.00.00"], ()),
        ("02", ["27.24.00"], ("27.24",)),
    ]
    assert [(p.file.split("/")[-1], p.line) for p in problems] == [
        ("kle-mapping.csv", 3),
        ("kle-mapping.csv", 4),
        ("kle-mapping.csv", 5),
        ("b.json", 1),
    ]
