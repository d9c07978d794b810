"""LexDania 2.1 XML (retsinformation.dk) → `LawDocument`.

Bytes in, plain objects out: no I/O. The traps this module exists for (see DESIGN.md):
labels carry no-break spaces (`§\u00a05.`), `localId` is missing on many paragraphs and
element ids are random per version (so identity comes from labels only), files may start
with a BOM, the first stk. is unnumbered, and a `Paragraf` inside `AendringNyTekst` belongs
to the law being amended, not to the amending act.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from lxml import etree

from lawdiff import keys
from lawdiff.model import (
    DocKind,
    DocumentMeta,
    LawDocument,
    Level,
    MetaChange,
    Provision,
    RawAmendingSection,
    RawAmendmentItem,
    TextBlock,
)
from lawdiff.numbers import NumberError, is_label_int, label_int


class ParseError(ValueError):
    """The bytes are not a complete LexDania document; names the document and the reason."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


# Safe by construction: no DTD, no entity expansion, no network, no huge trees.
_PARSER_OPTS = dict(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)

MAX_DOCUMENT_BYTES = 64 * 2**20
"""The largest real LexDania documents are a few MB; anything far larger is not one."""

MAX_ELEMENTS = 1_000_000
"""Elements in one document (the consolidated Serviceloven has about 8,000)."""

_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_HTML = re.compile(rb"^\s*(?:\xef\xbb\xbf)?\s*(?:<!DOCTYPE\s+html|<html)", re.IGNORECASE)
_PARA_NUM = re.compile(r"§+\s*(\d+)\s*([a-zæøå]{0,3})\b\.?", re.IGNORECASE)
_STK_NUM = re.compile(r"stk\.?\s*(\d+)", re.IGNORECASE)
_ITEM_NUM = re.compile(r"^\(?\s*([0-9]+|[a-zæøå]{1,3})\s*[).]?", re.IGNORECASE)
_FOOTNOTE_MARK = re.compile(r"^\s*\d+\)\s*$")
_DEPTH = {Level.PARAGRAF: 0, Level.STK: 1, Level.NR: 2, Level.LITRA: 3}
_STK_LINE = re.compile(r"^\s*Stk\.\s*(\d+)\.\s*$")
_ACCESSION = re.compile(r"^([A-Z])([0-9]{4})([0-9]{5})([0-9]{2})$")

_DOC_TYPES = {"LOV", "LBK", "BEK", "CIR", "VEJ", "CIRK", "SKR", "AFG", "DOM", "UDT", "TRAKTAT"}


def norm(text: str | None) -> str:
    """Fold no-break spaces, newlines and runs of blanks into single spaces."""
    # str.split() splits on every Unicode space, no-break space included.
    return " ".join(text.split()) if text else ""


def meta_norm(text: str | None) -> str:
    """`Meta` text may hold a literal backslash-n (two characters) where a newline was meant."""
    return norm(text.replace("\\n", " ")) if text else ""


def _make_parser() -> etree.XMLParser:
    return etree.XMLParser(**_PARSER_OPTS)


def load_root(data: bytes, source: str = "<bytes>") -> etree._Element:
    """Parse bytes safely and check that they are a LexDania `Dokument`."""
    if not data or not data.strip():
        raise ParseError(source, "empty document")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ParseError(
            source,
            f"{len(data) / 2**20:.0f} MB is more than a LexDania document can be "
            f"(limit {MAX_DOCUMENT_BYTES // 2**20} MB)",
        )
    head = data[:4096]
    if _HTML.search(head):
        raise ParseError(source, "an HTML page, not a LexDania <Dokument> (an error page?)")
    if _DOCTYPE.search(head) or _prolog_has_doctype(data, source):
        # Checked before libxml2 sees the bytes: no entity is ever declared, let alone expanded.
        raise ParseError(source, "a DOCTYPE/DTD is not allowed in a LexDania document")
    try:
        root = etree.fromstring(data, _make_parser())
    except etree.XMLSyntaxError as exc:
        raise ParseError(source, f"not well-formed XML ({exc.msg}, line {exc.lineno})") from exc
    for n, _el in enumerate(root.iter(), start=1):
        if n > MAX_ELEMENTS:
            raise ParseError(source, f"more than {MAX_ELEMENTS:,} XML elements")
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise ParseError(source, "a DOCTYPE/DTD is not allowed in a LexDania document")
    if root.tag != "Dokument":
        raise ParseError(source, f"root element is <{root.tag}>, not <Dokument> (an error page?)")
    if root.find("Meta") is None:
        raise ParseError(source, "no <Meta> element: truncated or not a retsinformation document")
    if root.find("DokumentIndhold") is None:
        raise ParseError(source, "no <DokumentIndhold> element: truncated document")
    return root


