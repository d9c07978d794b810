"""One catalogue and one title normaliser for the whole project."""

from __future__ import annotations

import pytest

from graph.laws import law_slug, normalise_title
from lawdiff.catalogue import _ALL, by_title, normalize_title
from lawdiff.refs import normalize_law_title


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("Lov om almene boliger m.v.", "lov om almene boliger m.v."),  # the period of "m.v."
        ("Bekendtgørelse af lov om almene boliger m.v.", "lov om almene boliger m.v."),
        ("LBK af lov om social service", "lov om social service"),
        ("I lov om social service", "lov om social service"),
        ("Lov om social service*)", "lov om social service"),
        ("Lov nr. 573 af 24. juni 2005 om social service", "lov om social service"),
        ("Lov om retssikkerhed og administration på det sociale område (Retssikkerhedsloven)",
         "lov om retssikkerhed og administration på det sociale område"),
    ],
)
def test_every_entry_point_normalises_alike(raw: str, canonical: str) -> None:
    assert normalize_law_title(raw) == normalize_title(raw) == normalise_title(raw) == canonical


def test_names_are_unambiguous_and_resolve_everywhere_alike() -> None:
    slugs = [e.slug for e in _ALL]
    assert len(slugs) == len(set(slugs))
    seen: dict[str, str] = {}
    for e in _ALL:
        for name in e.names():
            assert seen.setdefault(name, e.slug) == e.slug, (name, seen[name], e.slug)
            assert by_title(name) is e and law_slug(name) == e.slug


def test_short_titles_and_accessions() -> None:
    assert law_slug("retsplejeloven") == law_slug("lov om rettens pleje") == "retsplejeloven"
    assert law_slug("Serviceloven") == "serviceloven"
    assert law_slug(None, "A20250015529#P81a") == "serviceloven"
    assert law_slug("lov om noget helt andet") is None
