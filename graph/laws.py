"""Which law a reference names: titles, popular names and accession numbers → one slug.

External data names laws in many ways ("Serviceloven", "lov om social service", "LBK af
barnets lov", an accession number); the graph needs one id per law so that every source
lands on the same provision nodes. The names come from the one catalogue
(`lawdiff.catalogue`, tracked and known laws) and its one title normaliser; unknown laws keep
their title (the caller reports them).
"""

from __future__ import annotations

from lawdiff.catalogue import by_accession, by_title, known_names, normalize_title

#: Every normalised name → slug, from the catalogue (kept for callers that list the slugs).
LAW_SLUGS: dict[str, str] = known_names()


def normalise_title(title: str) -> str:
    """The catalogue's normaliser (one for the whole project)."""
    return normalize_title(title)


def law_slug(title: str | None = None, accession: str | None = None) -> str | None:
    """The slug of a law named by title or popular name, else by accession number; None if
    neither is known (callers keep the title and report it)."""
    if title and (entry := by_title(title)):
        return entry.slug
    if accession and (entry := by_accession(accession)):
        return entry.slug
    return None


def known_titles() -> list[str]:
    """Known full titles, longest first (for matching "i lov om …" in running text)."""
    return sorted((t for t in LAW_SLUGS if t.startswith("lov ")), key=len, reverse=True)