_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    # No BOM: the first "<?" tells the width and byte order (XML 1.0, Appendix F).
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x4c\x6f\xa7\x94", "cp500"),  # EBCDIC "<?xm"
)
_DECLARED = re.compile(r"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")
_PROLOG_CHUNK = 65536


def _prolog_has_doctype(data: bytes, source: str) -> bool:
    """Whether a DOCTYPE comes before the root element, in whatever encoding the document
    is written and however much whitespace, comment or processing instruction precedes it.

    Reads only the prolog, decoded incrementally: linear in its length, never the whole
    document.
    """
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), "utf-8")
    first = data[:200].decode(encoding, errors="replace").lstrip("\ufeff")
    if (m := _DECLARED.match(first)) and encoding in ("utf-8", "cp500"):
        encoding = m.group(1).lower()
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):  # "rot13", "bz2", "uu"
        raise ParseError(source, f"unknown character encoding {encoding!r}")
    try:
        return _scan_prolog(data, info.incrementaldecoder(errors="replace"))
    except (UnicodeError, ValueError, TypeError, AssertionError) as exc:
        raise ParseError(
            source, f"the bytes do not decode as the declared encoding {encoding!r} ({exc})"
        ) from None


def _scan_prolog(data: bytes, decoder: codecs.IncrementalDecoder) -> bool:
    text = ""  # the undecided rest of the prolog
    searched = 0  # how far an unterminated comment/PI has been searched for its end
    for start in range(0, len(data), _PROLOG_CHUNK):
        text += decoder.decode(data[start : start + _PROLOG_CHUNK])
        while text:
            text = text.lstrip("\ufeff \t\r\n")
            if not text:
                break
            if text.startswith("<?") or text.startswith("<!--"):
                close = "?>" if text[1] == "?" else "-->"
                end = text.find(close, max(searched, 2))
                if end < 0:
                    searched = max(len(text) - len(close), 0)
                    break  # the construct continues in the next chunk
                text, searched = text[end + len(close) :], 0
                continue
            if len(text) < 9 and start + _PROLOG_CHUNK < len(data):
                break  # too short to tell "<!DOCTYPE" from the root; read on
            return text[:9].upper() == "<!DOCTYPE"
    return False


# --- text helpers -------------------------------------------------------------------------


def linea_text(linea: etree._Element) -> str:
    # Chars within a line are fragments of one run of text (italic, bold): joined without a
    # separator, as printed. A superscript footnote mark ("3)" after "§ 90, stk. 1") is not
    # law text — joined, it would read "stk. 13)"; the note itself is kept as a Nota.
    return "".join(
        c.text or ""
        for c in linea.iterchildren("Char")
        if not (c.get("formaChar") == "Superscript" and _FOOTNOTE_MARK.match(c.text or ""))
    )


def char_text(el: etree._Element) -> str:
    """All Char text below `el`, lines separated by a space, normalised."""
    return norm(" ".join(linea_text(li) for li in el.iter("Linea")))


def _explicatus(el: etree._Element) -> str:
    # The label is the first child wherever there is one; look further only if not.
    ex = el[0] if len(el) and el[0].tag == "Explicatus" else el.find("Explicatus")
    return norm(ex.text) if ex is not None else ""


