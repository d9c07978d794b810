"""Seeded mutation fuzzing of the parse → amend → diff pipeline over the real shared corpus
(issue #13).

Each case mutates one real document (bytes, lxml tree, labels, amendment sentences,
encoding, prolog) and runs the pure pipeline: `parse_document`, then `parse_amending_act`
for an amending act, `diff_versions` against the unmutated parse for a consolidated law (whose result must round-trip through `apply_changes`/`revert_changes`).
The only allowed outcomes are a result or `ParseError`; any other
exception, a MemoryError, a case slower than `CASE_LIMIT_S` or a dead worker is a failure.
Cases run in a forked worker under an RLIMIT_AS cap, so a memory blow-up or a hang fails
that case instead of killing pytest.

Deterministic: case *i* is built from ``random.Random(f"{SEED}/{i}")`` alone and the kinds
are dealt round-robin, so the same cases run first on every machine; the time budget only
decides how far down the list a run gets. Reproduce one case with its traceback:

    python -m tests.test_fuzz --seed SEED --case N [--write out.xml]
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import multiprocessing as mp
import os
import random
import re
import resource
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any

from lxml import etree

SEED = int(os.environ.get("LOVSPOR_FUZZ_SEED", "13013"))
MAX_CASES = int(os.environ.get("LOVSPOR_FUZZ_CASES", "1500"))
BUDGET_S = float(os.environ.get("LOVSPOR_FUZZ_BUDGET", "45"))
CASE_LIMIT_S = 5.0  # one case's pipeline run (the "~5 s")
PREP_LIMIT_S = 8.0  # building one mutation (serialising 2,000 copies, a 10 MB node)
MEMORY_HEADROOM = 1536 * 2**20  # RLIMIT_AS above the worker's size at start
MIN_CASES = 40  # fewer means the harness, not the code, is broken
WORKERS = max(1, min(2, os.cpu_count() or 1))

_DOCTYPE_KIND = re.compile(rb"<DocumentType>\s*(\w+)")


# --- the corpus ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    root: Path
    lbk: tuple[str, ...]  # consolidated laws
    lov: tuple[str, ...]  # acts (amending and main)
    amending: tuple[str, ...]  # acts with amendment sentences


def load_corpus(retsinfo: Path) -> Corpus:
    lbk: list[str] = []
    lov: list[str] = []
    amending: list[str] = []
    for f in sorted(retsinfo.glob("eli/lta/*/*/xml")):
        rel = f.relative_to(retsinfo).as_posix()
        data = f.read_bytes()
        m = _DOCTYPE_KIND.search(data[:4096])
        kind = m.group(1) if m else b""
        if kind == b"LBK":
            lbk.append(rel)
        elif kind == b"LOV":
            lov.append(rel)
            if b"<AendringDefinition" in data:
                amending.append(rel)
    return Corpus(retsinfo, tuple(lbk), tuple(lov), tuple(amending))


# --- mutations: (original bytes, rng) → (mutated bytes, what was done) --------------------

Mutation = Callable[[bytes, random.Random], tuple[bytes, str]]


def _tree(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(huge_tree=True, resolve_entities=False))


def _bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _body_text(data: bytes) -> str:
    """The document as text without BOM and XML declaration (to put a new prolog on)."""
    text = data.decode("utf-8-sig")
    return text.split("?>", 1)[1] if text.startswith("<?xml") else text


def _set_text(el: etree._Element, text: str) -> None:
    """Replace an element's content by one `Linea/Char` (or plain text for a label)."""
    for child in list(el):
        el.remove(child)
    if el.tag in ("Explicatus", "Char"):
        el.text = text
        return
    el.text = None
    etree.SubElement(etree.SubElement(etree.SubElement(el, "Exitus"), "Linea"), "Char").text = text


def truncate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    at = rng.randrange(1, len(data))
    return data[:at], f"truncated at byte {at} of {len(data)}"


