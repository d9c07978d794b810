"""The dashboard on a database built from the shared corpus, page by page, with AppTest.

One database per module (import + analyze of ../shared/retsinfo); the XSS case works on a
copy with a hostile change row, so the cached queries of the other tests stay valid.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from dashboard import exports
from lovspor.cli import app as cli

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
PAGES = {
    "views/aendringer.py": "Ændringer",
    "views/paragraf.py": "Paragraf",
    "views/statistik.py": "Statistik",
    "views/konsekvenser.py": "Konsekvenser",
    "views/daekning.py": "Datadækning",
}


def build_db(retsinfo: Path, path: Path) -> str:
    url = f"sqlite:///{path}"
    runner = CliRunner()
    res = runner.invoke(cli, ["import", str(retsinfo), "--db", url, "--json"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["analyze", "--db", url])
    assert res.exit_code == 0, res.output
    return url


@pytest.fixture(scope="module")
def db(retsinfo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("dash") / "lovspor.sqlite"
    url = build_db(retsinfo, path)
    old = os.environ.get("LOVSPOR_DATABASE_URL")
    os.environ["LOVSPOR_DATABASE_URL"] = url
    yield url
    if old is None:
        os.environ.pop("LOVSPOR_DATABASE_URL", None)
    else:
        os.environ["LOVSPOR_DATABASE_URL"] = old


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    if page != "views/aendringer.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def html_of(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.html)


def _sql(db: str, query: str, *args: object) -> list[tuple]:
    con = sqlite3.connect(db.removeprefix("sqlite:///"))
    try:
        return con.execute(query, args).fetchall()
    finally:
        con.close()


def law_id(db: str, slug: str) -> int:
    return int(_sql(db, "SELECT id FROM laws WHERE slug = ?", slug)[0][0])


# ------------------------------------------------------------------------------ pages


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_in_danish(db: str, page: str) -> None:
    at = open_page(page)
    assert [t.value for t in at.title] == [PAGES[page]]
    assert at.dataframe, "each page shows at least one table"


def test_aendringer_widgets_and_filters(db: str) -> None:
    at = open_page("views/aendringer.py")
    for key in ("laws", "kinds", "acts"):
        at.multiselect(key=key)
    at.radio(key="basis")
    at.date_input(key="period")
    at.text_input(key="key")
    default = at.dataframe[0].value
    assert len(default) > 0
    # the default is the data's most recently changed law, not a name in code
    (shown_law,) = set(default["Lov"])
    newest_of_shown = _sql(
        db, "SELECT max(c.signed) FROM changes c JOIN laws l ON l.id = c.law_id WHERE slug = ?",
        shown_law,
    )[0][0]
    assert newest_of_shown == _sql(db, "SELECT max(signed) FROM changes")[0][0]

    at.multiselect(key="kinds").set_value(["indsat"]).run()
    inserted = at.dataframe[0].value
    assert 0 < len(inserted) < len(default)
    assert set(inserted["Art"]) == {"indsat"}

    at.multiselect(key="kinds").set_value([]).run()
    at.multiselect(key="laws").set_value([]).run()  # all laws
    at.date_input(key="period").set_value((dt.date(2010, 1, 1), dt.date(2017, 12, 31))).run()
    everything = at.dataframe[0].value
    assert len(everything) > len(default)
    assert {"serviceloven", "retssikkerhedsloven", "beskaeftigelsesloven"} <= set(everything["Lov"])

    at.radio(key="basis").set_value("Ikrafttræden").run()
    assert not at.exception
    assert len(at.dataframe[0].value) <= len(everything)


def _show_81a(at: AppTest, db: str) -> pd.DataFrame:
    at.multiselect(key="laws").set_value([law_id(db, "serviceloven")]).run()
    at.date_input(key="period").set_value((dt.date(2010, 1, 1), dt.date(2017, 12, 31))).run()
    at.text_input(key="key").set_value("§ 81 a").run()
    return at.dataframe[0].value


def test_81a_insertion_appears_on_aendringer(db: str) -> None:
    at = open_page("views/aendringer.py")
    rows = _show_81a(at, db)
    hit = rows[(rows["Bestemmelse"] == "§ 81 a") & (rows["Art"] == "indsat")]
    assert len(hit) == 1, rows
    assert hit.iloc[0]["Version"] == "lta/2016/1270"
    assert hit.iloc[0]["Dato"] == "24. oktober 2016"
    con = sqlite3.connect(db.removeprefix("sqlite:///"))
    (change_id,) = con.execute(
        "SELECT id FROM changes WHERE new_key = '§ 81 a' AND kind = 'inserted'"
    ).fetchone()
    con.close()
    at.selectbox(key="pick").set_value(change_id).run()
    assert "§ 81 a — indsat" in [h.value for h in at.subheader]
    body = html_of(at)
    assert "Kommunalbestyrelsen" in body or "kommunalbestyrelsen" in body
    assert "https://www.retsinformation.dk/eli/lta/2016/1270" in body
    assert "<ins" in body  # an insertion is drawn as inserted text


def test_81a_insertion_names_lov_2016_171(db: str) -> None:
    """Needs item-level attribution (lawdiff.amend) in `lovspor analyze`."""
    con = sqlite3.connect(db.removeprefix("sqlite:///"))
    attributed = con.execute(
        "SELECT act_eli, act_section, act_item FROM changes "
        "WHERE new_key = '§ 81 a' AND kind = 'inserted'"
    ).fetchone()
    con.close()
    assert attributed and attributed[0], "the inserted § 81 a must carry its amending act"
    at = open_page("views/aendringer.py")
    rows = _show_81a(at, db)
    hit = rows[(rows["Bestemmelse"] == "§ 81 a") & (rows["Art"] == "indsat")]
    assert "171" in hit.iloc[0]["Ændringslov"] and "2016" in hit.iloc[0]["Ændringslov"]
    assert attributed[0] == "lta/2016/171"


def test_aendringer_banner_for_acts_not_yet_consolidated(db: str) -> None:
    at = open_page("views/aendringer.py")
    banners = " ".join(w.proto.body for w in at.warning)
    assert "endnu ikke indarbejdet" in banners
    assert "1543" in banners or "1662" in banners  # LOV 2016/1543 and 2016/1662 came later


def test_aendringer_includes_the_look_ahead_marked_unofficial(db: str) -> None:
    """LOV 2016/1662 § 1, nr. 1 inserts serviceloven § 63 a from 1 January 2017; no stored
    lovbekendtgørelse incorporates it: Ændringer shows it as unofficial, with its item."""
    at = open_page("views/aendringer.py")
    at.multiselect(key="laws").set_value([law_id(db, "serviceloven")]).run()
    at.radio(key="basis").set_value("Ikrafttræden").run()
    at.date_input(key="period").set_value((dt.date(2017, 1, 1), dt.date(2017, 3, 31))).run()
    at.text_input(key="key").set_value("§ 63 a").run()
    assert not at.exception
    rows = at.dataframe[0].value
    hit = rows[(rows["Bestemmelse"] == "§ 63 a") & (rows["Art"] == "indsat")]
    assert len(hit) == 1 and hit.iloc[0]["Version"].startswith("uofficiel (lta/2016/1270")
    assert "1662" in hit.iloc[0]["Ændringslov"] and hit.iloc[0]["Ikrafttræden"] == "1. januar 2017"
    assert "vises øverst som uofficielle" in " ".join(w.proto.body for w in at.warning)
    # the look ahead's rows come first, so the change shown is § 63 a, Lovspor's reading
    assert at.selectbox(key="pick").value < 0
    assert "§ 63 a — indsat" in [h.value for h in at.subheader]
    assert any("Uofficielt" in w.proto.body for w in at.warning)
    assert "<ins" in html_of(at) and "Børn og unge-udvalget" in html_of(at)
    at.checkbox(key="ahead").uncheck().run()
    assert at.dataframe[0].value.empty if at.dataframe else True


def test_paragraf_opens_on_the_most_recently_changed_paragraph(db: str) -> None:
    at = open_page("views/paragraf.py")
    law = int(at.selectbox(key="law").value)
    newest = _sql(db, "SELECT max(signed) FROM changes")[0][0]
    assert _sql(db, "SELECT max(signed) FROM changes WHERE law_id = ?", law)[0][0] == newest
    counts = dict(
        _sql(
            db,
            "SELECT paragraph_key, count(*) FROM changes WHERE law_id = ? AND signed = ? "
            "GROUP BY paragraph_key",
            law,
            newest,
        )
    )
    key = at.selectbox(key="paragraph").value
    assert counts.get(key) == max(counts.values()), (key, counts)


def test_paragraf_timeline_and_compare(db: str) -> None:
    at = open_page("views/paragraf.py")
    at.selectbox(key="law").set_value(law_id(db, "serviceloven")).run()
    at.selectbox(key="paragraph").set_value("§ 81 a").run()
    timeline = at.dataframe[0].value
    assert len(timeline) == 9  # serviceloven: nine stored consolidated versions
    (chart,) = at.get("vega_lite_chart")  # the § timeline drawn: words per version, by status
    spec = json.loads(chart.proto.spec)
    assert "Ord i paragraffen" in json.dumps(spec)
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["line", "circle"] and len(chart.proto.datasets) == 1
    row = timeline[timeline["Version"] == "lta/2016/1270"].iloc[0]
    assert "indsat" in row["Status"]
    before = timeline[timeline["Version"] == "lta/2015/1284"].iloc[0]
    assert before["Status"] == "findes ikke"
    first = html_of(at)
    at.selectbox(key="paragraph").set_value("§ 1").run()
    assert html_of(at) != first
    vs = at.selectbox(key="from").options
    at.selectbox(key="from").set_value(at.selectbox(key="to").value).run()
    assert "Teksten er den samme" in " ".join(c.value for c in at.caption)
    assert len(vs) == 9


def _cli_stats(db: str, by: str = "signed") -> dict:
    res = CliRunner().invoke(cli, ["stats", "--json", "--db", db, "--by", by])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _same(shown: pd.DataFrame, rows: list[dict]) -> None:
    expected = pd.DataFrame(rows)
    got = shown.reset_index(drop=True)
    assert list(got.columns) == list(expected.columns)
    assert len(got) == len(expected)
    for col in expected.columns:
        a = [None if pd.isna(x) else x for x in got[col]]
        b = [None if pd.isna(x) else x for x in expected[col]]
        assert a == b, col


@pytest.mark.parametrize("by", ["signed", "in-force"])
def test_statistik_table_equals_lovspor_stats_json(db: str, by: str) -> None:
    at = open_page("views/statistik.py")
    if by == "in-force":
        at.radio(key="by").set_value("Ikrafttræden").run()
    payload = _cli_stats(db, by)
    _same(at.dataframe[0].value, payload["rows"])
    _same(at.dataframe[1].value, [*payload["by_year"], payload["total"]])
    text = " ".join(m.value for m in at.markdown)
    assert "paragrafrevisioner" in text and "ændringslove" in text
    rules = at.dataframe[2].value
    assert set(rules["Regel"]) == set(payload["rules"])


def test_statistik_filters_and_downloads_hold_shown_data(db: str) -> None:
    at = open_page("views/statistik.py")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Hent CSV", "Hent Parquet", "Hent Excel", "Hent hele databasen (SQLite)"]
    at.multiselect(key="laws").set_value(["serviceloven"]).run()
    shown = at.dataframe[0].value
    assert set(shown["law"]) == {"serviceloven"}
    lo, hi = at.slider(key="years").value
    at.slider(key="years").set_value((lo + 1, hi)).run()
    narrowed = at.dataframe[0].value
    assert len(narrowed) < len(shown)
    assert narrowed["year"].min() >= lo + 1

    back = pd.read_csv(io.BytesIO(exports.to_csv(narrowed)), encoding="utf-8-sig")
    pd.testing.assert_frame_equal(back, narrowed, check_dtype=False)
    back = pd.read_parquet(io.BytesIO(exports.to_parquet(narrowed, {"by": "signed"})))
    pd.testing.assert_frame_equal(back, narrowed, check_dtype=False)
    back = pd.read_excel(io.BytesIO(exports.to_xlsx(narrowed, {"a": "b"})), sheet_name="data")
    pd.testing.assert_frame_equal(back, narrowed, check_dtype=False)


def test_database_download_is_a_consistent_sqlite_copy(db: str, tmp_path: Path) -> None:
    data = exports.sqlite_snapshot(Path(db.removeprefix("sqlite:///")))
    (tmp_path / "copy.sqlite").write_bytes(data)
    con = sqlite3.connect(tmp_path / "copy.sqlite")
    assert con.execute("SELECT count(*) FROM changes").fetchone()[0] > 1000
    con.close()


def test_konsekvenser_ranked_with_paths_and_graph(db: str, shared: Path) -> None:
    at = open_page("views/konsekvenser.py")
    if at.info and "ingen" in at.info[0].value.lower() and not at.dataframe:
        pytest.fail(at.info[0].value)
    hits = at.dataframe[0].value
    assert len(hits) > 0
    assert list(hits["Nr."])[:3] == [1, 2, 3]
    assert hits["Forklaring"].str.contains("→").all()
    assert at.get("graphviz_chart")
    assert [b.proto.label for b in at.get("download_button")] == ["Hent CSV"]
    assert "<ol" in html_of(at)
    words = " ".join(m.value for m in at.markdown)
    first = hits.iloc[0]
    shown_score = f"{float(first['Point']):g}".replace(".", ",")
    assert f"**{shown_score} point** er summen over" in words  # the score in words
    assert "trin" in words and ("direkte" in words or "henvisning" in words)
    n_proc = len(hits)
    at.multiselect(key="kinds").set_value(["kle_subject"]).run()
    kle = at.dataframe[0].value
    assert len(kle) != n_proc and set(kle["Hvad"]) == {"KLE-emne"}


def _caption_count(at: AppTest, needle: str) -> int:
    text = next(c.value for c in at.caption if "ændringer gennemgået" in c.value)
    m = re.search(rf"(\d+) {needle}", text)
    return int(m.group(1)) if m else 0


def test_konsekvenser_leaves_editorial_changes_out_unless_ticked(db: str) -> None:
    at = open_page("views/konsekvenser.py")
    at.multiselect(key="laws").set_value([law_id(db, "serviceloven")]).run()
    at.date_input(key="period").set_value((dt.date(2015, 1, 1), dt.date(2016, 12, 31))).run()
    no_act = _sql(
        db,
        "SELECT count(*) FROM changes c JOIN laws l ON l.id = c.law_id WHERE l.slug = "
        "'serviceloven' AND c.signed BETWEEN '2015-01-01' AND '2016-12-31' "
        "AND c.attribution = 'no_act'",
    )[0][0]
    assert no_act > 0
    walked = _caption_count(at, "ændringer gennemgået")
    assert _caption_count(at, "redaktionelle ændringer udeladt") == no_act
    at.checkbox(key="editorial").check().run()
    assert not at.exception
    assert _caption_count(at, "ændringer gennemgået") == walked + no_act
    assert _caption_count(at, "redaktionelle ændringer udeladt") == 0


def test_konsekvenser_shows_every_path_of_a_hit(db: str) -> None:
    at = open_page("views/konsekvenser.py")
    at.multiselect(key="laws").set_value([law_id(db, "serviceloven")]).run()
    at.date_input(key="period").set_value((dt.date(2015, 1, 1), dt.date(2016, 12, 31))).run()
    hits = at.dataframe[0].value
    many = hits[hits["Veje"] > 1]
    assert len(many) > 0
    at.selectbox(key="hit").set_value(int(many.iloc[0]["Nr."])).run()
    labels = [e.label for e in at.expander]
    assert any(lab.startswith(f"Alle {int(many.iloc[0]['Veje'])} veje") for lab in labels)
    assert html_of(at).count("<ol") >= 1 + int(many.iloc[0]["Veje"])


def test_konsekvenser_next_quarter_includes_the_look_ahead(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Time frozen at 15 December 2016: next quarter is 2017Q1, when LOV 2016/1543 and the
    other acts not yet in any stored lovbekendtgørelse come into force."""
    monkeypatch.setenv("LOVSPOR_TODAY", "2016-12-15")
    at = open_page("views/konsekvenser.py")
    at.multiselect(key="laws").set_value([]).run()  # all laws
    at.radio(key="basis").set_value("Træder i kraft næste kvartal").run()
    assert not at.exception
    assert any("1. januar 2017" in m.value and "31. marts 2017" in m.value for m in at.markdown)
    warnings = " ".join(w.value for w in at.warning)
    assert "Uofficielt" in warnings and "lov nr. 1543 af 13. december 2016" in warnings
    hits = at.dataframe[0].value
    assert (hits["Uofficielle"] > 0).any()
    walked = _caption_count(at, "ændringer gennemgået")
    at.checkbox(key="ahead").uncheck().run()
    assert not at.exception
    assert "Uofficielt" not in " ".join(w.value for w in at.warning)
    fewer = _caption_count(at, "ændringer gennemgået")
    assert fewer < walked
    if at.dataframe:
        assert (at.dataframe[0].value["Uofficielle"] == 0).all()