def _parse_date(text: str | None) -> dt.date | None:
    text = norm(text)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def paragraph_number(label: str) -> str | None:
    """ "§ 81 a." / "§81a" / "§ 81 A" → "81 a"."""
    m = _PARA_NUM.search(label)
    if not m:
        return None
    num, letter = m.group(1), m.group(2).lower()
    if not is_label_int(num):  # "§ 4444…" (5,000 digits) or other scripts' digits
        return None
    return f"{num} {letter}" if letter else num


def accession_eli(accession: str) -> str | None:
    m = _ACCESSION.match(accession.replace(" ", ""))
    if not m:
        return None
    return f"lta/{int(m.group(2))}/{int(m.group(3))}"


# --- metadata -----------------------------------------------------------------------------


def _doc_kind(raw_type: str) -> tuple[str, DocKind]:
    head = raw_type.split("#", 1)[0].strip().upper()
    parts = head.split()
    base = parts[0] if parts else ""
    flag = parts[1] if len(parts) > 1 else ""
    if base == "LOV":
        return "LOV", DocKind.AMENDING_ACT if flag.startswith("Æ") else DocKind.MAIN_ACT
    if base == "LBK":
        return "LBK", DocKind.CONSOLIDATED_ACT
    if base == "BEK":
        return "BEK", DocKind.ORDER
    return (base if base in _DOC_TYPES else base or "UKENDT"), DocKind.OTHER


def _later_changes(meta: etree._Element) -> tuple[MetaChange, ...]:
    """Change/Ref_* runs are flat siblings linked by REFid; AendresAf holds short names."""
    from lawdiff.refs import eli_from_short_name  # local: refs is a sibling pure module

    by_ref: dict[str, dict[str, str]] = {}
    order: list[str] = []
    for el in meta:
        if not isinstance(el.tag, str):
            continue
        if el.tag == "Change":
            cid = el.get("id") or f"change_{len(order) + 1}"
            by_ref.setdefault(cid, {})
            order.append(cid)
        elif el.tag in ("Ref_Accn", "Ref_Af", "Ref_Text"):
            rid = el.get("REFid") or (order[-1] if order else "")
            if rid not in by_ref:
                by_ref[rid] = {}
                order.append(rid)
            by_ref[rid][el.tag] = meta_norm(el.text)
    out: list[MetaChange] = []
    seen: set[str] = set()
    for rid in order:
        rec = by_ref[rid]
        accn = rec.get("Ref_Accn") or None
        eli = accession_eli(accn) if accn else None
        if not (accn or rec.get("Ref_Text")):
            continue
        out.append(MetaChange(accn, eli, _parse_date(rec.get("Ref_Af")), rec.get("Ref_Text", "")))
        if eli:
            seen.add(eli)
    for kort in meta.iterfind("AendresAf/Dokument/KortNavn"):
        name = meta_norm(kort.text)
        parsed = eli_from_short_name(name)
        if parsed is None:
            out.append(MetaChange(None, None, None, name))
            continue
        eli, _doc_type, date = parsed
        if eli in seen:
            continue
        seen.add(eli)
        out.append(MetaChange(None, eli, date, name))
    return tuple(out)


def parse_meta(root: etree._Element, source: str) -> DocumentMeta:
    meta = root.find("Meta")
    assert meta is not None

    def get(tag: str) -> str | None:
        el = meta.find(tag)
        return meta_norm(el.text) if el is not None and el.text else None

    raw_type = get("DocumentType") or ""
    doc_type, kind = _doc_kind(raw_type)
    accession = (get("AccessionNumber") or "").replace(" ", "")
    year_s, number_s = get("Year"), get("Number")
    try:
        year = label_int(year_s, "Year") if year_s else 0
        number = label_int(number_s, "Number") if number_s else 0
    except NumberError as exc:
        raise ParseError(source, f"Meta Year/Number: {exc}") from exc
    if not year or not number:
        m = _ACCESSION.match(accession)
        if not m:
            raise ParseError(source, "Meta has neither Year/Number nor a valid AccessionNumber")
        year, number = int(m.group(2)), int(m.group(3))
    title = get("DocumentTitle") or char_text(root.find("TitelGruppe") or etree.Element("x"))
    return DocumentMeta(
        accession=accession,
        eli=f"lta/{year}/{number}",
        doc_type=doc_type,
        document_type_raw=raw_type,
        kind=kind,
        year=year,
        number=number,
        title=title,
        popular_title=get("PopularTitle"),
        signed=_parse_date(get("DiesSigni")),
        status=get("Status"),
        ministry=get("Ministry"),
        short_name=get("DokumentKortNavn"),
        later_changes=_later_changes(meta),
    )


