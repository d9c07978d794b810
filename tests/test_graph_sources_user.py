"""User mapping files: CSV (comma or semicolon) and YAML, with bad rows reported."""

from __future__ import annotations

from pathlib import Path

from graph.sources.user import load_user_mappings


def test_csv(tmp_path: Path) -> None:
    p = tmp_path / "procedurer.csv"
    p.write_text(
        "procedure;kle;handlingsfacet;paragraphs;law\n"
        "Hjemmehjælp, frist;27.36.04;G01;§ 83, stk. 1;serviceloven\n"
        "Frist for afgørelse;27.24.00;g01;§ 3, stk. 2;lov om retssikkerhed og administration "
        "på det sociale område\n"
        ";27.24.00;G01;§ 3;serviceloven\n"
        "Dårlig KLE;27.24;G01;§ 3;serviceloven\n"
        "Dårlig facet;27.24.00;X1;§ 3;serviceloven\n"
        "Ukendt lov;27.24.00;G01;§ 3;lov om noget\n"
        "Ingenting;;;;\n"
        "Uden lov;;;§ 5;\n"
        "Flere;27.36.04;K02;§ 83-84; § 85 stk;serviceloven\n",
        encoding="utf-8",
    )
    procs, problems = load_user_mappings(p)
    assert [(u.name, u.kle, u.facet, u.law) for u in procs] == [
        ("Hjemmehjælp, frist", "27.36.04", "G01", "serviceloven"),
        ("Frist for afgørelse", "27.24.00", "G01", "retssikkerhedsloven"),
        ("Ukendt lov", "27.24.00", "G01", None),
    ]
    assert [str(r) for r in procs[0].refs] == ["§ 83, stk. 1"]
    assert procs[2].law_title == "lov om noget"
    assert [(pr.line, pr.message) for pr in problems] == [
        (4, "no procedure name"),
        (5, "Dårlig KLE: KLE number '27.24' is not NN.NN.NN"),
        (6, "Dårlig facet: handlingsfacet 'X1' is not like G01"),
        (7, "Ukendt lov: unknown law 'lov om noget' (kept)"),
        (8, "Ingenting: neither paragraphs nor KLE number"),
        (9, "Uden lov: paragraphs given but no law"),
        (10, "more cells than header columns"),
    ]


def test_yaml(tmp_path: Path) -> None:
    p = tmp_path / "procedurer.yaml"
    p.write_text(
        "procedures:\n"
        "  - procedure: Sagsbehandlingsfrist, hjælpemidler\n"
        "    kle: 27.39.00\n"
        "    handlingsfacet: G01\n"
        "    paragraphs: ['§ 112', '§ 113, stk. 1']\n"
        "    law: serviceloven\n"
        "  - kle: 27.39.00\n"
        "  - just a string\n",
        encoding="utf-8",
    )
    procs, problems = load_user_mappings(p)
    assert [str(r) for r in procs[0].refs] == ["§ 112", "§ 113, stk. 1"]
    assert procs[0].source.line == 2
    assert sorted((pr.line, pr.message) for pr in problems) == [
        (7, "no procedure name"), (8, "entry is not a mapping")]
