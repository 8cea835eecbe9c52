#!/usr/bin/env python3
"""SQL only with bound parameters: finds SQL text built by concatenating values.

Scans the C++ of the layers that talk to PostgreSQL (src/db, src/services by default). A
statement builds SQL when one of its string literals holds an SQL keyword (SELECT, WHERE,
SET, ...) and it joins strings with `+` or `+=`. Every piece joined there must be one of:

  * a string literal, or std::string("literal")
  * a placeholder from a Params object: p.add(...), params.add_us(...), p.add_uuid(...)
  * a fragment name: an identifier ending in `columns`, `condition`, `fragment` or `sql`,
    one of FRAGMENT_NAMES (accumulators of SQL text, e.g. `values` in insert_event), a
    kConstant, or a variable the same file declares only from such pieces
    (`const std::string id = p.add_uuid(x);`, `constexpr const char* from = " FROM t";`)
  * a call to one of FRAGMENT_FUNCTIONS, or to a function whose name ends like a fragment
    name (`lock_clause(lock)`): they return SQL text made of literals and placeholders, and
    their own bodies are checked like everything else
  * `cond ? piece : piece` or `(piece)` of the above

Anything else (a variable, std::to_string(n), a member like e.slug) is a finding, unless
the line says why it is safe with a `// sql-safe: <reason>` comment.

  check_sql_concat.py [DIR...]   exit 1 and one line per finding, or 0
  check_sql_concat.py --self-test
"""
import pathlib
import re
import sys

SQL_KEYWORDS = re.compile(
    r"\b(SELECT|INSERT|UPDATE|DELETE|WHERE|VALUES|FROM|SET|AND|OR|ORDER BY|GROUP BY|LIMIT|OFFSET|RETURNING|JOIN|"
    r"UNION|HAVING|CAST)\b"
)
FRAGMENT_NAMES = {"values", "assignments", "columns", "sql"}
FRAGMENT_SUFFIXES = ("columns", "condition", "clause", "fragment", "sql")
FRAGMENT_FUNCTIONS = {"id_or_slug_condition", "folded", "std::string"}
PLACEHOLDER = re.compile(r"^(\w+(\.|->))?add(_\w+)?\(")  # bare add(): inside Params itself
SAFE_MARK = "// sql-safe:"
DECLARATION = re.compile(
    r"^\s*(?:static\s+)?(?:constexpr\s+|const\s+)*(?:auto|std::string|std::string_view|char\s+const\s*\*|char\s*\*)"
    r"\s*(?:const\s+)?(\w+)\s*=\s*(.+)$",
    re.S,
)

# Variables of the file being checked that hold SQL fragments or placeholders (see declared_fragments).
file_fragments = set()