# --- provision tree -----------------------------------------------------------------------


@dataclass
class _Ctx:
    section: str | None = None
    chapter: str | None = None
    heading: str | None = None


@dataclass
class _Builder:
    """Collects provisions in document order and keeps keys unique within one tree."""

    prefix: str = ""  # "" for a law's own §§; used for relative keys in new text
    provisions: list[Provision] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    sections: list[RawAmendingSection] = field(default_factory=list)
    # Next free "(n)" suffix per duplicated key: thousands of copies of one Stk stay linear.
    suffix: dict[str, int] = field(default_factory=dict)
    # Running tallies the walkers ask per element, kept here so they cost O(1), not a scan:
    stk_count: dict[str | None, int] = field(default_factory=dict)  # stk. per parent key
    last_at_depth: dict[int, tuple[int, str]] = field(default_factory=dict)  # (index, key)

    index: dict[str, int] = field(default_factory=dict)  # key → position in provisions
    extra: dict[int, list[str]] = field(default_factory=dict)  # text to append, by position

    def append_text(self, key: str, text: str) -> None:
        """Layout text that belongs to an earlier provision; joined once in `done`, so ten
        thousand unlabelled lines cost a list append each, not a re-normalised copy."""
        i = self.index.get(key)
        if i is not None:
            self.extra.setdefault(i, []).append(text)

    def done(self) -> list[Provision]:
        for i, parts in self.extra.items():
            p = self.provisions[i]
            self.provisions[i] = replace(p, text=norm(" ".join([p.text, *parts])))
        self.extra.clear()
        return self.provisions

    def last_above(self, level: Level) -> str:
        """Key of the latest provision above ``level`` (a § or stk. for an nr.), or ""."""
        found = [v for d, v in self.last_at_depth.items() if d < _DEPTH[level]]
        return max(found)[1] if found else ""

    def add(self, prov: Provision) -> Provision:
        key = prov.key
        if key in self.keys:
            n = self.suffix.get(key, 2)
            while f"{key} ({n})" in self.keys:
                n += 1
            self.suffix[key] = n + 1
            self.problems.append(f"duplicate key {key!r}; kept as {key} ({n})")
            key = f"{key} ({n})"
            prov = replace(prov, key=key)
        self.keys.add(key)
        self.provisions.append(prov)
        if prov.level is Level.STK:
            self.stk_count[prov.parent] = self.stk_count.get(prov.parent, 0) + 1
        self.last_at_depth[_DEPTH[prov.level]] = (len(self.provisions) - 1, key)
        self.index[key] = len(self.provisions) - 1
        return prov


def _own_text(el: etree._Element, notes: list[str]) -> str:
    """Text of `el`'s Exitus lines, leaving out nested Index lists (their own provisions)
    and collecting Nota (footnotes) separately."""
    parts: list[str] = []
    for ex in el.iterchildren("Exitus"):
        for child in ex:
            tag = child.tag
            if tag == "Linea":
                parts.append(linea_text(child))
            elif tag == "Nota":
                notes.append(_label_join(_explicatus(child), char_text(child)))
            elif tag == "Table":
                parts.append(char_text(child))
    return norm(" ".join(parts))


def _label_join(label: str, text: str) -> str:
    return f"{label} {text}".strip()


def _index_items(el: etree._Element) -> Iterator[etree._Element]:
    for ex in el.iterchildren("Exitus"):
        for idx in ex.iterchildren("Index"):
            yield from idx.iterchildren("Indentatio")


def _item_number(label: str, fallback: int, problems: list[str]) -> str:
    m = _ITEM_NUM.match(label)
    if not m:
        return str(fallback)
    number = m.group(1).lower()
    if number.isdigit() and not is_label_int(number):
        problems.append(f"item label {label[:40]!r}: too long a number; numbered {fallback}")
        return str(fallback)
    return number


