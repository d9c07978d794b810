"""Danish formatting and escaping helpers of the dashboard (no Streamlit, no database)."""

from __future__ import annotations

import datetime as dt

from dashboard import format as fmt
from dashboard.impact import dot_graph
from dashboard.ui import md_escape


def test_danish_dates() -> None:
    assert fmt.danish_date(dt.date(2016, 6, 8)) == "8. juni 2016"
    assert fmt.danish_date("2016-02-27") == "27. februar 2016"
    assert fmt.danish_date(None) == "–"
    assert fmt.danish_date(float("nan"), "") == ""


def test_eli_links_and_citations() -> None:
    assert fmt.eli_url("lta/2016/171") == "https://www.retsinformation.dk/eli/lta/2016/171"
    assert fmt.eli_url("javascript:alert(1)") is None
    assert fmt.act_citation("lov nr. 171 af 27. februar 2016", "§ 1", "1") == (
        "lov nr. 171 af 27. februar 2016, § 1, nr. 1"
    )
    assert fmt.act_citation(float("nan"), None, None, "lta/2016/171") == "lta/2016/171"


def test_paragraph_keys() -> None:
    assert fmt.paragraph_key_input("§81a, stk 2") == "§ 81 a, stk. 2"
    assert fmt.paragraph_key_input("85") == "§ 85"
    keys = ["§ 10 a", "§ 2", "§ 10", "§ 10 a, stk. 10", "§ 10 a, stk. 2"]
    assert sorted(keys, key=fmt.paragraph_sort_key) == [
        "§ 2", "§ 10", "§ 10 a", "§ 10 a, stk. 2", "§ 10 a, stk. 10"]


def test_redline_escapes_every_text() -> None:
    ops = [["equal", "a <b>"], ["delete", "<script>x</script>"], ["insert", "»y« & z"]]
    inline = fmt.redline_inline(fmt.ops_from_json(ops))
    assert "<script>" not in inline and "&lt;script&gt;" in inline and "&lt;b&gt;" in inline
    old, new = fmt.redline_sides(fmt.ops_from_json(ops))
    assert "&lt;script&gt;" in old and "&lt;script&gt;" not in new and "&amp; z" in new
    assert "<script" not in fmt.box("", "<script>")
    assert fmt.change_ops("inserted", "", "ny", []) == [("insert", "ny")]
    assert fmt.change_ops("repealed", "gammel", "", None) == [("delete", "gammel")]


def test_markdown_and_dot_escaping() -> None:
    assert md_escape("[x](http://e) *f*") == r"\[x\]\(http\://e\) \*f\*"
    import pandas as pd

    steps = pd.DataFrame([
        {"rank": 1, "step": 0, "node": "c", "label": 'a "q" \\', "relation": "changed",
         "source": "", "kind": "change"},
        {"rank": 1, "step": 1, "node": "p", "label": "§ 1", "relation": "basis for",
         "source": "s", "kind": "provision"}])
    dot = dot_graph(steps)
    assert '\\"q\\"' in dot and "hjemmel for" in dot and dot.startswith("digraph")
    # two paths to one node are two arrows into it
    two = pd.concat([steps.assign(path=0), steps.assign(path=1, node=["c2", "p"])])
    assert dot_graph(two).count("-> n1") == 2


def test_change_label_in_danish() -> None:
    from dashboard.format import change_label_da

    assert (
        change_label_da("change: serviceloven § 32 a inserted by lov nr. 379 af 27. april 2016")
        == "serviceloven § 32 a indsat ved lov nr. 379 af 27. april 2016"
    )
    assert change_label_da("serviceloven § 5, stk. 7 amended") == "serviceloven § 5, stk. 7 ændret"
    assert change_label_da("KLE 27.00.00") == "KLE 27.00.00"  # not a change label: unchanged
