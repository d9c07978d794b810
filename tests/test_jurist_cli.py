"""The jurist's questions on the command line (issue #14 item 4), on the shared corpus imported
and analysed: a law's provision as of a date with the acts its version leaves out (`show
SLUG`), `act` on a document that is no amending act, `consolidate` before/after per changed
provision with the act and item behind it, and the HTML redline's provenance in Danish."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lawdiff.diff import diff_versions, render_html
from lawdiff.model import AttributedChange, Attribution
from lawdiff.parse import parse_document
from lovspor.analyze import analyze
from lovspor.cli import app
from lovspor.ingest import import_files, iter_xml_files


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


def ok(*args: str) -> str:
    r = _run(*args)
    assert r.exit_code == 0, (r.stdout, r.stderr)
    return r.stdout


def flat(text: str) -> str:
    """Rich wraps at 80 columns under the test runner: compare with whitespace collapsed."""
    return " ".join(text.split())


def error_line(r) -> str:  # type: ignore[no-untyped-def]
    """The result is exit 1 with one `Fejl:` line on stderr, no traceback."""
    assert r.exit_code == 1, (r.exit_code, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr + r.stdout
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Fejl: "), r.stderr
    return lines[0]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, retsinfo: Path) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('jurist') / 'lovspor.sqlite'}"
    import_files(url, list(iter_xml_files([retsinfo])))
    rep = analyze(url, progress=False)
    assert rep.failed == []
    return url


# --- 1. show SLUG -p "§ …" [--as-of D] ------------------------------------------------------


def test_show_slug_newest_names_version_and_acts_not_incorporated(db: str) -> None:
    text = ok("show", "serviceloven", "-p", "§ 81 a", "--db", db)
    lines = text.splitlines()
    assert lines[0].startswith("Lov om social service (serviceloven) · LBK lta/2016/1270 af")
    assert "af 24. oktober 2016" in flat(text)
    # LBK 2016/1270 (24 October 2016) does not incorporate LOV 2016/1543 (13 December 2016),
    # which its own metadata lists as a later change; nor the items of LOV 2016/647 it leaves
    # out as not yet in force
    warn = flat(text)[flat(text).index("Advarsel:") :]
    assert "lov nr. 1543 af 13. december 2016" in warn
    assert "lov nr. 647 af 8. juni 2016 (delvis)" in warn
    assert "ikke indarbejdet i denne version" in warn
    # the provision is the 2016/1270 text, the same as `show ELI` prints
    assert "værdighedspolitik" in flat(text)
    by_eli = ok("show", "lta/2016/1270", "-p", "§ 81 a", "--db", db)
    assert flat(by_eli) in flat(text)
    assert not by_eli.startswith("Lov om")  # an ELI REF works as before: no header


def test_show_slug_json_has_law_version_date_and_warnings(db: str) -> None:
    doc = json.loads(ok("show", "serviceloven", "-p", "§ 81 a", "--json", "--db", db))
    assert (doc["law"], doc["version"]) == ("serviceloven", "lta/2016/1270")
    assert doc["date"] == "2016-10-24"
    assert doc["eli"] == "lta/2016/1270" and doc["doc_type"] == "LBK" and doc["as_of"] is None
    assert doc["header"].startswith("Lov om social service (serviceloven) · LBK lta/2016/1270")
    acts = {a["eli"]: a for a in doc["warnings"]}
    assert {"lta/2016/1543", "lta/2016/1544", "lta/2016/1662", "lta/2016/647"} <= set(acts)
    assert acts["lta/2016/1543"]["label"] == "lov nr. 1543 af 13. december 2016"
    assert acts["lta/2016/647"]["partial"] and not acts["lta/2016/1543"]["partial"]
    # 647's in-force dates are those of the items 2016/1270 leaves out (§ 1, nr. 5, 10-31)
    assert acts["lta/2016/647"]["in_force"] == ["2017-01-01"]
    assert doc["warning"].startswith("Advarsel: senere ændret ved ")
    assert "lov nr. 1543 af 13. december 2016" in doc["warning"]
    keys = [p["key"] for p in doc["provisions"]]
    assert keys == ["§ 81 a", "§ 81 a, stk. 1", "§ 81 a, stk. 2"]
    # the ELI's JSON is unchanged: no law fields
    plain = json.loads(ok("show", "lta/2016/1270", "-p", "§ 81 a", "--json", "--db", db))
    assert set(plain) == {"eli", "provisions"} and plain["provisions"] == doc["provisions"]


def test_show_slug_as_of_picks_the_version_in_force(db: str) -> None:
    # on 1 June 2015 the newest version signed is LBK 2015/150 (16 February 2015)
    doc = json.loads(
        ok("show", "serviceloven", "-p", "§ 81", "--as-of", "2015-06-01", "--json", "--db", db)
    )
    assert (doc["version"], doc["date"]) == ("lta/2015/150", "2015-02-16")
    assert doc["as_of"] == "2015-06-01"
    assert not doc["newest"]
    acts = {a["eli"]: a for a in doc["warnings"]}
    # acts the later stored versions incorporate, named with the version that does
    assert acts["lta/2016/171"]["incorporated_in"] == "lta/2016/1270"
    assert acts["lta/2015/529"]["incorporated_in"] == "lta/2015/1053"
    assert "lta/2016/1543" in acts and acts["lta/2016/1543"]["incorporated_in"] is None
    assert "lta/2014/1524" not in acts  # 2015/150 incorporates it
    text = flat(ok("show", "serviceloven", "-p", "§ 81", "--as-of", "2015-06-01", "--db", db))
    assert text.startswith(
        "Lov om social service (serviceloven) · LBK lta/2015/150 af 16. februar 2015"
    )
    assert "gældende pr. 1. juni 2015" in text
    assert "lov nr. 529 af 29. april 2015" in text and "ikke indarbejdet i denne version" in text
    # signed before the date, so perhaps in force on it: said apart
    assert "heraf vedtaget senest 1. juni 2015" in text


def test_show_slug_as_of_before_81a_existed_is_a_clear_error(db: str) -> None:
    line = error_line(
        _run("show", "serviceloven", "-p", "§ 81 a", "--as-of", "2015-06-01", "--db", db)
    )
    assert "lta/2015/150" in line and "har ingen § 81 a" in line
    assert "no provision '§ 81 a'" in line and "den findes i lta/2016/1270" in line
    # and which act inserted it
    assert "lov nr. 171 af 27. februar 2016, § 1, nr. 1 indsætter § 81 a" in line


def test_show_slug_names_the_act_that_changes_the_provision(db: str) -> None:
    # § 63 a is inserted by LOV 2016/1662 § 1, nr. 1, which no stored version incorporates
    line = error_line(_run("show", "serviceloven", "-p", "§ 63 a", "--db", db))
    assert "lta/2016/1270" in line and "lov nr. 1662 af 20. december 2016, § 1, nr. 1" in line
    assert "endnu ikke indarbejdet" in line
    # a provision the older version has and a later act changed: the warning names the item
    doc = json.loads(
        ok("show", "serviceloven", "-p", "§ 81", "--as-of", "2015-12-01", "--json", "--db", db)
    )
    assert doc["version"] == "lta/2015/1284"
    doc = json.loads(
        ok("show", "serviceloven", "-p", "§ 81 a", "--as-of", "2016-11-01", "--json", "--db", db)
    )
    assert doc["version"] == "lta/2016/1270" and doc["changes_without_act"] == []
    assert all(a["changes"] == [] for a in doc["warnings"])  # nothing after 2016/1270 touches it


def test_show_slug_errors(db: str) -> None:
    line = error_line(
        _run("show", "serviceloven", "-p", "§ 85", "--as-of", "2001-01-01", "--db", db)
    )
    assert "ingen version i kraft den 1. januar 2001" in line and "lta/2010/1096" in line
    line = error_line(_run("show", "lta/2016/1270", "--as-of", "2016-01-01", "--db", db))
    assert "--as-of" in line
    line = error_line(_run("show", "ingenlov", "--db", db))
    assert "ingen lov med det navn" in line and "lovspor laws" in line
    line = error_line(_run("show", "serviceloven", "--as-of", "2016-13-01", "--db", db))
    assert "--as-of" in line
    line = error_line(_run("show", "serviceloven", "-p", "§ 999", "--db", db))
    assert "har ingen § 999" in line


def test_show_slug_warns_of_acts_not_stored_but_not_of_other_documents(db: str) -> None:
    # LOV 2010/639's Meta relates LOV 2011/573 (an amending act the corpus lacks) and LBKs
    # such as LBK 2011/710 (beskæftigelsesloven): only the act is named, marked as not stored
    doc = json.loads(ok("show", "godtgoerelsesloven", "-p", "§ 1", "--json", "--db", db))
    acts = {a["eli"]: a for a in doc["warnings"]}
    assert "lta/2011/710" not in acts and "lta/2011/838" not in acts
    a = acts["lta/2011/573"]
    assert not a["stored"] and a["label"] == "lov nr. 573 af 7. juni 2011"
    assert "lov nr. 573 af 7. juni 2011 (ikke i databasen)" in doc["warning"]


def test_show_slug_without_provision_is_the_version_summary(db: str) -> None:
    doc = json.loads(ok("show", "serviceloven", "--json", "--db", db))
    assert doc["version"] == doc["eli"] == "lta/2016/1270" and doc["doc_type"] == "LBK"
    assert doc["title"] == "Bekendtgørelse af lov om social service"
    assert doc["law_title"] == "lov om social service" and doc["warnings"]
    assert doc["changes_without_act"] is None


# --- 2. act on a document that is no amending act --------------------------------------------


def test_act_on_a_consolidated_act_is_an_error(db: str) -> None:
    for args in (("act", "lta/2016/1270"), ("act", "lta/2016/1270", "--json")):
        line = error_line(_run(*args, "--db", db))
        assert "ikke en ændringslov" in line and "not an amending act" in line
        assert "lovbekendtgørelse" in line and "lovspor show lta/2016/1270" in line


def test_act_on_a_main_act_that_amends_nothing_is_an_error(db: str) -> None:
    line = error_line(_run("act", "lta/2015/994", "--db", db))
    assert "ikke en ændringslov" in line and "hovedlov" in line


def test_act_on_a_main_act_with_amending_sections_still_reports(db: str) -> None:
    # LOV 2010/639 is a main act whose closing §§ amend other laws: shown as before
    doc = json.loads(ok("act", "lta/2010/639", "--json", "--db", db))
    assert doc["instructions"] > 0 and doc["sections"]
    doc = json.loads(ok("act", "lta/2016/171", "--json", "--db", db))
    assert doc["label"] == "lov nr. 171 af 27. februar 2016"


# --- 3. consolidate: before/after per changed provision --------------------------------------


def test_consolidate_before_after_names_act_and_item(db: str) -> None:
    args = ("consolidate", "--law", "serviceloven", "--as-of", "2017-01-01", "--db", db)
    text = ok(*args, "--changed-only")
    assert "UOFFICIELLE KONSOLIDERING" in text and "IKKE DEN OFFICIELLE TEKST" in text
    assert "Før og efter (116): før = lta/2016/1270, efter = Lovspors uofficielle" in text
    blocks = {b.split("\n", 1)[0]: b for b in text.split("\n* ")[1:]}
    # LOV 2016/1544 § 2, nr. 1: "eller" moves from nr. 5 to the new nr. 7 of § 66, stk. 1
    b = blocks["§ 66, stk. 1, nr. 5"]
    assert "før:   opholdssteder for børn og unge eller\n" in b
    assert "efter: opholdssteder for børn og unge,\n" in b
    made = "ændret ved: lov nr. 1544 af 13. december 2016, § 2, nr. 1 (i kraft 1. januar 2017)"
    assert made in b
    # a new stk. 7 pushes the old one to stk. 8: the new one did not exist, the old one moved
    assert "før:   (fandtes ikke)" in blocks["§ 66 a, stk. 7"]
    moved = blocks["§ 66 a, stk. 8 (før § 66 a, stk. 7)"]
    assert "ændret ved: lov nr. 1544 af 13. december 2016, § 2, nr. 5" in moved
    # inserted by LOV 2016/1662 § 1, nr. 1; repealed by LOV 2016/647 § 1, nr. 23
    assert "lov nr. 1662 af 20. december 2016, § 1, nr. 1" in blocks["§ 63 a, stk. 1"]
    gone = blocks["§ 123 a, stk. 1, nr. 1 (udgår)"]
    assert "efter: (udgår)" in gone and "lov nr. 647 af 8. juni 2016, § 1, nr. 23" in gone
    # without --changed-only the whole text follows, changed provisions marked
    full = ok(*args)
    assert "Før og efter (116)" in full and "Hele teksten pr. 2017-01-01 (* = ændret):" in full
    assert full.index("Før og efter") < full.index("Hele teksten")


def test_consolidate_json_only_adds_fields(db: str) -> None:
    args = ("consolidate", "--law", "serviceloven", "--as-of", "2017-01-01", "--json", "--db", db)
    doc = json.loads(ok(*args))
    assert doc["format"] == "lovspor.consolidate/1"
    assert {"law", "title", "unofficial", "label", "base_version", "base_signed", "as_of",
            "include_undated", "acts_applied", "not_applied", "acts_not_stored",
            "instructions", "changed", "removed", "provisions"} <= set(doc)  # fmt: skip
    for p in doc["provisions"]:
        assert {"key", "label", "text", "changed"} <= set(p)
        assert ("changed_by" in p) == p["changed"]
    changed = {p["key"]: p for p in doc["provisions"] if p["changed"]}
    assert len(changed) + len(doc["removed_provisions"]) == doc["changed"] == 116
    assert [r["key"] for r in doc["removed_provisions"]] == doc["removed"]
    p = changed["§ 66, stk. 1, nr. 5"]
    assert p["before_key"] == "§ 66, stk. 1, nr. 5"
    assert p["before"] == "opholdssteder for børn og unge eller"
    (att,) = p["changed_by"]
    assert (att["act_eli"], att["section"], att["item"], att["in_force"]) == (
        "lta/2016/1544", "§ 2", "1", "2017-01-01"
    )
    assert changed["§ 66 a, stk. 7"]["before"] is None
    assert changed["§ 66 a, stk. 8"]["before_key"] == "§ 66 a, stk. 7"
    # every changed provision is tied to an item
    assert all(p["changed_by"] for p in changed.values())
    assert all(r["changed_by"] for r in doc["removed_provisions"])


# --- 4. the HTML redline: provenance per change, in Danish -----------------------------------


def test_diff_html_carries_act_item_and_in_force_in_danish(db: str) -> None:
    page = ok("diff", "lta/2015/1284", "lta/2016/1270", "-p", "§ 81 a", "-f", "html", "--db", db)
    assert '<html lang="da">' in page
    assert "3 indsat, 0 ophævet, 0 ændret, 0 omnummereret" in page
    provs = re.findall(r"<div class='prov'>(.*?)</div>", page)
    assert len(provs) == 3  # § 81 a, its stk. 1 and stk. 2
    assert set(provs) == {
        "Indsat ved lov nr. 171 af 27. februar 2016, § 1, nr. 1 · i kraft 1. marts 2016"
    }
    assert "lov nr. 171 af 27. februar 2016" in page and "i kraft" in page
    assert "indsat · § 81 a, stk. 1" in page
    # no English left in the page's own words
    for word in ("inserted", "amended", "repealed", "renumbered", "No changes"):
        assert f">{word}" not in page and f"{word} ·" not in page


def test_diff_html_whole_pair_every_change_has_a_provenance_line(db: str) -> None:
    page = ok("diff", "lta/2015/1284", "lta/2016/1270", "-f", "html", "--db", db)
    blocks = page.split("<div class='ch ")[1:]
    doc = json.loads(ok("diff", "lta/2015/1284", "lta/2016/1270", "-f", "json", "--db", db))
    assert len(blocks) == len(doc["changes"]) > 50
    for b, c in zip(blocks, doc["changes"], strict=True):
        lines = [html.unescape(x) for x in re.findall(r"<div class='prov'>(.*?)</div>", b)]
        assert lines, b[:200]
        if c["attributions"]:
            assert len(lines) == len(c["attributions"])
            for line, a in zip(lines, c["attributions"], strict=True):
                assert a["act_label"] in line and line.split(" ved ")[0] in (
                    "Indsat", "Ophævet", "Ændret", "Omnummereret"
                )  # fmt: skip
                assert ("i kraft" in line) == bool(a["in_force"])
        elif c["attribution"] == "no_act":
            assert lines[0].startswith("Ingen ændringslov bag")
        else:
            assert lines[0].startswith("Ikke henført")


def test_diff_html_without_provenance_says_why_and_escapes(db: str, retsinfo: Path) -> None:
    page = ok("diff", "lta/2015/150", "lta/2016/1270", "-p", "§ 81 a", "-f", "html", "--db", db)
    assert "Ingen hjemmel vist: not consecutive versions" in page
    assert "<div class='prov'>" not in page
    # law text and notes are data: a real change with hostile provenance stays text
    def doc(eli: str):  # type: ignore[no-untyped-def]
        return parse_document((retsinfo / "eli" / eli / "xml").read_bytes(), eli)

    changes = [
        c
        for c in diff_versions(doc("lta/2015/1284").provisions, doc("lta/2016/1270").provisions)
        if c.key.startswith("§ 81 a")
    ]
    bad = Attribution("lta/2016/171", "<script>x</script>", "§ 1", "1<b>", None, "act")
    out = render_html(
        changes,
        title="<i>t</i>",
        provenance=[AttributedChange(c, (bad,), "attributed") for c in changes],
        note="<img src=x>",
    )
    assert "<script" not in out and "<b>" not in out and "<img" not in out and "<i>t" not in out
    assert "&lt;script&gt;x&lt;/script&gt;, § 1, nr. 1&lt;b&gt; · ikrafttræden ukendt" in out
    assert "(kun loven er kendt)" in out
