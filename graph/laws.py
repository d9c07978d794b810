"""Which law a reference names: titles, popular names and accession numbers → one slug.

External data names laws in many ways ("Serviceloven", "lov om social service", "LBK af
barnets lov", an accession number); the graph needs one id per law so that every source
lands on the same provision nodes. Unknown laws keep their title (the caller reports them).
"""

from __future__ import annotations

import re

# Full titles (as in "Bekendtgørelse af lov om …" and in "§ 1 a i lov om …") and popular
# names, lower-case, without a leading "LBK af"/"bekendtgørelse af".
LAW_SLUGS: dict[str, str] = {
    "lov om social service": "serviceloven",
    "serviceloven": "serviceloven",
    "lov om retssikkerhed og administration på det sociale område": "retssikkerhedsloven",
    "retssikkerhedsloven": "retssikkerhedsloven",
    "lov om en aktiv beskæftigelsesindsats": "beskaeftigelsesloven",
    "beskæftigelsesloven": "beskaeftigelsesloven",
    "lov om aktiv socialpolitik": "aktivloven",
    "aktivloven": "aktivloven",
    "lov om sygedagpenge": "sygedagpengeloven",
    "sygedagpengeloven": "sygedagpengeloven",
    "barnets lov": "barnets-lov",
    "lov om social pension": "pensionsloven",
    "pensionsloven": "pensionsloven",
    "lov om socialtilsyn": "socialtilsynsloven",
    "socialtilsynsloven": "socialtilsynsloven",
    "lov om almene boliger m.v.": "almenboligloven",
    "almenboligloven": "almenboligloven",
    "ældreloven": "aeldreloven",
    "ældrelov": "aeldreloven",
    "integrationsloven": "integrationsloven",
    "lov om integration af udlændinge i danmark": "integrationsloven",
    "forvaltningsloven": "forvaltningsloven",
    "retsplejeloven": "retsplejeloven",
    "udlændingeloven": "udlaendingeloven",
    "straffeloven": "straffeloven",
    "familieretshusloven": "familieretshusloven",
    "kompensationsloven": "kompensationsloven",
    "psykiatriloven": "psykiatriloven",
    "friplejeboligloven": "friplejeboligloven",
    "lov om bekæmpelse af ungdomskriminalitet": "ungdomskriminalitetsloven",
}

# Accession numbers without the anchor: the versions KLE 2025-05-01 cites, and the
# serviceloven/retssikkerhedsloven/beskæftigelsesloven versions in the shared corpus.
ACCESSION_SLUGS: dict[str, str] = {
    "A20250015529": "serviceloven",
    "A20250028229": "barnets-lov",
    "A20240028029": "beskaeftigelsesloven",
    "A20250035429": "retssikkerhedsloven",
    "A20240080829": "aktivloven",
    "A20250023629": "socialtilsynsloven",
    "A20240165130": "aeldreloven",
}

_PREFIX = re.compile(r"^(?:lbk|lov|bekendtgørelse)\s+af\s+", re.IGNORECASE)
_STAR = re.compile(r"\s*\*.*$")


def normalise_title(title: str) -> str:
    """Lower-case, single spaces, without "LBK af"/"Bekendtgørelse af" and footnote stars."""
    t = " ".join(title.replace("\u00a0", " ").split()).strip().lower()
    t = _STAR.sub("", t)
    return _PREFIX.sub("", t).strip()


def law_slug(title: str | None = None, accession: str | None = None) -> str | None:
    """The slug of a law named by title or popular name, else by accession number; None if
    neither is known (callers keep the title and report it)."""
    if title:
        t = normalise_title(title)
        if t in LAW_SLUGS:
            return LAW_SLUGS[t]
    if accession:
        acc = accession.split("#", 1)[0].strip().upper()
        if acc in ACCESSION_SLUGS:
            return ACCESSION_SLUGS[acc]
    return None


def known_titles() -> list[str]:
    """Known full titles, longest first (for matching "i lov om …" in running text)."""
    return sorted((t for t in LAW_SLUGS if t.startswith("lov ")), key=len, reverse=True)
