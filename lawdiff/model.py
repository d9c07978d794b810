"""The one small typed model every stage shares: work → version → amendment.

The crawler stores bytes, `lawdiff.parse` turns bytes into these objects, and the differ,
the amendment parser, the impact graph and the dashboard read nothing else. Plain frozen
dataclasses: cheap to build, hashable where it matters, trivially serialisable.

Danish terms kept as the domain's own words:
- *paragraf* (§): the numbered section of an act; keys look like ``§ 81 a``.
- *stk.* (stykke): a numbered subsection, ``§ 81 a, stk. 2``; the first one is unnumbered
  in the text but is ``stk. 1`` in the key.
- *nr.*: an item of a numbered list ``1)``; *litra*: a lettered item ``a)``.
- *ændringslov*: an amending act; *lovbekendtgørelse* (LBK): a consolidated act.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from lawdiff import keys


class DocKind(StrEnum):
    """What a document is to a law's history (decided from `DocumentType`)."""

    MAIN_ACT = "main_act"  # LOV H: a new act (hovedlov)
    AMENDING_ACT = "amending_act"  # LOV Æ: ændringslov
    CONSOLIDATED_ACT = "consolidated_act"  # LBK H: lovbekendtgørelse
    ORDER = "order"  # BEK: bekendtgørelse (ministerial order)
    OTHER = "other"  # CIR, VEJ, …


class Level(StrEnum):
    PARAGRAF = "paragraf"
    STK = "stk"
    NR = "nr"
    LITRA = "litra"


@dataclass(frozen=True, slots=True)
class ItemRef:
    """A reference to a provision of an act, e.g. ``§ 1, nr. 1-4, 6-9`` → § 1, items 1..4, 6..9.

    ``items`` is empty when the whole paragraph is meant (``§ 2 i lov nr. 133``).
    """

    paragraph: str  # "§ 1"
    items: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ActRef:
    """A citation of an act: ``lov nr. 171 af 27. februar 2016`` → ``lta/2016/171``."""

    kind: str  # "lov", "lovbekendtgørelse", "bekendtgørelse", …
    number: int
    date: dt.date | None
    eli: str  # "lta/2016/171"; year taken from the date
    text: str  # the matched text, for messages and for the unparsed list
    parts: tuple[ItemRef, ...] = ()  # which parts of the act (empty: the whole act)


@dataclass(frozen=True, slots=True)
class UnparsedRef:
    """A citation-like span that the grammar did not understand: kept, never dropped."""

    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Intro:
    """What a consolidated act's `Indledning` says about where it comes from."""

    previous: ActRef | None  # "jf. lovbekendtgørelse nr. 1284 af 17. november 2015"
    incorporated: tuple[ActRef, ...]  # "med de ændringer, der følger af …"
    not_incorporated: tuple[ActRef, ...]  # second paragraph: items not yet in force
    unparsed: tuple[UnparsedRef, ...] = ()
    text: str = ""


@dataclass(frozen=True, slots=True)
class MetaChange:
    """One later amending act listed in `Meta` (Change/Ref_Accn/Ref_Af/Ref_Text or AendresAf)."""

    accession: str | None  # "A20160064730"
    eli: str | None  # "lta/2016/647"
    date: dt.date | None
    text: str


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    accession: str  # "A20160127029"
    eli: str  # "lta/2016/1270"
    doc_type: str  # normalised: "LOV", "LBK", "BEK", "CIR", "VEJ", …
    document_type_raw: str  # "LBK H#LOKDOK03"
    kind: DocKind
    year: int
    number: int
    title: str
    popular_title: str | None
    signed: dt.date | None  # DiesSigni
    status: str | None  # "Valid", "Historic"
    ministry: str | None
    short_name: str | None  # "LBK nr 1270 af 24/10/2016"
    later_changes: tuple[MetaChange, ...] = ()


@dataclass(frozen=True, slots=True)
class Provision:
    """A node of the provision tree: a §, stk., nr. or litra with its own text only.

    ``text`` excludes the children's text, so a change in nr. 3 does not also show as a
    change in its stk.; ``full_text`` of a subtree is built by joining in document order.
    """

    key: str  # "§ 81 a, stk. 2, nr. 3"
    level: Level
    number: str  # "81 a", "2", "3", "b"
    label: str  # as printed, NBSP folded: "§ 81 a.", "Stk. 2.", "3)", "b)"
    parent: str | None  # parent key; None for a §
    text: str  # own text, whitespace-normalised
    position: int  # document order within the version
    chapter: str | None = None  # "Kapitel 7 · Hjælp til …"
    section: str | None = None  # "Afsnit III · …"
    heading: str | None = None  # the § group heading (ParagrafGruppe/Rubrica)
    notes: tuple[str, ...] = ()  # Nota texts attached to this provision

    @property
    def paragraph_key(self) -> str:
        return keys.paragraph(self.key)