def _walk_items(
    el: etree._Element, parent_key: str, b: _Builder, ctx: _Ctx, pos: list[int]
) -> None:
    counters = {Level.NR: 0, Level.LITRA: 0}
    for ind in _index_items(el):
        _walk_indentatio(ind, parent_key, b, ctx, pos, counters)


def _walk_indentatio(
    ind: etree._Element,
    parent_key: str,
    b: _Builder,
    ctx: _Ctx,
    pos: list[int],
    counters: dict[Level, int],
) -> None:
    forma = ind.get("formaInd", "Nummer")
    label = _explicatus(ind)
    notes: list[str] = []
    text = _own_text(ind, notes)
    if forma == "Fri" or not label:
        # An unlabelled indentation is layout: its text stays with the parent provision.
        if text:
            _append_text(b, parent_key, text)
        _walk_items(ind, parent_key, b, ctx, pos)
        return
    level = Level.LITRA if forma == "Litra" else Level.NR
    counters[level] += 1
    number = _item_number(label, counters[level], b.problems)
    key = keys.child(parent_key or None, f"{'litra' if level is Level.LITRA else 'nr.'} {number}")
    pos[0] += 1
    prov = b.add(
        Provision(
            key,
            level,
            number,
            label,
            parent_key or None,
            text,
            pos[0],
            ctx.chapter,
            ctx.section,
            ctx.heading,
            tuple(notes),
        )
    )
    _walk_items(ind, prov.key, b, ctx, pos)


def _append_text(b: _Builder, key: str, text: str) -> None:
    b.append_text(key, text)


def _walk_stk(
    stk: etree._Element, para_key: str | None, n: int, b: _Builder, ctx: _Ctx, pos: list[int]
) -> None:
    label = _explicatus(stk)
    notes: list[str] = []
    text = _own_text(stk, notes)
    if not label:
        # New text "som nyt stykke" prints its number as the first line ("Stk. 3.") instead
        # of an Explicatus: it is the label, not text.
        first = stk.find("Exitus/Linea")
        if first is not None and (lm := _STK_LINE.match(linea_text(first))):
            label = f"Stk. {lm.group(1)}."
            text = norm(text[len(norm(linea_text(first))) :])
    m = _STK_NUM.search(label)
    number = m.group(1) if m else str(n)
    if not is_label_int(number):
        b.problems.append(f"{para_key}: stk. label {label[:40]!r} is no stk. number; read as {n}")
        number = str(n)
    key = keys.child(para_key, f"stk. {number}")
    pos[0] += 1
    prov = b.add(
        Provision(
            key,
            Level.STK,
            number,
            label,
            para_key,
            text,
            pos[0],
            ctx.chapter,
            ctx.section,
            ctx.heading,
            tuple(notes),
        )
    )
    _walk_items(stk, prov.key, b, ctx, pos)
    if stk.find("AendringsNummer") is not None:
        # A main act amending other acts: "§ 40. I lov om …, foretages følgende ændringer:"
        # inside an ordinary § — the items are new text for the other law, not our stk.
        label = para_key or key
        b.sections.append(RawAmendingSection(label, text, _amendment_items(stk, "")))


def _walk_paragraf(
    par: etree._Element, b: _Builder, ctx: _Ctx, pos: list[int], source: str
) -> None:
    label = _explicatus(par)
    number = paragraph_number(label) or "?"
    if number == "?":
        # Seen in real LBKs: an empty Explicatus on a repealed "(Ophævet)" § (the site's
        # converter wrote id="ParId_value_Could_Not_Be_Extracted…"); numbered afterwards
        # from its neighbours by _number_unlabelled.
        b.problems.append(f"{source}: a § without a readable number (label {label[:40]!r})")
        number = f"?{pos[0]}"
    key = f"§ {number}"
    notes: list[str] = []
    text = _own_text(par, notes)
    heading = ctx.heading
    rub = par.find("Rubrica")
    if rub is not None:
        heading = char_text(rub)
    pos[0] += 1
    prov = b.add(
        Provision(
            key,
            Level.PARAGRAF,
            number,
            label,
            None,
            text,
            pos[0],
            ctx.chapter,
            ctx.section,
            heading,
            tuple(notes),
        )
    )
    stk_n = 0
    for stk in par.iterchildren("Stk"):
        stk_n += 1
        _walk_stk(stk, prov.key, stk_n, b, ctx, pos)
        m = _STK_NUM.search(_explicatus(stk))
        if m and is_label_int(m.group(1)):
            stk_n = int(m.group(1))
    _walk_items(par, prov.key, b, ctx, pos)


