"""Write an expected-result file for each shared document that has none yet.

Never overwrites: an expected file is reviewed by hand (against the XML and MANIFEST.tsv)
before it is committed; to change one, edit it and say why in the commit. Run:
    python tests/expected/make_expected.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from lawdiff.parse import parse_document
from lovspor.settings import shared_dir

HERE = Path(__file__).resolve().parent / "retsinfo"


def summary(data: bytes, source: str) -> dict:
    d = parse_document(data, source)
    m = d.meta
    paragraphs = [p.key for p in d.paragraphs]
    return {
        "eli": m.eli,
        "accession": m.accession,
        "doc_type": m.doc_type,
        "kind": m.kind.value,
        "signed": m.signed.isoformat() if m.signed else None,
        "status": m.status,
        "title": m.title,
        "popular_title": m.popular_title,
        "paragraphs": len(paragraphs),
        "provisions": len(d.provisions),
        "first_paragraphs": paragraphs[:3],
        "last_paragraph": paragraphs[-1] if paragraphs else None,
        "intro_previous": d.intro.previous.eli if d.intro and d.intro.previous else None,
        "amending_sections": [[s.label, len(s.items)] for s in d.amending_sections],
        "later_changes": [c.eli for c in m.later_changes],
    }


def expected_path(eli: str) -> Path:
    _, year, number = eli.split("/")
    return HERE / f"{year}-{number}.json"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=None)
    args = ap.parse_args()
    root = (args.shared or shared_dir(required=True)) / "retsinfo"
    HERE.mkdir(parents=True, exist_ok=True)
    written = 0
    for f in sorted(root.glob("eli/lta/*/*/xml")):
        eli = "lta/" + "/".join(f.parts[-3:-1])
        out = expected_path(eli)
        if out.exists():
            continue
        out.write_text(
            json.dumps(summary(f.read_bytes(), eli), ensure_ascii=False, indent=1) + "\n"
        )
        written += 1
    print(f"{written} new expected files in {HERE} — review each before committing")


if __name__ == "__main__":
    main()