@dataclass(frozen=True, slots=True)
class TextBlock:
    """Body text that is not a provision of this act: Hymne, Indledning, LBK Ikraft notes,
    annexes (Bilag), tables, signature lines. Kept so that nothing of the text is lost."""

    kind: str  # "hymne", "indledning", "ikraft", "bilag", "table", "other"
    label: str | None
    text: str


@dataclass(frozen=True, slots=True)
class RawAmendmentItem:
    """One numbered item ("1.") of an amending act, as the XML holds it, not yet understood."""

    number: str  # "1", "12"
    definitions: tuple[str, ...]  # AendringDefinition sentences, one per Aendring
    new_texts: tuple[str, ...]  # AendringNyTekst plain text per Aendring ("" if none)
    new_provisions: tuple[tuple[Provision, ...], ...]  # parsed new §/stk./nr. per Aendring
    renumbering: tuple[str, ...] = ()  # Rykningsklausul sentences
    targets: tuple[tuple[str, ...], ...] = ()  # AendringURN-marked spans per Aendring
    position: int = 0


@dataclass(frozen=True, slots=True)
class RawAmendingSection:
    """An `AendringCentreretParagraf`: "§ 1. I lov om social service, jf. …, foretages
    følgende ændringer:" followed by its numbered items."""

    label: str  # "§ 1"
    intro: str
    items: tuple[RawAmendmentItem, ...]


@dataclass(frozen=True, slots=True)
class LawDocument:
    meta: DocumentMeta
    provisions: tuple[Provision, ...]
    intro: Intro | None = None
    blocks: tuple[TextBlock, ...] = ()
    amending_sections: tuple[RawAmendingSection, ...] = ()
    in_force: tuple[Provision, ...] = ()  # IkraftCentreretParagraf stk. of an amending act

    def provision(self, key: str) -> Provision | None:
        for p in self.provisions:
            if p.key == key:
                return p
        return None

    @property
    def paragraphs(self) -> tuple[Provision, ...]:
        return tuple(p for p in self.provisions if p.level is Level.PARAGRAF)


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """A non-fatal oddity met while parsing (an unnumbered stk. in the middle, …)."""

    where: str
    message: str


@dataclass(slots=True)
class LawWork:
    """A law as a work: the identity that persists across its consolidated versions."""

    slug: str  # "serviceloven"
    title: str  # "lov om social service"
    popular_title: str | None = None
    versions: list[DocumentMeta] = field(default_factory=list)
    amending_acts: list[DocumentMeta] = field(default_factory=list)


class ChangeKind(StrEnum):
    INSERTED = "inserted"
    REPEALED = "repealed"
    AMENDED = "amended"
    RENUMBERED = "renumbered"  # same content (or amended) under a new key: stk. 3 → stk. 4


@dataclass(frozen=True, slots=True)
class TokenOp:
    """One word-level edit: a UI renders "equal" plain, "delete" struck, "insert" underlined."""

    op: str  # "equal" | "delete" | "insert"
    text: str


@dataclass(frozen=True, slots=True)
class ProvisionChange:
    """How one provision differs between two versions of a law.

    For RENUMBERED, ``ops`` is empty when only the number moved, else it holds the word diff.
    """

    kind: ChangeKind
    level: Level
    old_key: str | None
    new_key: str | None
    old_text: str
    new_text: str
    ops: tuple[TokenOp, ...] = ()
    similarity: float = 1.0

    @property
    def key(self) -> str:
        """The key a reader looks a change up by: the new one, or the old one if repealed."""
        return self.new_key or self.old_key or ""

    @property
    def paragraph_key(self) -> str:
        return keys.paragraph(self.key)


@dataclass(frozen=True, slots=True)
class Attribution:
    """Provenance of a change: the amending act and the numbered item that made it."""

    act_eli: str  # "lta/2016/171"
    act_label: str  # "lov nr. 171 af 27. februar 2016"
    section: str  # "§ 1" of the amending act
    item: str | None  # "1" (numbered item), None when the act section has no numbered items
    in_force: dt.date | None = None
    confidence: str = "exact"  # "exact" | "sunset" (a lapsing §) | "paragraph" | "act"


@dataclass(frozen=True, slots=True)
class AttributedChange:
    """A change with every act that made it, best first: the one shape the differ's result
    takes once provenance is known (stored by `db/mapper.py`, read by impact and dashboard).
    """

    change: ProvisionChange
    attributions: tuple[Attribution, ...]
    status: str  # "attributed" | "no_act" (no amending act behind it) | "unattributed"
    reason: str = ""

    @property
    def best(self) -> Attribution | None:
        return self.attributions[0] if self.attributions else None