def _heading_of(el: etree._Element) -> str | None:
    label = _explicatus(el)
    rub = el.find("Rubrica")
    text = char_text(rub) if rub is not None else ""
    joined = " · ".join(x for x in (label, text) if x)
    return joined or None


def _walk_container(
    el: etree._Element,
    b: _Builder,
    ctx: _Ctx,
    pos: list[int],
    source: str,
    blocks: list[TextBlock],
) -> None:
    for child in el:
        if isinstance(child.tag, str):
            _walk_element(child, b, ctx, pos, source, blocks)


def _walk_element(
    child: etree._Element,
    b: _Builder,
    ctx: _Ctx,
    pos: list[int],
    source: str,
    blocks: list[TextBlock],
) -> None:
    """One element of Bog/Afsnit/Kapitel/ParagrafGruppe (or of new text), in order."""
    tag = child.tag
    if tag == "Paragraf":
        _walk_paragraf(child, b, ctx, pos, source)
    elif tag == "Afsnit":
        _walk_container(child, b, _Ctx(_heading_of(child), None, None), pos, source, blocks)
    elif tag == "Kapitel":
        _walk_container(child, b, _Ctx(ctx.section, _heading_of(child), None), pos, source, blocks)
    elif tag == "ParagrafGruppe":
        rub = child.find("Rubrica")
        heading = char_text(rub) if rub is not None else ctx.heading
        _walk_container(child, b, _Ctx(ctx.section, ctx.chapter, heading), pos, source, blocks)
    elif tag in ("Bog", "Del"):
        _walk_container(child, b, ctx, pos, source, blocks)
    elif tag == "Stk":
        # A bare stk. outside a § (new text "som nyt stk.", one stray case in a body):
        # it continues the § before it, or stands alone in new text.
        prev = b.provisions[-1].paragraph_key if b.provisions and not b.prefix else None
        n = b.stk_count.get(prev, 0) + 1
        _walk_stk(child, prev, n, b, ctx, pos)
    elif tag == "Indentatio":
        # Sibling items of new text ("som nye numre:" 1), 2)) share one parent: the last
        # provision above their level, not the item before them.
        level = Level.LITRA if child.get("formaInd") == "Litra" else Level.NR
        parent = b.last_above(level)
        _walk_indentatio(child, parent, b, ctx, pos, {Level.NR: 0, Level.LITRA: 0})
    elif tag in ("Rubrica", "Explicatus"):
        pass  # headings are folded into ctx and listed by _heading_blocks
    elif tag == "Exitus" and child.find("Index") is not None:
        # New text that is a list of items ("nr. 14) …" inserted "som nyt nr."): the items
        # are provisions (nr./litra) of their own, the lines around them plain text.
        parent = b.provisions[-1].key if b.provisions and not b.prefix else ""
        text = norm(" ".join(linea_text(li) for li in child.iterchildren("Linea")))
        if text:
            blocks.append(TextBlock("text", None, text))
        counters = {Level.NR: 0, Level.LITRA: 0}
        for idx in child.iterchildren("Index"):
            for ind in idx.iterchildren("Indentatio"):
                _walk_indentatio(ind, parent, b, ctx, pos, counters)
    else:
        text = char_text(child)
        if text:
            kind = tag.lower() if tag in ("Table", "Bilag", "Nota") else "text"
            blocks.append(TextBlock(kind, _explicatus(child) or None, text))


