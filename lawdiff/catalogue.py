"""The one catalogue of laws: the social laws Lovspor tracks by default (with seeds), the
other laws it knows by name (for references in law text and in the impact data), and how one
main act succeeded another. Every stage resolves a law's name here and nowhere else.

A seed is any one document of the law's chain; the chain spider walks from it backwards
(Indledning → previous version and amending acts) and forwards (`Meta` later-change lists,
which the site keeps current). The seeds below are consolidated acts that real amending acts
cite ("I lov om …, jf. lovbekendtgørelse nr. …"), so each is a document that exists. Users
add laws in a TOML/YAML file (`lovspor crawl --catalogue FILE`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from lawdiff.refs import normalize_law_title


@dataclass(frozen=True, slots=True)
class Succession:
    """A new main act replaced (or took over part of) an older law."""

    predecessor: str  # slug
    act_eli: str  # the new main act: "lta/2005/573"
    in_force: str  # ISO date
    partial: bool = False  # barnets lov took over only serviceloven's children's part
    note: str = ""


@dataclass(frozen=True, slots=True)
class LawEntry:
    slug: str
    title: str  # canonical, lower case: "lov om social service"
    popular_title: str | None
    seeds: tuple[str, ...]  # ELI paths ("lta/2016/1270") or accession numbers
    aliases: tuple[str, ...] = ()  # other titles the law has had
    successions: tuple[Succession, ...] = field(default_factory=tuple)
    # names citations use besides the title ("I retsplejeloven, jf. …"); the popular title
    # counts as one without being listed
    short_titles: tuple[str, ...] = ()
    accessions: tuple[str, ...] = ()  # accession numbers of versions others cite (KLE)

    def names(self) -> tuple[str, ...]:
        """Every normalised name the law is cited by."""
        raw = (self.title, *self.aliases, *self.short_titles,
               *((self.popular_title,) if self.popular_title else ()))
        return tuple(dict.fromkeys(normalize_law_title(n) for n in raw))


CATALOGUE: tuple[LawEntry, ...] = (
    LawEntry(
        "serviceloven",
        "lov om social service",
        "Serviceloven",
        ("lta/2016/1270",),
        accessions=("A20250015529",),
        successions=(
            Succession(
                "serviceloven-1997",
                "lta/2005/573",
                "2007-01-01",
                note="Lov nr. 573 af 24. juni 2005 replaced lov nr. 454 af 10. juni 1997",
            ),
        ),
    ),
    LawEntry(
        "barnets-lov",
        "barnets lov",
        "Barnets lov",
        ("lta/2023/721",),
        accessions=("A20250028229",),
        successions=(
            Succession(
                "serviceloven",
                "lta/2023/721",
                "2024-01-01",
                partial=True,
                note="Took over serviceloven's rules on children and young people",
            ),
        ),
    ),
    LawEntry(
        "retssikkerhedsloven",
        "lov om retssikkerhed og administration på det sociale område",
        "Retssikkerhedsloven",
        ("lta/2016/1345",),
        accessions=("A20250035429",),
    ),
    LawEntry("aktivloven", "lov om aktiv socialpolitik", "Aktivloven", ("lta/2015/806",), accessions=("A20240080829",)),
    LawEntry(
        "beskaeftigelsesloven",
        "lov om en aktiv beskæftigelsesindsats",
        "Beskæftigelsesloven",
        ("lta/2016/1342",),
        accessions=("A20240028029",),
        successions=(
            Succession(
                "beskaeftigelsesloven-2003",
                "lta/2019/548",
                "2020-01-01",
                note="Lov nr. 548 af 7. maj 2019 (beskæftigelsesloven) replaced the 2003 act",
            ),
        ),
    ),
    LawEntry("sygedagpengeloven", "lov om sygedagpenge", "Sygedagpengeloven", ("lta/2016/48",)),
    LawEntry("pensionsloven", "lov om social pension", "Pensionsloven", ("lta/2015/10",)),
    LawEntry(
        "boligstoetteloven",
        "lov om individuel boligstøtte",
        "Boligstøtteloven",
        ("lta/2015/158",),
    ),
    LawEntry("socialtilsynsloven", "lov om socialtilsyn", "Socialtilsynsloven", ("lta/2016/124",), accessions=("A20250023629",)),
    LawEntry("aeldreloven", "ældreloven", "Ældreloven", (), aliases=("lov om ældre",),
             short_titles=("ældrelov",), accessions=("A20240165130",)),
)

#: Laws Lovspor knows by name but does not crawl by default: law text and the impact data
#: cite them ("jf. § 19 i forvaltningsloven"). Add one to CATALOGUE (with a seed) to track it.
KNOWN: tuple[LawEntry, ...] = (
    LawEntry("almenboligloven", "lov om almene boliger m.v.", "Almenboligloven", ()),
    LawEntry("integrationsloven", "lov om integration af udlændinge i danmark",
             "Integrationsloven", ()),
    LawEntry("forvaltningsloven", "forvaltningsloven", "Forvaltningsloven", ()),
    LawEntry("retsplejeloven", "lov om rettens pleje", "Retsplejeloven", ()),
    LawEntry("udlaendingeloven", "udlændingeloven", "Udlændingeloven", ()),
    LawEntry("straffeloven", "straffeloven", "Straffeloven", ()),
    LawEntry("familieretshusloven", "lov om familieretshuset", "Familieretshusloven", ()),
    LawEntry("kompensationsloven", "lov om kompensation til handicappede i erhverv m.v.",
             "Kompensationsloven", ()),
    LawEntry("psykiatriloven", "lov om anvendelse af tvang i psykiatrien m.v.",
             "Psykiatriloven", ()),
    LawEntry("friplejeboligloven", "lov om friplejeboliger", "Friplejeboligloven", ()),
    LawEntry("ungdomskriminalitetsloven", "lov om bekæmpelse af ungdomskriminalitet",
             "Ungdomskriminalitetsloven", ()),
)

_ALL = (*CATALOGUE, *KNOWN)
_BY_SLUG = {e.slug: e for e in _ALL}
_BY_NAME: dict[str, LawEntry] = {}
for _e in _ALL:
    for _n in _e.names():
        _BY_NAME.setdefault(_n, _e)
_BY_ACCESSION = {a: e for e in _ALL for a in e.accessions}


def normalize_title(title: str) -> str:
    """The one title normaliser ("Bekendtgørelse af lov om social service", "LBK af …",
    "I lov om …", a popular subtitle in parentheses, a footnote star → "lov om social
    service"; "m.v." keeps its period): `lawdiff.refs.normalize_law_title`."""
    return normalize_law_title(title)


def by_slug(slug: str) -> LawEntry | None:
    return _BY_SLUG.get(slug)


def by_title(title: str) -> LawEntry | None:
    """The law a title, alias, short or popular title names."""
    return _BY_NAME.get(normalize_title(title))


def by_accession(accession: str) -> LawEntry | None:
    return _BY_ACCESSION.get(accession.split("#", 1)[0].strip().upper())


def known_names() -> dict[str, str]:
    """Every normalised name → slug (for matching law names in running text)."""
    return {n: e.slug for n, e in _BY_NAME.items()}


def slugify(text: str) -> str:
    t = normalize_title(text)
    t = t.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")[:80] or "ukendt-lov"


def slug_for_title(title: str, popular_title: str | None = None) -> str:
    entry = by_title(title)
    if entry:
        return entry.slug
    if popular_title:
        return slugify(popular_title)
    return slugify(title)


def load_user_catalogue(path: Path) -> tuple[LawEntry, ...]:
    """Extra laws from a TOML or YAML file: a list `laws` of {slug, title, seeds, …}."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".toml":
        import tomllib

        data = tomllib.loads(text)
    else:
        import yaml

        data = yaml.safe_load(text) or {}
    out: list[LawEntry] = []
    for i, row in enumerate(data.get("laws", []), start=1):
        if not isinstance(row, dict) or not row.get("slug") or not row.get("title"):
            raise ValueError(f"{path}: law #{i} needs at least 'slug' and 'title'")
        out.append(
            LawEntry(
                str(row["slug"]),
                normalize_title(str(row["title"])),
                row.get("popular_title"),
                tuple(str(s) for s in row.get("seeds", ())),
                tuple(normalize_title(str(a)) for a in row.get("aliases", ())),
            )
        )
    return tuple(out)
