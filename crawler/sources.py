"""Parsers and rules for the site's listing sources: Atom feed, harvest API, ELI sitemap.

Pure functions over bytes and clocks, so the shapes and rules are unit-tested without Scrapy.

Documented shapes (DESIGN.md, "retsinformation.dk as a machine source"):

- ELI update feed, `/eli/eli-update-feed.atom` (60+ days)::

    <feed xmlns="http://www.w3.org/2005/Atom">
      <entry>
        <id>https://www.retsinformation.dk/eli/lta/2016/1270</id>
        <title>Bekendtgørelse af lov om social service</title>
        <updated>2016-10-26T08:00:00+02:00</updated>
        <link href="https://www.retsinformation.dk/eli/lta/2016/1270"/>
      </entry>
    </feed>

  The ELI is taken from `link@href` or `id`; the host in it is ignored (documents are always
  fetched from the configured base URL, so a feed cannot send the crawler elsewhere).
- Harvest API, `GET /v1/Documents?date=YYYY-MM-DD`: a JSON array of objects with
  `documentId, accessionsnummer, reasonForChange, changeDate, documentType{id, shortName},
  href`; only the last 10 days, one call per 10 s (else 429 with Retry-After), open
  03:00–23:45 Danish time (else 400).
- Sitemap, `/eli/sitemap.xml`: a `<sitemapindex>` of `<sitemap><loc>` pages, each a
  `<urlset>` of `<url><loc>` ELI URIs (a page may also be served directly).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from lxml import etree

from crawler.options import COPENHAGEN
from crawler.walk import normalize_eli

ATOM = "{http://www.w3.org/2005/Atom}"
OPENS = dt.time(3, 0)
CLOSES = dt.time(23, 45)

_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class SourceError(ValueError):
    """A listing could not be read; names the source and the reason."""


@dataclass(frozen=True, slots=True)
class Entry:
    """A document that a listing says is new or changed."""

    eli: str
    title: str
    updated: dt.datetime | None  # aware
    source: str  # "feed" | "harvest"
    reason: str = ""  # harvest `reasonForChange`
    doc_type: str = ""  # harvest `documentType.shortName` ("LOV", "LBK", …)


def _aware(ts: dt.datetime) -> dt.datetime:
    return ts if ts.tzinfo else ts.replace(tzinfo=COPENHAGEN)


def _parse_ts(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    text = text.strip().replace("Z", "+00:00")
    try:
        return _aware(dt.datetime.fromisoformat(text))
    except ValueError:
        try:
            return _aware(dt.datetime.combine(dt.date.fromisoformat(text[:10]), dt.time()))
        except ValueError:
            return None


def parse_atom(data: bytes, source: str = "feed") -> list[Entry]:
    try:
        root = etree.fromstring(data, _SAFE)
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"{source}: not well-formed Atom ({exc.msg})") from exc
    if root.tag != f"{ATOM}feed":
        raise SourceError(f"{source}: root is <{root.tag}>, not an Atom <feed>")
    out: list[Entry] = []
    for entry in root.iterfind(f"{ATOM}entry"):
        hrefs = [ln.get("href") or "" for ln in entry.iterfind(f"{ATOM}link")]
        ids = [entry.findtext(f"{ATOM}id") or ""]
        eli = next((e for e in map(normalize_eli, hrefs + ids) if e), None)
        if eli is None:
            continue
        out.append(
            Entry(
                eli,
                " ".join((entry.findtext(f"{ATOM}title") or "").split()),
                _parse_ts(entry.findtext(f"{ATOM}updated")),
                "feed",
            )
        )
    return out


def parse_harvest(data: bytes, source: str = "harvest") -> list[Entry]:
    try:
        rows = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceError(f"{source}: not JSON ({exc})") from exc
    if not isinstance(rows, list):
        raise SourceError(f"{source}: expected a JSON array, got {type(rows).__name__}")
    out: list[Entry] = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        eli = None
        accn = row.get("accessionsnummer")
        if isinstance(accn, str):
            eli = normalize_eli(accn)
        if eli is None and isinstance(row.get("href"), str):
            eli = normalize_eli(row["href"])
        if eli is None:
            continue
        doc_type = row.get("documentType") or {}
        short = str(doc_type.get("shortName") or "") if isinstance(doc_type, dict) else ""
        out.append(
            Entry(
                eli,
                str(row.get("title") or ""),
                _parse_ts(row.get("changeDate")),
                "harvest",
                str(row.get("reasonForChange") or ""),
                short.split()[0].upper() if short.strip() else "",
            )
        )
    return out


def parse_sitemap(data: bytes, source: str = "sitemap") -> tuple[list[str], list[str]]:
    """→ (page URLs of a sitemap index, document locs of a urlset)."""
    try:
        root = etree.fromstring(data, _SAFE)
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"{source}: not well-formed XML ({exc.msg})") from exc
    local = etree.QName(root).localname
    locs = [(el.text or "").strip() for el in root.iter() if etree.QName(el).localname == "loc"]
    if local == "sitemapindex":
        return [u for u in locs if u], []
    if local == "urlset":
        return [], [u for u in locs if u]
    raise SourceError(f"{source}: root is <{local}>, not a sitemapindex or urlset")


def is_open(now: dt.datetime) -> bool:
    """The harvest API answers 03:00–23:45 Copenhagen time."""
    local = _aware(now).astimezone(COPENHAGEN).time()
    return OPENS <= local < CLOSES


def closed_message(now: dt.datetime) -> str:
    local = _aware(now).astimezone(COPENHAGEN)
    return (
        f"The retsinformation harvest API is open 03:00–23:45 Danish time; it is now "
        f"{local:%H:%M} ({local:%Y-%m-%d}, Europe/Copenhagen). Run --harvest again later, "
        "or use --feed."
    )


def harvest_dates(now: dt.datetime, days: int, done: set[str] | frozenset[str] = frozenset()):
    """The dates to ask for, newest first: at most the last 10 days (the API keeps no more),
    skipping complete past days already harvested (today is never complete)."""
    today = _aware(now).astimezone(COPENHAGEN).date()
    days = max(1, min(days, 10))
    out: list[dt.date] = []
    for back in range(days):
        day = today - dt.timedelta(days=back)
        if day != today and day.isoformat() in done:
            continue
        out.append(day)
    return out


def title_matches(title: str, law_titles: frozenset[str] | set[str]) -> bool:
    """A feed entry names the law: its title contains the law's canonical title."""
    t = " ".join(title.lower().split())
    return any(lt and lt in t for lt in law_titles)