def test_daekning_shows_versions_and_gaps(db: str) -> None:
    at = open_page("views/daekning.py")
    versions = at.dataframe[1].value
    assert len(versions) == 25
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Versioner"] == "25"
    assert "Ufortolkede ændringsinstrukser" in metrics
    laws = at.dataframe[0].value
    assert "Serviceloven (serviceloven)" in set(laws["Lov"])
    assert any("forgænger" in w.value for w in at.warning)  # serviceloven 2014 gap


# ------------------------------------------------------------------------------ safety

XSS = "<script>alert('lovspor')</script><img src=x onerror=alert(1)>"


@pytest.fixture
def hostile_db(db: str, tmp_path: Path) -> Iterator[str]:
    src = Path(db.removeprefix("sqlite:///"))
    dst = tmp_path / "hostile.sqlite"
    con = sqlite3.connect(src)
    out = sqlite3.connect(dst)
    con.backup(out)
    con.close()
    row = out.execute(
        "SELECT law_id, old_version_id, new_version_id FROM changes "
        "WHERE new_key = '§ 81 a' AND kind = 'inserted'"
    ).fetchone()
    text = f"Kommunen skal {XSS} og »tale« [link](http://example.invalid) *fed*"
    out.execute(
        "INSERT INTO changes (law_id, old_version_id, new_version_id, kind, level, old_key, "
        "new_key, paragraph_key, old_text, new_text, ops, similarity, signed, act_eli, "
        "act_label, act_section, act_item, attribution) VALUES (?, ?, ?, 'amended', 'stk', "
        "'§ 999 x, stk. 1', '§ 999 x, stk. 1', '§ 999 x', ?, ?, ?, 0.5, '2016-10-24', "
        "'lta/2016/171', ?, '§ 1', '1', 'exact')",
        (*row, "Kommunen skal <b>ikke</b>", text,
         json.dumps([["equal", "Kommunen skal "], ["delete", "<b>ikke</b>"],
                     ["insert", f"{XSS} og »tale« [link](http://example.invalid) *fed*"]]),
         f"lov nr. 171 {XSS}"),
    )
    out.execute(
        "INSERT INTO provisions (version_id, law_id, key, level, parent_key, label, text, "
        "hash, position) VALUES (?, ?, '§ 999 x', 'paragraf', NULL, '§ 999 x.', ?, 'x', 99999)",
        (row[2], row[0], text),
    )
    out.commit()
    out.close()
    url = f"sqlite:///{dst}"
    os.environ["LOVSPOR_DATABASE_URL"] = url
    yield url
    os.environ["LOVSPOR_DATABASE_URL"] = db
    shutil.rmtree(tmp_path, ignore_errors=True)


def _assert_escaped(body: str) -> None:
    assert "<script" not in body and "<img" not in body
    assert "&lt;script&gt;alert(&#x27;lovspor&#x27;)&lt;/script&gt;" in body
    assert "&lt;b&gt;ikke&lt;/b&gt;" in body or "<b>ikke" not in body


def test_stored_script_shows_as_text(hostile_db: str) -> None:
    at = open_page("views/aendringer.py")
    at.multiselect(key="laws").set_value([law_id(hostile_db, "serviceloven")]).run()
    at.date_input(key="period").set_value((dt.date(2010, 1, 1), dt.date(2017, 12, 31))).run()
    at.text_input(key="key").set_value("§ 999 x").run()
    assert len(at.dataframe[0].value) == 1
    for mode in ("Side om side", "Samlet"):
        at.radio(key="redline_mode").set_value(mode).run()
        _assert_escaped(html_of(at))
    assert not at.exception

    at = open_page("views/paragraf.py")
    at.selectbox(key="law").set_value(law_id(hostile_db, "serviceloven")).run()
    at.selectbox(key="paragraph").set_value("§ 999 x").run()
    _assert_escaped(html_of(at))
