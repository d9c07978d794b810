"""Write the expected instruction file of a shared amending act that has none yet.

Like tests/expected/make_expected.py: never overwrites; each file is checked by hand against
the act's XML (every item's sentence, target, old/new text and entry into force) before it is
committed. Run: python tests/expected/make_amend_expected.py lta/2016/171 [ELI ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from lawdiff.amend import parse_amending_act
from lawdiff.parse import parse_document
from lovspor.settings import shared_dir

HERE = Path(__file__).resolve().parent / "amend"


def summary(data: bytes, eli: str) -> dict:
    act = parse_amending_act(parse_document(data, eli))
    return {
        "eli": act.eli,
        "label": act.label,
        "sections": [
            {
                "section": sec.label,
                "law_title": sec.law_title,
                "base": sec.amended.base.eli if sec.amended.base else None,
                "items": [
                    {
                        "item": it.number,
                        "in_force": it.in_force.date.isoformat() if it.in_force.date else None,
                        "in_force_status": it.in_force.status,
                        "instructions": [
                            {
                                "action": ins.action.value,
                                "targets": [t.key for t in ins.targets],
                                "position": ins.position,
                                "anchor_text": ins.anchor_text,
                                "old_text": ins.old_text,
                                "new_text": (ins.new_text or "")[:80] or None,
                                "new_keys": list(ins.new_keys),
                            }
                            for ins in it.instructions
                        ],
                    }
                    for it in sec.items
                ],
            }
            for sec in act.sections
        ],
    }


def expected_path(eli: str) -> Path:
    _, year, number = eli.split("/")
    return HERE / f"{year}-{number}.json"


def main(elis: list[str]) -> None:
    root = shared_dir(required=True) / "retsinfo"
    HERE.mkdir(parents=True, exist_ok=True)
    for eli in elis:
        out = expected_path(eli)
        if out.exists():
            print(f"{out} exists: not overwritten")
            continue
        data = (root / "eli" / eli / "xml").read_bytes()
        out.write_text(json.dumps(summary(data, eli), ensure_ascii=False, indent=1) + "\n")
        print(f"wrote {out} — review it against the XML before committing")


if __name__ == "__main__":
    main(sys.argv[1:])
