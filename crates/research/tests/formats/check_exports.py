#!/usr/bin/env python3
"""Checks tandem's research exports with independent parsers (capability C11).

CI runs exactly these two commands from the repository root:

    RESEARCH_EXPORT_OUT=target/research-exports cargo test -p research --test it writes_export_fixtures
    python3 crates/research/tests/formats/check_exports.py target/research-exports

with `pip install bibtexparser citeproc-py jsonschema` (bibtexparser 2.x).

- demo.bib is parsed by bibtexparser 2 (`parse_string`): no failed blocks, the expected
  number of entries, and the fields each entry type must carry.
- demo.csl.json is rendered by citeproc-py with its bundled Harvard style
  (harvard-cite-them-right, which replaced harvard1): every entry renders with its title.
- demo.csl.json is validated with jsonschema against the CSL 1.0.2 data schema, taken from
  $CSL_DATA_SCHEMA (a path) or downloaded from citationstyles.org; skipped with a notice when
  neither is reachable (the shape is still checked by citeproc-py and the Rust tests).
"""

import json
import os
import sys
import urllib.request

import bibtexparser
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter
from citeproc.source.json import CiteProcJSON

EXPECTED_ENTRIES = 7
REQUIRED = {
    "article": {"author", "title", "journal", "year", "doi"},
    "inproceedings": {"author", "title", "booktitle", "year"},
    "misc": {"author", "title", "howpublished", "year"},
}
SCHEMA_URL = "https://resource.citationstyles.org/schema/v1.0.2/input/json/csl-data.json"


def check_bibtex(path):
    with open(path, encoding="utf-8") as f:
        library = bibtexparser.parse_string(f.read())
    assert not library.failed_blocks, f"failed blocks: {library.failed_blocks}"
    entries = library.entries
    assert len(entries) == EXPECTED_ENTRIES, f"{len(entries)} entries"
    keys = [e.key for e in entries]
    assert len(set(keys)) == len(keys), f"duplicate keys {keys}"
    for entry in entries:
        fields = {f.key for f in entry.fields}
        missing = REQUIRED[entry.entry_type] - fields
        assert not missing, f"{entry.key} lacks {missing}"
        assert " and " in entry["author"] or "," in entry["author"], entry["author"]
    print(f"bibtex: {len(entries)} entries parse: {', '.join(keys)}")


def check_csl(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    assert len(data) == EXPECTED_ENTRIES, f"{len(data)} items"
    source = CiteProcJSON(data)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in data:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == len(data), f"{len(rendered)} rendered of {len(data)}"
    for item in data:
        assert any(item["title"] in text for text in rendered), f"{item['id']} not rendered"
    print(f"csl-json: {len(rendered)} entries render, e.g. {rendered[0]}")
    validate_schema(data)


def validate_schema(data):
    schema = None
    local = os.environ.get("CSL_DATA_SCHEMA")
    try:
        if local:
            with open(local, encoding="utf-8") as f:
                schema = json.load(f)
        else:
            with urllib.request.urlopen(SCHEMA_URL, timeout=10) as response:
                schema = json.load(response)
    except OSError as error:
        print(f"csl-json: schema not available ({error}); schema validation skipped")
        return
    import jsonschema

    jsonschema.validate(data, schema)
    print("csl-json: valid against the CSL data schema")


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "target/research-exports"
    check_bibtex(os.path.join(directory, "demo.bib"))
    check_csl(os.path.join(directory, "demo.csl.json"))


if __name__ == "__main__":
    main()
