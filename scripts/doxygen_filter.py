#!/usr/bin/env python3
"""Doxygen INPUT_FILTER: reads our headers' plain `//` comments as documentation.

The headers use `//` comments, written for people reading the header. Doxygen only reads `///`
and `/** */`, so this filter (run by Doxygen on each file, output on stdout) rewrites, for
Doxygen's eyes only and keeping every line where it was (so warnings point at the right line):

- the comment that opens a header (before any code) -> that file's description (`\\file`);
- a `//` block directly above a declaration at namespace or class scope (no blank line between)
  -> that declaration's description. Comments inside function bodies are left alone.
- a comment above a run of one-line function or alias declarations with no blank line between
  them covers the whole run (`a(); b();` under one comment): the run becomes a Doxygen member
  group and each member gets the comment (DISTRIBUTE_GROUP_DOC). Not for data members, overrides
  or functions whose body spans lines: there the comment documents the next declaration only;
- a `//` comment after a member or an enumerator on its line -> that member's description (`///<`).

Usage: doxygen_filter.py FILE   (Doxyfile: INPUT_FILTER = "python3 scripts/doxygen_filter.py")
"""
import re
import sys

SCOPE_KEYWORDS = re.compile(r"\b(namespace|class|struct|union|enum)\b")


def escape_comment(line):
    """Makes a comment line's text literal for doxygen: our comments are plain text, so
    backslashes, @, <, & and * are characters, not commands, tags, entities or emphasis."""
    m = re.match(r"(\s*//[/!]?<?)(.*)", line)
    if not m:
        return line
    parts = m.group(2).split("`")
    for i in range(0, len(parts), 2):  # `code spans` are literal already
        for ch in ("\\", "@", "<", ">", "&", "*", "#", "%"):
            parts[i] = parts[i].replace(ch, "\\" + ch)
    return m.group(1) + "`".join(parts)


def strip_templates(text):
    """Removes `template <...>` heads (nested angle brackets included) from a statement."""
    out, i = [], 0
    while True:
        m = re.search(r"\btemplate\s*<", text[i:])
        if not m:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:i + m.start()])
        j, depth = i + m.end(), 1
        while j < len(text) and depth:
            depth += {"<": 1, ">": -1}.get(text[j], 0)
            j += 1
        i = j


def split_code_comment(line, in_block_comment):
    """Returns (code, trailing // comment start or -1, still inside /* */) with strings,
    character literals and comments blanked out of code."""
    code, i, n = [], 0, len(line)
    while i < n:
        c = line[i]
        if in_block_comment:
            if line.startswith("*/", i):
                in_block_comment = False
                i += 2
            else:
                i += 1
            code.append(" ")
            continue
        if line.startswith("//", i):
            return "".join(code), i, False
        if line.startswith("/*", i):
            in_block_comment = True
            i += 2
            code.append("  ")
            continue
        if c in "\"'":
            # A string or character literal (raw strings do not occur in our headers' scopes).
            j = i + 1
            while j < n and line[j] != c:
                j += 2 if line[j] == "\\" else 1
            code.append(c + " " * (min(j, n - 1) - i - 1) + c if j < n else c)
            i = j + 1
            continue
        code.append(c)
        i += 1
    return "".join(code), -1, in_block_comment


def analyse(lines):
    """One record per line: kind, indentation, whether documentation may attach here (only
    namespace/class/enum scope), brace depth before and after, whether it opens a type scope."""
    info, stack, statement, in_block = [], [], "", False
    for line in lines:
        stripped = line.strip()
        rec = {"indent": len(line) - len(line.lstrip()), "doc_scope": all(stack), "depth": len(stack),
               "trail": -1, "opens_scope": False, "in_enum": bool(stack) and stack[-1] == "enum"}
        if in_block:
            rec["kind"] = "other"
            _, _, in_block = split_code_comment(line, True)
        elif not stripped:
            rec["kind"] = "blank"
        elif stripped.startswith("//"):
            rec["kind"] = "comment"
        elif stripped.startswith("#") or (info and info[-1]["kind"] in ("pp", "define") and info[-1]["continued"]):
            rec["kind"] = "define" if re.match(r"#\s*define\b", stripped) else "pp"
            code, rec["trail"], in_block = split_code_comment(line, False)
            rec["code"] = code.rstrip()
        else:
            rec["kind"] = "code"
            code, rec["trail"], in_block = split_code_comment(line, False)
            rec["code"] = code.rstrip()
            for ch in code:
                if ch == "{":
                    head = strip_templates(statement)
                    m = SCOPE_KEYWORDS.search(head)
                    is_scope = bool(m) and "(" not in head[:m.start()] and "=" not in head
                    if is_scope and re.search(r"\bnamespace\s+(\w+::)*detail\b", head):
                        stack.append(None)  # internals: not documented, left as they are
                    elif is_scope:
                        stack.append("enum" if m.group(1) == "enum" else "type")
                        rec["opens_scope"] = True
                    else:
                        stack.append(None)  # a function body or an initializer: no docs inside
                    statement = ""
                elif ch == "}":
                    if stack:
                        stack.pop()
                    statement = ""
                elif ch == ";":
                    statement = ""
                else:
                    statement += ch
            statement += " "
        rec["continued"] = line.rstrip().endswith("\\")  # a preprocessor line goes on below
        rec["depth_after"] = len(stack)
        info.append(rec)
    return info


