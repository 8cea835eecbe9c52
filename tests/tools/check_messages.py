#!/usr/bin/env python3
"""Every text of an error the code names is in both message catalogues, and no such text is
left unused.

The code names its texts as literals (domain/error.hpp):
  detail("key", ...)     -> detail_key
  not_found("resource")  -> detail_not_found_resource
  FieldCode("code")      -> field_code
The catalogues are templates/pages/messages/{en,sv}.problems.txt. A missing text would show a
client the bare key instead of a sentence; an unused one is a sentence nobody keeps up to date.

With --openapi FILE, also: every field error code and every kind of problem of the catalogue
is documented there (as `code` / `kind` in backquotes), since clients generate from it.

Usage: check_messages.py <source root> <messages dir> [--openapi FILE], or --self-test.
"""
import pathlib
import re
import sys

USES = [
    (re.compile(r'\bdetail\(\s*"([a-z0-9_]+)"'), "detail_{}"),
    (re.compile(r'\bnot_found\(\s*"([a-z0-9_]+)"'), "detail_not_found_{}"),
    (re.compile(r'\bFieldCode\(\s*"([a-z0-9_]+)"\s*\)'), "field_{}"),
]
CHECKED_PREFIXES = ("detail_", "field_")


def used_keys(text):
    keys = set()
    for pattern, key in USES:
        keys.update(key.format(m.group(1)) for m in pattern.finditer(text))
    return keys


def catalogue_keys(text):
    keys = set()
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, _ = line.partition(" = ")
        if sep:
            keys.add(key.strip())
    return keys


def problems(used, catalogues):
    out = []
    for language, keys in sorted(catalogues.items()):
        for key in sorted(used - keys):
            out.append(f"{language}: no text for {key}")
        for key in sorted(k for k in keys - used if k.startswith(CHECKED_PREFIXES)):
            out.append(f"{language}: {key} is not used by the code")
    return out


def undocumented(catalogue, contract):
    out = []
    for key in sorted(catalogue):
        if key.startswith("field_"):
            name = key[len("field_"):]
        elif key.startswith("problem_") and key.endswith("_title"):
            name = key[len("problem_"):-len("_title")].replace("_", "-")
        else:
            continue
        if f"`{name}`" not in contract:
            out.append(f"openapi: {name} is not documented")
    return out


def self_test():
    used = used_keys('throw Error(Problem::x, detail("a_b", {{"n", "1"}})); not_found("event"); '
                     'v.add("f", FieldCode("too_long"));')
    assert used == {"detail_a_b", "detail_not_found_event", "field_too_long"}, used
    cat = catalogue_keys("# c\ndetail_a_b = A\nfield_too_long = B {max}\nfield_unused = C\nproblem_x_title = X\n")
    found = problems(used, {"en": cat})
    assert found == ["en: no text for detail_not_found_event", "en: field_unused is not used by the code"], found
    assert undocumented({"field_too_long", "problem_event_full_title", "detail_x"}, "`too_long`") == [
        "openapi: event-full is not documented"]
    print("check_messages self-test: ok")


def main(argv):
    if argv[1:] == ["--self-test"]:
        self_test()
        return 0
    source, messages = pathlib.Path(argv[1]), pathlib.Path(argv[2])
    used = set()
    for path in sorted(source.rglob("*")):
        if path.suffix in (".cpp", ".hpp"):
            used |= used_keys(path.read_text(encoding="utf-8"))
    catalogues = {}
    for language in ("en", "sv"):
        catalogues[language] = catalogue_keys((messages / f"{language}.problems.txt").read_text(encoding="utf-8"))
    found = problems(used, catalogues)
    if argv[3:4] == ["--openapi"]:
        found += undocumented(catalogues["en"], pathlib.Path(argv[4]).read_text(encoding="utf-8"))
    for line in found:
        print(line)
    print(f"check_messages: {len(used)} keys used, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