_HEADED_ANYWHERE = ("Afsnit", "Kapitel", "ParagrafGruppe", "Paragraf")
_HEADED_ON_TOP = ("AendringCentreretParagraf", "IkraftCentreretParagraf")


def _heading_blocks(el: etree._Element) -> Iterator[TextBlock]:
    """Headings of this act's own structure (those inside new text belong to new_texts).

    One pass in document order; an XPath union here made libxml2 merge node sets in
    quadratic time (20,000 repeated Afsnit took minutes).
    """
    for c in el.iter(*_HEADED_ANYWHERE, *_HEADED_ON_TOP):
        if c.tag in _HEADED_ON_TOP and c.getparent() is not el:
            continue
        rub = c.find("Rubrica")
        if rub is None or any(a.tag == "AendringNyTekst" for a in c.iterancestors()):
            continue
        yield TextBlock("heading", _explicatus(c) or None, char_text(rub))


def parse_new_text(el: etree._Element, source: str = "<new text>") -> tuple[Provision, ...]:
    """Provisions inside `AendringNyTekst`: new text for *another* law, keyed as printed
    (`§ 81 a`, or `stk. 2` / `nr. 3` for bare pieces)."""
    b = _Builder(prefix="new")
    _walk_container(el, b, _Ctx(), [0], source, [])
    return tuple(b.done())


def _amending_section(el: etree._Element, source: str) -> RawAmendingSection:
    label = _explicatus(el).rstrip(".")
    intro = norm(" ".join(char_text(ex) for ex in el.iterchildren("Exitus")))
    return RawAmendingSection(label or "§ ?", intro, _amendment_items(el, source))


def _amendment_items(el: etree._Element, source: str) -> tuple[RawAmendmentItem, ...]:
    items: list[RawAmendmentItem] = []
    for pos, num_el in enumerate(el.iterchildren("AendringsNummer"), start=1):
        number = _explicatus(num_el).rstrip(".").strip() or str(pos)
        definitions: list[str] = []
        new_texts: list[str] = []
        new_provs: list[tuple[Provision, ...]] = []
        targets: list[tuple[str, ...]] = []
        for aend in num_el.iterchildren("Aendring"):
            d = aend.find("AendringDefinition")
            definitions.append(char_text(d) if d is not None else "")
            targets.append(
                tuple(
                    norm(c.text)
                    for c in (d.iter("Char") if d is not None else ())
                    if c.get("signiChar") == "AendringURN" and norm(c.text)
                )
            )
            ny = aend.find("AendringAktion/AendringNyTekst")
            if ny is None:
                new_texts.append("")
                new_provs.append(())
            else:
                new_texts.append(char_text(ny))
                new_provs.append(parse_new_text(ny, source))
        # Plain text directly under the item (rare): keep it as a definition.
        for ex in num_el.iterchildren("Exitus"):
            t = char_text(ex)
            if t:
                definitions.append(t)
                targets.append(())
                new_texts.append("")
                new_provs.append(())
        renum = tuple(char_text(r) for r in num_el.iterchildren("Rykningsklausul"))
        items.append(
            RawAmendmentItem(
                number,
                tuple(definitions),
                tuple(new_texts),
                tuple(new_provs),
                renum,
                tuple(targets),
                pos,
            )
        )
    return tuple(items)


def _int_part(number: str) -> int | None:
    m = re.match(r"(\d+)", number)
    return int(m.group(1)) if m and is_label_int(m.group(1)) else None