def ends_statement(rec):
    code = rec.get("code", "")
    return code.endswith((";", "}", "};", ":")) and rec["depth_after"] == rec["depth"]


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        lines = f.read().split("\n")
    info = analyse(lines)
    # \file takes a path that names the file alone: error.hpp is in core/ and in tls/.
    file_name = sys.argv[1].replace("\\", "/").rsplit("/include/", 1)[-1]
    out = list(lines)
    seen_code = False
    i, n = 0, len(lines)
    while i < n:
        rec = info[i]
        if rec["kind"] == "comment" and rec["doc_scope"] and not lines[i].lstrip().startswith(("///", "//!")):
            start = i
            while i < n and info[i]["kind"] == "comment":
                i += 1
            end = i  # first line after the comment block
            nxt = info[end]["kind"] if end < n else "blank"
            prev = info[start - 1] if start else None
            if prev and prev["kind"] == "code" and prev["trail"] >= 0 and rec["indent"] > prev["indent"]:
                # The rest of the comment on the line above, continued under it.
                for k in range(start, end):
                    prefix, _, comment = out[k].partition("//")
                    out[k] = prefix + escape_comment("///<" + comment)
                continue
            if not seen_code and nxt == "pp":
                # The header's opening comment: the file's description.
                for k in range(start, end):
                    out[k] = escape_comment(lines[k].replace("//", "//!", 1))
                out[start] = out[start].replace("//!", "//! \\file " + file_name + " ", 1)
                continue
            if nxt == "define" or nxt == "code":
                for k in range(start, end):
                    prefix, _, comment = out[k].partition("//")
                    out[k] = prefix + escape_comment("///" + comment)
            if nxt == "code":
                group_block(lines, info, out, start, end)
            continue
        if rec["kind"] in ("code", "define"):
            seen_code = True
        if (rec["kind"] == "code" and rec["doc_scope"] and re.search(r"=\s*(default|delete)\s*;$", rec["code"])
                and (i == 0 or info[i - 1]["kind"] != "comment")):
            # A defaulted or deleted special member says what it is; it needs no comment of ours.
            kind = "Defaulted." if rec["code"].endswith("default;") else "Deleted."
            out[i] = lines[i][:rec["indent"]] + f"/** {kind} */ " + lines[i][rec["indent"]:]
        if rec["kind"] == "define" and rec["trail"] >= 0 and rec["doc_scope"]:
            t = rec["trail"]
            out[i] = lines[i][:t] + escape_comment("///<" + lines[i][t + 2:])
        if rec["kind"] == "code" and rec["trail"] >= 0 and rec["doc_scope"]:
            code = rec["code"].strip()
            member = code.endswith((";", ",")) or (rec["in_enum"] and re.fullmatch(r"\w+(\s*=.*)?", code))
            if member and not code.endswith("{"):
                t = rec["trail"]
                out[i] = lines[i][:t] + escape_comment("///<" + lines[i][t + 2:])
        i += 1
    group_declarators(lines, info, out)
    sys.stdout.write("\n".join(out))


def has_top_level_comma(code):
    """Whether a declaration declares several names (`int a = 0, b = 1;`): a comma outside
    brackets and template arguments."""
    depth = 0
    code = code.replace("<<", "  ").replace(">>", "  ")
    for ch in code:
        if ch in "([{<":
            depth += 1
        elif ch in ")]}>":
            depth -= 1
        elif ch == "," and depth == 0:
            return True
    return False