def flip_bytes(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Random bit flips; half the cases flip low bits of ASCII letters and digits only, so
    the document mostly stays well-formed and the damage reaches labels and text."""
    buf = bytearray(data)
    in_text = rng.random() < 0.5
    where = []
    for _ in range(rng.randint(1, 16)):
        i = rng.randrange(len(buf))
        if in_text:
            i = buf.find(b">", i) + 1  # the start of a text node (or of blanks)
            while 0 < i < len(buf) and not (buf[i] < 128 and chr(buf[i]).isalnum()):
                i = buf.find(b">", i) + 1 if buf[i] == ord("<") else i + 1
            if not 0 < i < len(buf):
                continue
            flipped = buf[i] ^ (1 << rng.randrange(4))
            buf[i] = flipped if chr(flipped).isalnum() else buf[i]
        else:
            buf[i] ^= 1 << rng.randrange(8)
        where.append(i)
    return bytes(buf), f"bit flips{' in text' if in_text else ''} at {sorted(where)}"


_INSERTS = (b"<", b">", b"&", b"]]>", b"\x00", b"\xff\xfe", b"&#0;", b"<!--", b"</Stk>", b"\xc3")


def insert_bytes(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    buf = bytearray(data)
    done = []
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(len(buf) + 1)
        ins = (
            rng.choice(_INSERTS)
            if rng.random() < 0.5
            else bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        )
        buf[at:at] = ins
        done.append((at, ins))
    return bytes(buf), f"inserted {done}"


def delete_bytes(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    buf = bytearray(data)
    done = []
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(len(buf))
        n = rng.randint(1, 64)
        del buf[at : at + n]
        done.append((at, n))
    return bytes(buf), f"deleted (offset, length) {done}"


_DUP_TAGS = ("Stk", "Paragraf", "Indentatio", "AendringsNummer", "Kapitel")
_HEADED_TAGS = ("Kapitel", "Afsnit", "ParagrafGruppe", "Paragraf")
_DUP_BYTES = 20 * 2**20  # copies of a large element stop at about this much XML


def duplicate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Thousands of copies of one element; or, as "shells", 20,000 copies of a heading
    (label and title only), which stresses per-heading work and not document size."""
    root = _tree(data)
    shell = rng.random() < 0.25
    if shell:
        els = [e for t in _HEADED_TAGS for e in root.iter(t) if e.find("Rubrica") is not None]
    if not shell or not els:
        shell = False
        tag = rng.choice([t for t in _DUP_TAGS if root.find(f".//{t}") is not None])
        els = list(root.iter(tag))
    el = rng.choice(els)
    what = f"<{el.tag}> #{els.index(el)} ({len(el)} children)"
    parent = el.getparent()
    assert parent is not None
    at = parent.index(el) + 1
    if shell:
        el = deepcopy(el)
        for child in list(el):
            if child.tag not in ("Explicatus", "Rubrica"):
                el.remove(child)
        copies = 20_000
        what = "heading-only shell of " + what
    else:
        copies = rng.choice((500, 2000, 2000, 3000))
        copies = min(copies, max(100, _DUP_BYTES // len(etree.tostring(el))))
    for _ in range(copies):
        parent.insert(at, deepcopy(el))
    return _bytes(root), f"{copies} copies of {what}"


_EDIT_TAGS = ("Paragraf", "Stk", "Indentatio", "Kapitel", "AendringsNummer")


def edit_structure(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Plausible edits a new version could make: delete, swap and move provisions, renumber
    labels with ordinary numbers. Above all a test of the differ's round trip."""
    root = _tree(data)
    done = []
    for _ in range(rng.randint(1, 12)):
        tags = [t for t in _EDIT_TAGS if root.find(f".//{t}") is not None]
        if not tags:  # a small act whose provisions were all deleted
            break
        tag = rng.choice(tags)
        els = list(root.iter(tag))
        el = rng.choice(els)
        parent = el.getparent()
        assert parent is not None
        op = rng.choice(("delete", "swap", "move", "renumber", "renumber"))
        if op == "delete":
            parent.remove(el)
        elif op == "swap":
            other = rng.choice(els)
            if other is el or el in other.iterancestors() or other in el.iterancestors():
                continue
            a, b = deepcopy(el), deepcopy(other)
            el.getparent().replace(el, b)  # type: ignore[union-attr]
            other.getparent().replace(other, a)  # type: ignore[union-attr]
        elif op == "move":
            other = rng.choice(els)
            if other is el or el in other.iterancestors():
                continue
            parent.remove(el)
            other.addnext(el)
        else:
            label = el.find("Explicatus")
            if label is None or not re.search(r"\d+", label.text or ""):
                continue
            n = rng.choice((0, 1, 2, 3, 12, 99, 1000, 999999))
            label.text = re.sub(r"\d+", str(n), label.text or "", count=1)
            op = f"renumber to {n}"
        done.append(f"{op} <{tag}> #{els.index(el)}")
    return _bytes(root), "; ".join(done)


def _labels(root: etree._Element) -> list[etree._Element]:
    """Labels with a number: "§ 5.", "Stk. 3.", "Kapitel 2", item and amendment "1."."""
    return [
        e
        for e in root.iter("Explicatus")
        if re.match(r"\s*(?:§|Stk\.|Kapitel|\d)[^\d]*\d", e.text or "")
    ]


def _relabel(data: bytes, rng: random.Random, digits: Callable[[], str]) -> tuple[bytes, str]:
    root = _tree(data)
    labels = _labels(root)
    done = []
    for el in rng.sample(labels, min(len(labels), rng.randint(1, 4))):
        old = el.text or ""
        new = re.sub(r"\d+", lambda _m: digits(), old, count=1)
        el.text = new
        done.append(f"{old.strip()!r} → {new[:30]!r}{'…' if len(new) > 30 else ''}")
    return _bytes(root), "labels " + "; ".join(done)


def label_huge(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    return _relabel(data, rng, lambda: rng.choice("123456789") * rng.choice((7, 40, 5000)))


def label_superscript(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    return _relabel(data, rng, lambda: rng.choice(("²", "³", "¹²", "⁴⁵", "₃", "²0")))


def label_arabic(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    return _relabel(data, rng, lambda: rng.choice(("٣", "١٢", "۴", "٣3", "𝟓", "߃")))


_BIG = "1" * 5000
RANGE_SENTENCES = (
    "Stk. 3-99999999 bliver herefter stk. 4-100000000.",
    "I § 5, 1.-99999999. pkt., ændres »a« til: »b«.",
    "Kapitel 1-99999999 ophæves.",
    "I § 3 indsættes som nr. 1-99999999:",
    "I § 5, stk. 1, nr. 3-99999999999, ændres »a« til: »b«.",
    "§§ 1-99999999 ophæves.",
    "I §§ 1-99999999 ændres »a« til: »b«.",
    "Stk. 99999999-3 bliver herefter stk. 4-5.",
    f"I § 5, stk. {_BIG}, ændres »a« til: »b«.",
    f"§ {_BIG} ophæves.",
    "I § ², stk. 1, ændres »a« til: »b«.",
    "I § ٣, stk. 1, ændres »a« til: »b«.",
    "Nr. 1-99999999 bliver herefter nr. 2-100000000.",
    "I § 5 ændres »a« til: »b«" + ", og i 2. pkt. udgår »x«" * 3000 + ".",
    "I § 5 ændres " + "»a« til: »b«, " * 3000 + ".",
    "I § 5 indsættes efter »" + "x" * 200_000 + "«: »y«.",
    "I § 5 ændres »a til: »b",
)
IN_FORCE_SENTENCES = (
    "§ 1, nr. 3-99999999999, træder i kraft den 1. januar 2020.",
    "§ 1, nr. 1-99999999, træder i kraft den 1. juli 2016.",
    f"§ 1, nr. {_BIG}, træder i kraft den 1. januar 2020.",
    "§ 1, nr. 3, træder i kraft den 99999999999. januar 2020.",
    f"§ 1 træder i kraft den 1. januar {_BIG}.",
    "§ 1, nr. ٣, træder i kraft den 1. januar 2020.",
)


def range_sentence(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    root = _tree(data)
    spots = list(root.iter("AendringDefinition")) + list(root.iter("Rykningsklausul"))
    done = []
    for el in rng.sample(spots, min(len(spots), rng.randint(1, 3))):
        sentence = rng.choice(RANGE_SENTENCES)
        _set_text(el, sentence)
        done.append(f"<{el.tag}> {sentence[:80]!r}{'…' if len(sentence) > 80 else ''}")
    return _bytes(root), "; ".join(done)


def in_force_range(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    root = _tree(data)
    spots = [s for p in root.iter("IkraftCentreretParagraf") for s in p.iter("Stk")]
    if not spots:
        spots = list(root.iter("AendringDefinition"))
    el = rng.choice(spots)
    sentence = rng.choice(IN_FORCE_SENTENCES)
    _set_text(el, sentence)
    return _bytes(root), f"<{el.tag}> {sentence[:80]!r}"


def huge_text(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    root = _tree(data)
    chars = list(root.iter("Char"))
    el = rng.choice(chars)
    size = rng.choice((9_000_000, 10 * 2**20))
    unit = rng.choice(("a ", "x", "§ 5, stk. 3, ", "»"))
    el.text = (unit * (size // len(unit) + 1))[:size]
    return _bytes(root), f"<Char> #{chars.index(el)} of {size:,} chars of {unit!r}"


_MARK = "FUZZ-NEST-MARK"


def deep_nesting(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Nesting built as bytes: lxml would recurse serialising a 100,000-deep tree."""
    root = _tree(data)
    depth = rng.choice((50, 200, 250, 300, 5000, 100_000))
    style = rng.choice(("Char", "Stk", "Indentatio"))
    targets = list(root.iter("Stk")) if style != "Char" else []
    if not targets:
        style, targets = "Char", list(root.iter("Char"))
    target = rng.choice(targets)
    if style == "Char":
        target.text = _MARK
        open_, close = "<Char>" * depth, "</Char>" * depth
    elif style == "Stk":
        target.append(etree.Element("Stk"))
        target[-1].text = _MARK
        open_, close = "<Stk><Explicatus>Stk. 2.</Explicatus>" * depth, "</Stk>" * depth
    else:
        target.append(etree.Element("Exitus"))
        target[-1].text = _MARK
        one = "<Index><Indentatio><Explicatus>1)</Explicatus><Exitus>"
        open_, close = one * depth, "</Exitus></Indentatio></Index>" * depth
    nested = (open_ + "tekst" + close).encode()
    return _bytes(root).replace(_MARK.encode(), nested, 1), f"{depth} nested {style}"


_DTDS = (
    '<!DOCTYPE Dokument [<!ENTITY a "lol">]>',
    '<!doctype Dokument [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE Dokument SYSTEM "http://127.0.0.1:9/evil.dtd">',
    '<!DOCTYPE Dokument [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
)


def _filler(rng: random.Random) -> str:
    parts: list[str] = []
    size = 0
    while size < rng.choice((5 * 1024 + 1, 70_000, 200_000)):
        piece = rng.choice((" " * 512, "\n\t\r " * 64, "<!-- " + "x" * 500 + " -->", "<?pi x?>"))
        parts.append(piece)
        size += len(piece)
    return "".join(parts)


def doctype_late(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    dtd = rng.choice(_DTDS)
    filler = _filler(rng)
    text = '<?xml version="1.0" encoding="utf-8"?>' + filler + dtd + _body_text(data)
    return text.encode(), f"{dtd!r} after {len(filler):,} chars of blanks/comments/PIs"


_WIDE = (
    ("UTF-16", "utf-16"),
    ("UTF-16", "utf-16-le"),
    ("UTF-16BE", "utf-16-be"),
    ("UTF-32", "utf-32"),
    ("UTF-16", "utf-8"),
)


def utf16_doctype(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    declared, codec = rng.choice(_WIDE)
    dtd = rng.choice(_DTDS)
    filler = rng.choice(("", " " * 6000, _filler(rng)))
    text = f'<?xml version="1.0" encoding="{declared}"?>{filler}{dtd}{_body_text(data)}'
    if codec == "utf-8":
        return b"\xff\xfe" + text.encode("utf-16-le"), f"BOM + {dtd!r}, declared {declared}"
    return text.encode(codec), f"{dtd!r} after {len(filler)} chars, {codec}, declared {declared}"


def reencode(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """No DOCTYPE: must parse to exactly the original's provisions."""
    declared, codec = rng.choice(_WIDE[:4])
    text = f'<?xml version="1.0" encoding="{declared}"?>{_body_text(data)}'
    return text.encode(codec), f"re-encoded {codec}, declared {declared}"


WRONG_ENCODINGS = (
    "ISO-8859-1",
    "ascii",
    "UTF-16",
    "UTF-32",
    "cp500",
    "Shift_JIS",
    "utf-7",
    "x-nonsense",
    "hex",
    "base64",
    "rot13",
    "zlib",
    "bz2",
    "uu",
    "quopri",
    "undefined",
    "idna",
    "punycode",
    "mbcs",
    "unicode_escape",
    "raw_unicode_escape",
    "utf-8-sig",
)


def wrong_encoding(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    encoding = rng.choice(WRONG_ENCODINGS)
    body = _body_text(data).encode("utf-8")
    bom = rng.choice((b"", b"", b"\xef\xbb\xbf"))
    return (
        bom + f'<?xml version="1.0" encoding="{encoding}"?>'.encode() + body,
        f"UTF-8 bytes{' with BOM' if bom else ''} declared encoding={encoding!r}",
    )


# kind → (mutation, which documents, must the outcome be a ParseError)
KINDS: dict[str, tuple[Mutation, str, bool]] = {
    "truncate": (truncate, "any", False),
    "flip_bytes": (flip_bytes, "any", False),
    "insert_bytes": (insert_bytes, "any", False),
    "delete_bytes": (delete_bytes, "any", False),
    "duplicate": (duplicate, "any", False),
    "edit_structure": (edit_structure, "any", False),
    "label_huge": (label_huge, "any", False),
    "label_superscript": (label_superscript, "any", False),
    "label_arabic": (label_arabic, "any", False),
    "range_sentence": (range_sentence, "amending", False),
    "in_force_range": (in_force_range, "amending", False),
    "huge_text": (huge_text, "any", False),
    "deep_nesting": (deep_nesting, "any", False),
    "doctype_late": (doctype_late, "any", True),
    "utf16_doctype": (utf16_doctype, "any", True),
    "reencode": (reencode, "any", False),
    "wrong_encoding": (wrong_encoding, "any", False),
}
KIND_NAMES = tuple(KINDS)


@dataclass(frozen=True)
class Case:
    seed: int
    index: int
    kind: str
    rel: str

    def __str__(self) -> str:
        return f"seed={self.seed} case={self.index} kind={self.kind} doc={self.rel}"


def plan(corpus: Corpus, seed: int, index: int) -> tuple[Case, random.Random]:
    """Case `index`: kinds round-robin, document and parameters from its own RNG."""
    rng = random.Random(f"{seed}/{index}")
    kind = KIND_NAMES[index % len(KIND_NAMES)]
    pool = corpus.amending if KINDS[kind][1] == "amending" else None
    if pool is None:
        # A mix of consolidated laws and acts, about half each.
        pool = corpus.lbk if rng.random() < 0.5 else corpus.lov
    return Case(seed, index, kind, rng.choice(pool)), rng


def build(corpus: Corpus, seed: int, index: int) -> tuple[Case, bytes, str]:
    case, rng = plan(corpus, seed, index)
    data, detail = KINDS[case.kind][0]((corpus.root / case.rel).read_bytes(), rng)
    return case, data, detail


# --- the pipeline under test --------------------------------------------------------------

_ORIGINALS: dict[str, Any] = {}


def original(corpus: Corpus, rel: str) -> Any:
    from lawdiff.parse import parse_document

    if rel not in _ORIGINALS:
        _ORIGINALS[rel] = parse_document((corpus.root / rel).read_bytes(), rel)
    return _ORIGINALS[rel]


class PropertyFailure(Exception):
    """The pipeline ran but broke a promise (the diff does not turn one version into the other)."""


def pipeline(data: bytes, source: str, base: Any, kind: str) -> str:
    """Run everything on the mutated bytes; "parsed …" or "ParseError …", else it raises
    (`PropertyFailure` when the code ran but the result breaks a rule)."""
    from lawdiff.amend import parse_amending_act
    from lawdiff.diff import apply_changes, diff_versions, revert_changes
    from lawdiff.model import DocKind
    from lawdiff.parse import ParseError, parse_document

    try:
        doc = parse_document(data, source)
    except ParseError as exc:
        return f"ParseError {exc.reason[:120]}"
    if KINDS[kind][2]:
        raise PropertyFailure("a document with a DOCTYPE was accepted")
    if kind == "reencode" and [(p.key, p.text) for p in doc.provisions] != [
        (p.key, p.text) for p in base.provisions
    ]:
        raise PropertyFailure("the re-encoded document reads differently from the original")
    done = [f"{len(doc.provisions)} provisions"]
    if doc.amending_sections:
        act = parse_amending_act(doc)
        n = sum(len(it.instructions) for s in act.sections for it in s.items)
        done.append(f"{n} instructions")
    if doc.meta.kind is DocKind.CONSOLIDATED_ACT:
        changes = diff_versions(base.provisions, doc.provisions)
        # The differ's own promise (tests/test_diff_real.py), on versions it never saw.
        if apply_changes(base.provisions, changes) != {p.key: p.text for p in doc.provisions}:
            raise PropertyFailure("apply_changes(original, diff) is not the mutated version")
        if revert_changes(doc.provisions, changes) != {p.key: p.text for p in base.provisions}:
            raise PropertyFailure("revert_changes(mutated, diff) is not the original")
        done.append(f"{len(changes)} changes")
    return "parsed " + ", ".join(done)


# --- the worker: one forked process, capped, answering case numbers -----------------------


def _where(exc: BaseException) -> str:
    """Innermost frame in the project's own code (else the innermost frame at all)."""
    frames = traceback.extract_tb(exc.__traceback__)
    here = str(Path(__file__).resolve().parent.parent) + os.sep
    own = [f for f in frames if f.filename.startswith(here) and "/tests/" not in f.filename]
    f = (own or frames)[-1]
    return f"{f.filename.removeprefix(here)}:{f.lineno} in {f.name}"


def _vm_size() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _worker(conn: Connection, corpus: Corpus, seed: int, stack: IO[bytes]) -> None:
    # On a hang the parent asks for the Python stack (SIGUSR1) before it kills the worker.
    faulthandler.register(signal.SIGUSR1, file=stack, all_threads=False)
    cap = _vm_size() + MEMORY_HEADROOM
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard < 0 else min(cap, hard), hard))
    sys.setrecursionlimit(10_000)  # deep-nesting cases probe recursion, not this limit
    while True:
        index = conn.recv()
        if index is None:
            return
        try:
            case, data, detail = build(corpus, seed, index)
            base = original(corpus, case.rel)
        except BaseException as exc:  # a harness problem, reported as one
            conn.send(("prep-error", f"{type(exc).__name__}: {exc}"[:300], _where(exc), 0.0))
            continue
        conn.send(("ready", detail))
        t0 = time.perf_counter()
        try:
            outcome = pipeline(data, f"fuzz {case}", base, case.kind)
        except BaseException as exc:
            took = time.perf_counter() - t0
            message = f"{type(exc).__name__}: {str(exc)[:200]}"
            status = "property" if isinstance(exc, PropertyFailure) else "error"
            conn.send((status, message, _where(exc), took))
            continue
        conn.send(("ok", outcome, "", time.perf_counter() - t0))


@dataclass
class Result:
    case: Case
    detail: str
    status: str  # ok, error, property, slow, hang, died, prep-error
    message: str
    where: str
    took: float

    def failure_class(self) -> tuple[str, str, str]:
        return (self.case.kind, self.status, f"{self.message.split(':')[0]} @ {self.where}")


class Worker:
    def __init__(self, ctx: Any, corpus: Corpus, seed: int) -> None:
        self.conn, child = ctx.Pipe()
        self.stack = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the worker)
        self.proc = ctx.Process(target=_worker, args=(child, corpus, seed, self.stack), daemon=True)
        self.proc.start()
        child.close()
        self.case: Case | None = None
        self.detail = ""
        self.deadline = 0.0
        self.running = False  # "ready" received: the pipeline clock runs

    def send(self, case: Case) -> None:
        self.case, self.detail, self.running = case, "", False
        self.deadline = time.monotonic() + PREP_LIMIT_S
        self.conn.send(case.index)

    def where_stuck(self) -> str:
        """The innermost project frame of the worker's Python stack, dumped on request."""
        if self.proc.pid is None or not self.proc.is_alive():
            return ""
        os.kill(self.proc.pid, signal.SIGUSR1)
        time.sleep(0.3)
        self.stack.seek(0)
        dump = self.stack.read().decode(errors="replace")
        here = str(Path(__file__).resolve().parent.parent) + os.sep
        for m in re.finditer(r'File "([^"]+)", line (\d+) in (\S+)', dump):  # innermost first
            path, line, name = m.groups()
            if path.startswith(here) and "/tests/" not in path:
                return f"{path.removeprefix(here)}:{line} in {name}"
        return ""

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()
        self.stack.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.proc.join(2)
        if self.proc.is_alive():
            self.kill()


def run_cases(corpus: Corpus, seed: int, max_cases: int, budget_s: float) -> list[Result]:
    """Cases 0, 1, 2, … on `WORKERS` forked workers until `max_cases` or the budget."""
    ctx = mp.get_context("fork")
    workers = [Worker(ctx, corpus, seed) for _ in range(WORKERS)]
    idle = list(workers)
    results: list[Result] = []

    def fail(w: Worker, status: str, message: str, where: str, took: float) -> None:
        # After a failure (a MemoryError above all) the worker starts afresh.
        assert w.case is not None
        results.append(Result(w.case, w.detail, status, message, where, took))
        w.kill()
        workers[workers.index(w)] = new = Worker(ctx, corpus, seed)
        idle.append(new)

    nxt = 0
    t_end = time.monotonic() + budget_s
    try:
        while True:
            while idle and nxt < max_cases and time.monotonic() < t_end:
                idle.pop().send(plan(corpus, seed, nxt)[0])
                nxt += 1
            busy = [w for w in workers if w not in idle]
            if not busy:
                break
            wait = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = mp.connection.wait([w.conn for w in busy], timeout=wait)
            for w in busy:
                assert w.case is not None
                if w.conn in ready:
                    try:
                        msg = w.conn.recv()
                    except (EOFError, OSError):
                        w.proc.join(2)
                        fail(w, "died", f"worker died, exit code {w.proc.exitcode}", "", 0.0)
                        continue
                    if msg[0] == "ready":
                        w.detail, w.running = msg[1], True
                        w.deadline = time.monotonic() + CASE_LIMIT_S
                    elif msg[0] == "ok" and msg[3] > CASE_LIMIT_S:
                        fail(w, "slow", f"{msg[3]:.1f}s > {CASE_LIMIT_S}s: {msg[1]}", "", msg[3])
                    elif msg[0] == "ok":
                        results.append(Result(w.case, w.detail, *msg))
                        idle.append(w)
                    else:
                        fail(w, *msg)
                elif time.monotonic() >= w.deadline:
                    phase = "running" if w.running else "building the mutation"
                    limit = CASE_LIMIT_S if w.running else PREP_LIMIT_S
                    fail(w, "hang", f"killed after {limit}s {phase}", w.where_stuck(), limit)
    finally:
        for w in workers:
            w.stop()
    results.sort(key=lambda r: r.case.index)
    return results


def report(results: list[Result]) -> str:
    """Failures grouped by class, the first case of each with a reproducing command."""
    classes: dict[tuple[str, str, str], list[Result]] = {}
    for r in results:
        if r.status != "ok":
            classes.setdefault(r.failure_class(), []).append(r)
    lines = [
        f"{sum(map(len, classes.values()))} of {len(results)} cases failed, "
        f"{len(classes)} distinct classes:"
    ]
    for (kind, status, _), rs in sorted(classes.items(), key=lambda kv: kv[1][0].case.index):
        r = rs[0]
        lines.append(
            f"- [{status}] {kind}: {r.message[:200]}"
            + (f"\n    at {r.where}" if r.where else "")
            + f"\n    {len(rs)} case(s), first: {r.case}\n    mutation: {r.detail[:300]}"
            + f"\n    reproduce: python -m tests.test_fuzz --seed {r.case.seed} --case {r.case.index}"
        )
    return "\n".join(lines)


# --- the test -----------------------------------------------------------------------------


def test_mutated_real_documents_parse_or_raise_parse_error(retsinfo: Path) -> None:
    corpus = load_corpus(retsinfo)
    assert corpus.lbk and corpus.amending, f"no LBK or amending LOV under {retsinfo}"
    t0 = time.monotonic()
    results = run_cases(corpus, SEED, MAX_CASES, BUDGET_S)
    took = time.monotonic() - t0
    print(f"\nfuzz: seed {SEED}, {len(results)} cases in {took:.1f}s on {WORKERS} worker(s)")
    assert len(results) >= min(MIN_CASES, MAX_CASES), (
        f"only {len(results)} cases ran in {BUDGET_S}s (seed {SEED}): the harness is too slow"
    )
    ran = {r.case.kind for r in results}
    assert ran == set(KIND_NAMES), f"kinds never run: {set(KIND_NAMES) - ran}"
    assert {r.case.rel for r in results} & set(corpus.lbk), "no consolidated law was fuzzed"
    failures = [r for r in results if r.status != "ok"]
    assert not failures, report(results)


# --- reproducing one case -----------------------------------------------------------------


def _main(argv: list[str] | None = None) -> int:
    from lovspor.settings import shared_dir

    ap = argparse.ArgumentParser(description="Run one fuzz case in-process, with traceback.")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--case", type=int, required=True)
    ap.add_argument("--write", type=Path, help="write the mutated document here")
    args = ap.parse_args(argv)
    shared = shared_dir()
    if shared is None:
        print("Fejl: shared data folder not found (set LOVSPOR_SHARED)", file=sys.stderr)
        return 2
    corpus = load_corpus(shared / "retsinfo")
    case, data, detail = build(corpus, args.seed, args.case)
    print(f"{case}\nmutation: {detail[:2000]}\n{len(data):,} bytes")
    if args.write:
        args.write.write_bytes(data)
    base = original(corpus, case.rel)
    t0 = time.perf_counter()
    print(pipeline(data, f"fuzz {case}", base, case.kind))
    print(f"{time.perf_counter() - t0:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(_main())
