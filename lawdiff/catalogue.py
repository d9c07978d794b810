"""The one catalogue of laws: the social laws Lovspor tracks by default (with seeds), the
other laws it knows by name (for references in law text and in the impact data), and how one
main act succeeded another. Every stage resolves a law's name here and nowhere else.

The tracked laws are the main social laws that municipalities and Udbetaling Danmark
administer (the kind of list Justitia counted in 2020: social services, benefits, pensions,
employment, housing support, integration, day care and special education); `KNOWN` says
why a near miss is left out.

A seed is any one document of the law's chain; the chain spider walks from it backwards
(Indledning → previous version and amending acts) and forwards (`Meta` later-change lists,
which the site keeps current). Each seed is checked against the shared data
(tests/test_catalogue.py): a consolidated act (LBK) or main act (LOV) stored there whose
title is the law's, or — where `seed_note` says so — a version that an amending act stored
there cites as the one it amends ("I lov om …, jf. lovbekendtgørelse nr. …"), so the
document exists though the shared data lacks it. Users add laws in a TOML/YAML file
(`lovspor crawl --catalogue FILE`).
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
    # why a seed is not a document of the shared data (or why there is no seed); empty: every
    # seed is a stored LBK/LOV of this law
    seed_note: str = ""

    def names(self) -> tuple[str, ...]:
        """Every normalised name the law is cited by."""
        raw = (self.title, *self.aliases, *self.short_titles,
               *((self.popular_title,) if self.popular_title else ()))
        return tuple(dict.fromkeys(normalize_law_title(n) for n in raw))


_CITED = "the document is not in the shared data; amending acts there cite it as the version "

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
        seed_note="the main act (lov nr. 721 af 13. juni 2023) is later than the shared data "
        "(documents up to 2016); no stored act cites it",
    ),
    LawEntry(
        "retssikkerhedsloven",
        "lov om retssikkerhed og administration på det sociale område",
        "Retssikkerhedsloven",
        ("lta/2016/1345",),
        accessions=("A20250035429",),
    ),
    LawEntry("aktivloven", "lov om aktiv socialpolitik", "Aktivloven", ("lta/2015/806",),
             accessions=("A20240080829",),
             seed_note=_CITED + "they amend (LOV 2015/1000 § 1, 2015/1569 § 6, 2015/1868 § 4)"),
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
    LawEntry(
        "beskaeftigelsesorganiseringsloven",
        "lov om organisering og understøttelse af beskæftigelsesindsatsen m.v.",
        None,
        ("lta/2014/1482",),
    ),
    LawEntry("sygedagpengeloven", "lov om sygedagpenge", "Sygedagpengeloven", ("lta/2016/48",),
             seed_note=_CITED + "they amend (LOV 2016/624 § 5, 2016/625 § 1, 2016/628 § 5)"),
    LawEntry("pensionsloven", "lov om social pension", "Pensionsloven",
             ("lta/2015/10", "lta/2013/1116"),
             seed_note="lta/2015/10: " + _CITED + "they amend (LOV 2015/174 § 32, 2016/625 "
             "§ 4); lta/2013/1116 is in the corpus"),
    LawEntry(
        "gammelfoertidspensionsloven",
        "lov om højeste, mellemste, forhøjet almindelig og almindelig førtidspension m.v.",
        "Gammelførtidspensionsloven",
        ("lta/2013/1232",),
    ),
    LawEntry(
        "boligstoetteloven",
        "lov om individuel boligstøtte",
        "Boligstøtteloven",
        ("lta/2015/158", "lta/2013/1231"),
        seed_note="lta/2015/158: " + _CITED + "they amend (LOV 2015/527 § 4, 2015/1000 § 7); "
        "lta/2013/1231 is in the corpus",
    ),
    LawEntry("socialtilsynsloven", "lov om socialtilsyn", "Socialtilsynsloven",
             ("lta/2016/124", "lta/2013/608"), accessions=("A20250023629",),
             seed_note="lta/2016/124: " + _CITED + "they amend (LOV 2016/647 § 2, 2016/1544 "
             "§ 1); the main act lta/2013/608 is in the corpus"),
    LawEntry("aeldreloven", "ældreloven", "Ældreloven", (), aliases=("lov om ældre",),
             short_titles=("ældrelov",), accessions=("A20240165130",),
             seed_note="a law of 2024, later than the shared data: no seed can be checked"),
    LawEntry(
        "barselloven",
        "lov om ret til orlov og dagpenge ved barsel",
        "Barselloven",
        ("lta/2013/872",),
        short_titles=("barselsloven",),  # "I barselsloven, jf. …" (LOV 2016/624 § 6)
    ),
    LawEntry(
        "boernetilskudsloven",
        "lov om børnetilskud og forskudsvis udbetaling af børnebidrag",
        "Børnetilskudsloven",
        ("lta/2012/856",),
    ),
    LawEntry(
        # the slug the law had before it was catalogued (no popular title in its LBKs)
        "lov-om-en-boerne-og-ungeydelse",
        "lov om en børne- og ungeydelse",
        None,
        ("lta/2011/964",),
        aliases=("lov om en børnefamilieydelse",),  # the title until 2010 (LOV 2010/624 § 1)
    ),
    LawEntry("integrationsloven", "lov om integration af udlændinge i danmark",
             "Integrationsloven", ("lta/2013/1115",)),
    LawEntry("danskuddannelsesloven", "lov om danskuddannelse til voksne udlændinge m.fl.",
             None, ("lta/2010/1010",)),
    LawEntry("repatrieringsloven", "repatrieringsloven", "Repatrieringsloven",
             ("lta/2013/1052",)),
    LawEntry("kompensationsloven", "lov om kompensation til handicappede i erhverv m.v.",
             "Kompensationsloven", ("lta/2009/727",),
             seed_note=_CITED + "they amend (LOV 2010/431 § 5, 2012/153 § 4, 2013/493 § 15, "
             "2014/1482 § 60)"),
    LawEntry("arbejdsloeshedsforsikringsloven", "lov om arbejdsløshedsforsikring m.v.", None,
             ("lta/2013/1101",)),
    LawEntry("seniorjobloven", "lov om seniorjob", None, ("lta/2015/1090",),
             seed_note=_CITED + "they amend (LOV 2016/395 § 10, 2016/624 § 3)"),
    LawEntry("fleksydelsesloven", "lov om fleksydelse", None, ("lta/2015/1121",),
             seed_note=_CITED + "it amends (LOV 2016/624 § 7)"),
    LawEntry("kontantydelsesloven", "lov om kontantydelse", None, ("lta/2015/174",)),
    LawEntry("dagtilbudsloven", "lov om dag-, fritids- og klubtilbud m.v. til børn og unge",
             "Dagtilbudsloven", ("lta/2013/1240",)),
    LawEntry("stu-loven", "lov om ungdomsuddannelse for unge med særlige behov", "STU-loven",
             ("lta/2013/1031",)),
    LawEntry("specialundervisningsloven", "lov om specialundervisning for voksne", None,
             ("lta/2011/929",)),
    LawEntry("stofmisbrugerloven", "lov om tilbageholdelse af stofmisbrugere i behandling",
             None, ("lta/2010/170",)),
    LawEntry("almenboligloven", "lov om almene boliger m.v.", "Almenboligloven",
             ("lta/2013/1023",)),
    LawEntry("aeldreboligloven", "lov om boliger for ældre og personer med handicap",
             "Ældreboligloven", ("lta/2010/666",)),
    LawEntry("friplejeboligloven", "lov om friplejeboliger", "Friplejeboligloven",
             ("lta/2011/897",)),
)

#: Laws Lovspor knows by name but does not crawl by default: law text and the impact data
#: cite them ("jf. § 19 i forvaltningsloven"). Add one to CATALOGUE (with a seed) to track it.
#: The last group are near misses of the social-law list, left out for the reason given.
KNOWN: tuple[LawEntry, ...] = (
    LawEntry("forvaltningsloven", "forvaltningsloven", "Forvaltningsloven", ()),
    LawEntry("retsplejeloven", "lov om rettens pleje", "Retsplejeloven", ()),
    LawEntry("udlaendingeloven", "udlændingeloven", "Udlændingeloven", ()),
    LawEntry("straffeloven", "straffeloven", "Straffeloven", ()),
    LawEntry("familieretshusloven", "lov om familieretshuset", "Familieretshusloven", ()),
    LawEntry("psykiatriloven", "lov om anvendelse af tvang i psykiatrien m.v.",
             "Psykiatriloven", (), seed_note="regional (psychiatric hospitals), not municipal"),
    LawEntry("ungdomskriminalitetsloven", "lov om bekæmpelse af ungdomskriminalitet",
             "Ungdomskriminalitetsloven", (), seed_note="2019, later than the shared data"),
    LawEntry("sundhedsloven", "sundhedsloven", "Sundhedsloven", (),
             seed_note="health law, mostly regional; its municipal parts (home nursing, "
             "rehabilitation) are not social law in Justitia's sense"),
    LawEntry("udbetaling-danmark-loven", "lov om udbetaling danmark",
             "Udbetaling Danmark-loven", (),
             seed_note="organises Udbetaling Danmark; the benefits it pays are tracked laws"),
    LawEntry("tolkeloven", "lov om tolkning til personer med hørehandicap", "Tolkeloven", (),
             seed_note="administered by the state, not by municipalities or Udbetaling Danmark"),
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