def group_declarators(lines, info, out):
    """`int a = 0, b = 1;  // text` documents only one of its names for doxygen: each such
    declaration at namespace or class scope becomes a member group, so its description (above
    it, or after it on its last line) goes to every name."""
    i, n = 0, len(lines)
    at_start = True  # whether line i begins a statement
    while i < n:
        rec = info[i]
        if rec["kind"] == "code" and not at_start:
            at_start = rec["code"].rstrip().endswith((";", "{", "}", ":"))
            i += 1
            continue
        if rec["kind"] == "code":
            at_start = rec["code"].rstrip().endswith((";", "{", "}", ":"))
        if rec["kind"] != "code" or not rec["doc_scope"] or is_function_or_alias(rec["code"]) \
                or re.match(r"\s*(return|case|public|private|protected|enum|struct|class|namespace)\b", rec["code"]) \
                or rec["code"].strip().startswith(("}", "{", "#")):
            i += 1
            continue
        # The declaration's lines, up to its ';' at this depth.
        j, text = i, ""
        while j < n and info[j]["kind"] == "code" and info[j]["depth"] == rec["depth"]:
            text += " " + info[j]["code"]
            if info[j]["code"].rstrip().endswith(";") or info[j]["depth_after"] != rec["depth"]:
                break
            j += 1
        at_start = True
        if j >= n or not text.rstrip().endswith(";") or info[j]["depth_after"] != rec["depth"] \
                or not has_top_level_comma(text.replace("{", "(").replace("}", ")")):
            at_start = j < n and info[j].get("code", "").rstrip().endswith((";", "{", "}", ":"))
            i = j + 1
            continue
        # A trailing description becomes one above the declaration (same line, before it).
        last = out[j]
        t = last.find("///<")
        if t >= 0:
            doc = last[t + 4:].strip()
            out[j] = last[:t].rstrip()
            out[i] = out[i][:rec["indent"]] + "/** " + doc.replace("*/", "* /") + " */ " + out[i][rec["indent"]:]
        start = i
        while start > 0 and out[start - 1].lstrip().startswith("///") and info[start - 1]["kind"] == "comment":
            start -= 1
        out[start] = "/**@{*/ " + out[start]
        out[j] = out[j] + " /**@}*/"
        i = j + 1


def is_function_or_alias(code):
    """Whether a declaration's first line is a function, a type alias or a template head (not a
    variable: `int x = f(1);` has its parenthesis after the `=`)."""
    code = code.strip()
    if re.match(r"(template\b|using\b|typedef\b|friend\b)", code):
        return True
    head = re.split(r"[={;]", code, maxsplit=1)[0]
    return "(" in head


def group_block(lines, info, out, comment_start, first):
    """When the declarations under one comment are several (no blank line between them), makes
    them a member group so the comment documents each."""
    base = info[first]
    starts, k, prev_done = 0, first, True
    while k < len(lines):
        rec = info[k]
        if rec["kind"] == "blank" or rec["depth"] < base["depth"] or rec["depth_after"] < base["depth"]:
            break  # (a closing brace: the group ends inside the scope it began in)
        if rec["kind"] == "comment" and rec["depth"] == base["depth"]:
            break
        if rec["kind"] == "code" and rec["depth"] == base["depth"]:
            if rec["opens_scope"]:
                return  # a type: its members document themselves, and groups do not nest
            if prev_done and rec["indent"] == base["indent"]:
                starts += 1
                if not is_function_or_alias(rec["code"]):
                    return  # data members each say what they hold: a comment covers only the next one
                if re.search(r"\boverride\b", rec["code"]):
                    return  # an override takes its base's description, not its neighbour's
            if not rec["code"].strip().startswith("template") and not (
                    ends_statement(rec) or (rec["depth_after"] == rec["depth"] and rec["code"].rstrip().endswith("}"))):
                return  # only a run of one-line declarations shares a comment: a body ends the run
            prev_done = ends_statement(rec) or (rec["code"].strip().endswith("}") and rec["depth_after"] == base["depth"])
        elif rec["kind"] == "code" and rec["depth_after"] == base["depth"]:
            prev_done = rec["code"].strip().endswith(("}", "};"))
        k += 1
    if starts < 2 or k >= len(lines):
        return
    line = out[comment_start].lstrip()
    closer = "/**@}*/ "  # the end of the group just above, when it ends here
    if line.startswith(closer):
        out[comment_start] = closer + "/**@{*/ " + line[len(closer):]
    else:
        out[comment_start] = "/**@{*/ " + line
    out[k] = closer + out[k]


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a crash would hide the file from doxygen: say so, loudly
        sys.stderr.write(f"doxygen_filter.py: FAILED on {sys.argv[1]}: {type(e).__name__}: {e}\n")
        with open(sys.argv[1], encoding="utf-8") as f:
            sys.stdout.write(f.read())
        sys.exit(1)
