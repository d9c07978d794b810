"""Danish names for the statistics columns and Danish explanations of the counting rules
(the rule codes and their English wording live in `lawdiff.stats.RULES`)."""

from __future__ import annotations

METRICS = {
    "amending_acts": "Ændringslove",
    "act_law_pairs": "Lov-par (ændringslov × lov)",
    "paragraph_revisions": "Paragrafrevisioner (fra versionerne)",
    "paragraph_revisions_instructions": "Paragrafrevisioner (fra ændringslovene)",
    "change_items": "Ændringsnumre (fra indledningerne)",
    "change_items_instructions": "Ændringsnumre (fra ændringslovene)",
    "paragraphs_in_force": "§§ i kraft ved årets udgang",
    "words_in_force": "Ord i kraft ved årets udgang",
}

COLUMN_DA = {
    "scope": "Omfang",
    "law": "Lov",
    "year": "År",
    "by": "År efter",
    **METRICS,
    "items_unknown_sections": "Hele afsnit uden kendt antal numre",
    "snapshot": "Version brugt (i kraft)",
    "amending_acts_rule": "Regel: ændringslove",
    "act_law_pairs_rule": "Regel: lov-par",
    "paragraph_revisions_rule": "Regel: paragrafrevisioner",
    "change_items_rule": "Regel: ændringsnumre",
    "paragraph_revisions_instructions_rule": "Regel: paragrafrevisioner (ændringslovene)",
    "change_items_instructions_rule": "Regel: ændringsnumre (ændringslovene)",
    "paragraphs_in_force_rule": "Regel: §§ i kraft",
    "words_in_force_rule": "Regel: ord i kraft",
}

RULE_DA = {
    "acts:intro": (
        "Forskellige ændringslove (efter ELI), som indledningen til en af lovens "
        "lovbekendtgørelser nævner som indarbejdet (»med de ændringer, der følger af …«). En "
        "lov indarbejdet i dele over to versioner tælles én gang. År: ændringslovens "
        "underskriftsdato; efter ikrafttræden: den tidligste kendte ikrafttrædelsesdato."
    ),
    "acts:exact": "Forskellige ændringslove, som ændringerne er henført til nummer for nummer.",
    "pairs:intro": (
        "Lov-par: ét pr. (ændringslov, lov). Pr. lov er det lig antallet af ændringslove; "
        "summeret over love tælles en samlelov én gang pr. lov, den ændrer."
    ),
    "revisions:act×§": (
        "Paragrafrevisioner: forskellige (ændringslov, §), hvor en § er ændret mellem to "
        "på hinanden følgende versioner, og den nye version indarbejder netop én ændringslov "
        "(så loven er sikker). År: ændringslovens underskriftsdato."
    ),
    "revisions:version×§": (
        "Paragrafrevisioner, hvor den nye version indarbejder flere ændringslove (eller "
        "ingen nævnes): talt én gang pr. (versionspar, ændret §) — en nedre grænse. År: den "
        "nye versions underskriftsdato."
    ),
    "revisions:exact": (
        "Forskellige (ændringslov, §) fra henføring nummer for nummer (præcis, udløbet "
        "tidsbegrænset bestemmelse eller samme §). Ændringer uden ændringslov bag (nyt "
        "ministernavn ved genoptryk, redaktionel rettelse, »(Ophævet)«-pladsholder) er aldrig "
        "paragrafrevisioner."
    ),
    "revisions:instructions": (
        "Fra ændringslovenes egen tekst, ikke fra sammenligning af versioner: forskellige "
        "(ændringslov, §), som lovens ændringsnumre ændrer, indsætter eller omnummererer — for "
        "alle gemte ændringslove til loven, indarbejdet eller ej. Overskrifter, kapitler og "
        "bilag er ikke §§; »overalt i loven« tælles én gang. År: ændringslovens "
        "underskriftsdato, eller ændringsnummerets ikrafttræden (»ukendt«, når ministeren "
        "fastsætter den)."
    ),
    "items:instructions": (
        "Fra ændringslovenes egen tekst: forskellige (ændringslov, paragraf, nummer) i alle "
        "gemte ændringslove, hvis paragraf ændrer loven, indarbejdet eller ej. År som for "
        "revisions:instructions."
    ),
    "items:intro": (
        "Ændringsnumre (»nr. 1-4, 6-9«): forskellige (lov, paragraf, nummer), som "
        "indledningerne citerer."
    ),
    "items:intro+act": (
        "Som items:intro; hvor indledningen citerer en hel paragraf i ændringsloven, læses "
        "antallet af numre fra den gemte ændringslov."
    ),
    "items:act-xml": (
        "Som items:intro; hvor indledningen citerer en hel paragraf i ændringsloven, læses "
        "antallet af numre fra den gemte ændringslovs XML."
    ),
    "items:unknown": (
        "Hele paragraffer citeret af indledningen, hvis ændringslov ikke er gemt: deres numre "
        "tælles ikke; kolonnen »Hele afsnit uden kendt antal numre« siger hvor mange."
    ),
    "in-force:snapshot": (
        "§§ i kraft ved årets udgang: §§ i den seneste version underskrevet (eller gældende) "
        "senest 31. december, uden §§ trykt som »(Ophævet)« eller tomme. Senere ændringslove, "
        "der ikke er indarbejdet endnu, er ikke med."
    ),
    "words:snapshot": "Ord i kraft ved årets udgang i samme version, uden »(Ophævet)«.",
    "none": "Intet at tælle for denne lov og dette år.",
}