def strip_comments(text):
    """Blanks out comments (keeping line breaks and the sql-safe marks' lines)."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join("\n" if ch == "\n" else " " for ch in text[i:j]))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def statements(code):
    """(start line, text) of each ';'-terminated statement, strings kept whole."""
    start = 0
    line = 1
    start_line = 1
    i = 0
    n = len(code)
    depth = 0
    while i < n:
        c = code[i]
        if c == "\n":
            line += 1
        if c == '"' or c == "'":
            j = i + 1
            while j < n and code[j] != c:
                j += 2 if code[j] == "\\" else 1
            line += code[i:j].count("\n")
            i = j + 1
            continue
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif (c == ";" or c in "{}") and depth <= 0:  # a lambda's body stays in its call
            yield start_line, code[start:i]
            start = i + 1
            start_line = line
            depth = 0
        i += 1


def split_top(expression, separator):
    """Splits at `separator` outside strings and brackets."""
    parts = []
    depth = 0
    current = []
    i = 0
    n = len(expression)
    while i < n:
        c = expression[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and expression[j] != c:
                j += 2 if expression[j] == "\\" else 1
            current.append(expression[i : j + 1])
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if depth == 0 and expression.startswith(separator, i):
            parts.append("".join(current))
            current = []
            i += len(separator)
            continue
        current.append(c)
        i += 1
    parts.append("".join(current))
    return parts


def is_literal(piece):
    return re.fullmatch(r'(\s*"(?:[^"\\]|\\.)*"\s*)+', piece) is not None


def allowed(piece):
    piece = piece.strip()
    if not piece:
        return True
    if is_literal(piece):
        return True
    if PLACEHOLDER.match(piece):
        return True
    if re.fullmatch(r"[A-Za-z_]\w*", piece):
        return (
            piece in FRAGMENT_NAMES
            or piece in file_fragments
            or piece.endswith(FRAGMENT_SUFFIXES)
            or re.fullmatch(r"k[A-Z]\w*", piece) is not None
        )
    if piece.startswith("(") and piece.endswith(")") and balanced(piece[1:-1]):
        return all_allowed(piece[1:-1])
    ternary = split_top(piece, "?")
    if len(ternary) == 2:
        branches = split_colon(ternary[1])
        if len(branches) == 2:
            return all(all_allowed(b) for b in branches)
    call = re.match(r"^([\w:]+)\((.*)\)$", piece, re.S)
    fragment_function = call and (call.group(1) in FRAGMENT_FUNCTIONS or call.group(1).endswith(FRAGMENT_SUFFIXES))
    if fragment_function and balanced(call.group(2)):
        argument = call.group(2)
        # std::string(...) is only a fragment when what it wraps is one.
        return call.group(1) != "std::string" or all_allowed(argument)
    return False


def split_colon(text):
    """Splits the branches of `?:` at a top-level ':' that is not part of '::'."""
    masked = text.replace("::", "\x01\x01")
    return [part.replace("\x01\x01", "::") for part in split_top(masked, ":")]


def balanced(text):
    depth = 0
    for part in split_top(text, "\0"):
        for c in part:
            depth += c in "([{"
            depth -= c in ")]}"
            if depth < 0:
                return False
    return depth == 0


def all_allowed(expression):
    # The conditional operator binds loosest: `c ? a + b : d + e` is two concatenations.
    ternary = split_top(expression, "?")
    if len(ternary) == 2:
        branches = split_colon(ternary[1])
        if len(branches) == 2:
            return all(all_allowed(b) for b in branches)
    return all(allowed(p) for p in split_top(expression, "+"))


def right_hand_sides(statement):
    """The expressions whose `+` pieces make SQL text."""
    s = statement.strip()
    assignment = split_top(s, "+=")
    if len(assignment) == 2:
        return [assignment[1]]
    # `session << a + b, soci::use(...)`, `sql = a + b`, `return a + b`, `f(a + b)`: every
    # comma-separated argument and the right side of `=` or `<<`.
    pieces = []
    for part in split_top(s, "<<"):
        for argument in split_top(part, ","):
            sides = split_top(argument, "=")
            expression = sides[-1]
            expression = re.sub(r"^\s*(return|auto|const|std::string|[\w:<>]+\s+\w+)\s+", "", expression)
            pieces.append(expression)
    return pieces


def sql_expressions(expression):
    """The concatenations inside `expression`: the SQL is often wrapped, as in
    `(session.prepare << a + b, soci::use(x))` or `execute(session, a + b, p)`, so look into
    `<<` operands and into every argument of a call or parenthesised list."""
    e = expression.strip()
    parts = split_top(e, "<<")
    if len(parts) > 1:
        for part in parts:
            yield from sql_expressions(part)
        return
    call = re.match(r"^[\w:.>-]*\((.*)\)$", e, re.S)
    if call and balanced(call.group(1)):
        arguments = split_top(call.group(1), ",")
        if len(arguments) > 1 or "<<" in call.group(1):
            for argument in arguments:
                if not argument.strip().startswith("["):  # a lambda: its body is not SQL text
                    yield from sql_expressions(argument)
            return
    yield e


def declared_fragments(code):
    """Names the file declares, every time, from literals, placeholders and other fragments.
    A name also declared from anything else (another function's `q` holding a value) is left
    out, so it is checked wherever it is used."""
    declarations = []
    for _, statement in statements(code):
        m = DECLARATION.match(statement.strip())
        if m:
            # `const std::string s = p.add(a), k = p.add(b);` declares several.
            first, *more = split_top(m.group(1) + " = " + m.group(2), ",")
            for declarator in [first, *more]:
                name, _, value = declarator.partition("=")
                if re.fullmatch(r"\s*\w+\s*", name) and value:
                    declarations.append((name.strip(), value))
    names = set()
    while True:  # to a fixed point: a fragment may be built from fragments
        file_fragments.clear()
        file_fragments.update(names)
        good = {name for name, value in declarations if all_allowed(value)}
        bad = {name for name, value in declarations if not all_allowed(value)}
        found = good - bad
        if found == names:
            return names
        names = found


def findings_in(path, text):
    raw_lines = text.split("\n")
    code = strip_comments(text)
    found = []
    file_fragments.clear()
    file_fragments.update(declared_fragments(code))
    for line, statement in statements(code):
        literals = re.findall(r'"((?:[^"\\]|\\.)*)"', statement)
        if not any(SQL_KEYWORDS.search(l) for l in literals):
            continue
        if "+" not in re.sub(r'"((?:[^"\\]|\\.)*)"', '""', statement):
            continue
        lines = raw_lines[line - 1 : line - 1 + statement.count("\n") + 1]
        if any(SAFE_MARK in l for l in lines):
            continue
        for expression in (e for side in right_hand_sides(statement) for e in sql_expressions(side)):
            if "+" not in re.sub(r'"((?:[^"\\]|\\.)*)"', '""', expression) or all_allowed(expression):
                continue
            first = line + (len(statement) - len(statement.lstrip("\n")))
            found.append(f"{path}:{first}: SQL built with a value: {' '.join(expression.split())[:160]}")
    return found


def scan(dirs):
    found = []
    for directory in dirs:
        for path in sorted(pathlib.Path(directory).rglob("*")):
            if path.suffix in (".cpp", ".hpp"):
                found += findings_in(path, path.read_text(encoding="utf-8"))
    return found


SELF_TEST_BAD = [
    'session << "SELECT * FROM events WHERE slug = \'" + slug + "\'", soci::into(row);',
    'std::string sql = "SELECT id FROM speakers WHERE name = " + name;',
    'sql += " AND e.kind = \'" + std::string(kind) + "\'";',
    'session << "SET statement_timeout = " + std::to_string(ms);',
    'auto q = std::string("DELETE FROM x WHERE id = ") + e.id;',
    'sql += " LIMIT " + (limit ? *limit : fallback);',
    'auto rows = (session.prepare << "SELECT id FROM t WHERE name = \'" + name + "\'", soci::into(r));',
    'execute(session, "DELETE FROM session_speakers WHERE session_id = " + session_id, p);',
    'sql += cond ? " AND a = " + p.add(a) : " AND b = " + b;',
    'void f() { const std::string q = p.add(x); } void g() { std::string q = name; sql += " AND n = " + q; }',
    'for_each_row(session, "SELECT id FROM t WHERE n = " + name, p, [&](const soci::row& row) { f(row); });',
    'const std::string a = p.add(x), b = name; sql += " WHERE a = " + a + " AND b = " + b;',
    'const std::string k = x ? p.add_uuid(*x) : std::string(name); sql += " AND k = " + k;',
]
SELF_TEST_GOOD = [
    'session << std::string("SELECT ") + key_columns + " FROM api_keys WHERE key_hash = :h", soci::use(h);',
    'sql += " AND (s.starts_at, s.id) > (" + p.add_us(t) + ", " + p.add_uuid(id) + ")";',
    'sql += is_uuid(x) ? "sp.id = CAST(" + params.add(x) + " AS uuid)" : "sp.slug = " + params.add(x);',
    'session << "SELECT id FROM o WHERE " + id_or_slug_condition(key, "o."), soci::use(key, "key");',
    'session << "SET statement_timeout = " + std::to_string(ms);  // sql-safe: an integer from the configuration',
    'throw Error(conflict, "The slug \'" + e.slug + "\' is taken; choose another.");',
    '(session.prepare << "INSERT INTO events (" + columns + ") VALUES (" + values + ") RETURNING id::text");',
    'const std::string id = p.add_uuid(x); execute(session, "DELETE FROM t WHERE id = " + id, p);',
    'constexpr const char* t_from = " FROM t"; std::string s2 = std::string("SELECT a") + t_from + " WHERE true";',
    'for_each_row(session, std::string(kErase) + "WHERE id = " + p.add(x), p, [&](const soci::row& r) { ++n; });',
    'const std::string a = p.add(x), b = p.add(y); sql += " WHERE a = " + a + " AND b = " + b;',
    'const std::string k = x ? p.add_uuid(*x) : std::string("NULL::uuid"); sql += " AND k = " + k;',
    'session << std::string("SELECT ") + event_columns + " FROM e WHERE " + lock_clause(lock), soci::use(k);',
]


def self_test():
    ok = True
    for snippet in SELF_TEST_BAD:
        if not findings_in("bad", snippet + "\n"):
            print(f"self-test: not found: {snippet}")
            ok = False
    for snippet in SELF_TEST_GOOD:
        if findings_in("good", snippet + "\n"):
            print(f"self-test: wrongly found: {snippet}")
            ok = False
    print("self-test passed" if ok else "self-test FAILED")
    return 0 if ok else 1


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    dirs = argv[1:] or ["src/db", "src/services"]
    found = scan(dirs)
    for f in found:
        print(f)
    if found:
        print(f"{len(found)} place(s) build SQL from values: bind them (soci::use, db::Params) instead,")
        print(f"or say why the value is safe with a '{SAFE_MARK} <reason>' comment on that line.")
        return 1
    print(f"SQL text in {', '.join(dirs)} is built from literals, fragments and placeholders only")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