def _number_unlabelled(provisions: list[Provision]) -> tuple[Provision, ...]:
    """Give a label-less § the number its neighbours leave free: between § 37 a and § 42
    it is "38-41" (a repealed range), between § 12 and § 14 it is "13"."""
    paras = [p for p in provisions if p.level is Level.PARAGRAF]
    renames: dict[str, str] = {}
    # The number of the next labelled § after each position, in one backward pass (a
    # document of thousands of unlabelled §§ stays linear).
    following: list[int | None] = [None] * (len(paras) + 1)
    for i in range(len(paras) - 1, -1, -1):
        q = paras[i]
        following[i] = following[i + 1] if q.number.startswith("?") else _int_part(q.number)
    for i, p in enumerate(paras):
        if not p.number.startswith("?"):
            continue
        before = _int_part(paras[i - 1].number) if i > 0 else 0
        after = following[i + 1]
        if before is not None and after is not None and after - before >= 2:
            lo, hi = before + 1, after - 1
            renames[p.key] = f"§ {lo}" if lo == hi else f"§ {lo}-{hi}"
        elif before is not None and after is None:
            renames[p.key] = f"§ {before + 1}"  # a trailing unlabelled § (entry into force)
        else:
            renames[p.key] = f"§ (efter {paras[i - 1].number})" if i > 0 else "§ (uden nummer)"
    if not renames:
        return tuple(provisions)
    # A name from the neighbours may already be taken (a § printed out of order, two
    # unlabelled §§ in one gap): keys stay unique, as the differ requires.
    used = {q.key for q in paras if q.key not in renames}
    for old, name in renames.items():
        unique, n = name, 2
        while unique in used:
            unique, n = f"{name} ({n})", n + 1
        used.add(unique)
        renames[old] = unique
    out: list[Provision] = []
    for p in provisions:
        head = p.paragraph_key
        if head in renames:
            new_head = renames[head]
            parent = p.parent.replace(head, new_head, 1) if p.parent else None
            number = new_head[2:] if p.level is Level.PARAGRAF else p.number
            p = replace(p, key=new_head + p.key[len(head) :], parent=parent, number=number)
        out.append(p)
    return tuple(out)


def parse_document(data: bytes, source: str = "<bytes>") -> LawDocument:
    """Parse one retsinformation XML document. Raises `ParseError` for anything that is not
    a complete LexDania `Dokument`."""
    root = load_root(data, source)
    meta = parse_meta(root, source)
    body = root.find("DokumentIndhold")
    assert body is not None
    b = _Builder()
    pos = [0]
    blocks: list[TextBlock] = []
    sections = b.sections
    in_force_keys: list[str] = []
    intro = None
    intro_texts: list[str] = []

    for child in body:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag == "Indledning":
            intro_texts = [char_text(ex) for ex in child.iterchildren("Exitus")]
            blocks.append(TextBlock("indledning", None, "\n".join(intro_texts)))
        elif tag == "Hymne":
            blocks.append(TextBlock("hymne", None, char_text(child)))
        elif tag == "AendringCentreretParagraf":
            sec = _amending_section(child, source)
            sections.append(sec)
            pos[0] += 1
            number = paragraph_number(sec.label) or sec.label
            rub = child.find("Rubrica")
            b.add(
                Provision(
                    f"§ {number}",
                    Level.PARAGRAF,
                    number,
                    sec.label,
                    None,
                    sec.intro,
                    pos[0],
                    None,
                    None,
                    char_text(rub) if rub is not None else None,
                )
            )
        elif tag == "IkraftCentreretParagraf":
            before = len(b.provisions)
            _walk_paragraf(child, b, _Ctx(), pos, source)
            in_force_keys.extend(p.key for p in b.provisions[before:])
        elif tag == "Ikraft":
            # A consolidated act reprints the entry-into-force rules of the acts it
            # incorporates: other acts' provisions, kept as text, never as §§ of this law.
            blocks.append(TextBlock("ikraft", None, char_text(child)))
        else:
            _walk_element(child, b, _Ctx(), pos, source, blocks)

    for extra in root.iterchildren("Bilag"):
        blocks.append(TextBlock("bilag", _explicatus(extra) or None, char_text(extra)))
    blocks.extend(_heading_blocks(body))

    if meta.kind is DocKind.CONSOLIDATED_ACT and intro_texts:
        from lawdiff.refs import parse_intro

        intro = parse_intro("\n".join(intro_texts))

    provisions = _number_unlabelled(b.done())
    wanted = set(in_force_keys)
    in_force = tuple(p for p in provisions if p.key in wanted)
    return LawDocument(
        meta=meta,
        provisions=provisions,
        intro=intro,
        blocks=tuple(blocks),
        amending_sections=tuple(sections),
        in_force=in_force,
    )
