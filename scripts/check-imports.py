#!/usr/bin/env python3
"""Checks that Package.swift states the real dependency graph.

For every target, the modules its Swift files import (`import X`, `@testable import X`,
`@_exported import X`, also inside `#if`) must be exactly the target's declared dependencies
(targets and products, by module name), no more and no fewer. System modules (Foundation, Testing,
Glibc, …) are not dependencies and are ignored. Package.swift is read as text, so the check needs no
build and no SwiftPM lock; it understands the forms the manifest uses: "Name", .target(name: "Name",
…), .product(name: "Name", package: …), and a target's `path:`.

Exit status 1 and one line per difference when the two disagree.
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Modules that come with the toolchain or the platform, never declared in Package.swift.
SYSTEM_MODULES = {
    "Foundation", "FoundationEssentials", "FoundationNetworking", "FoundationXML", "Dispatch",
    "Glibc", "Musl", "Darwin", "Android", "WinSDK", "Accelerate", "os", "Synchronization",
    "Testing", "XCTest", "Observation", "RegexBuilder", "_Concurrency", "_Differentiation",
    "Swift", "PackageDescription",
}

TARGET_CALL = re.compile(r"\.(target|executableTarget|testTarget|systemLibrary)\s*\(")
IMPORT = re.compile(
    r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*import\s+(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?"
    r"([A-Za-z_][A-Za-z0-9_]*)",
    re.MULTILINE,
)


def balanced(text: str, start: int, open_char: str, close_char: str) -> int:
    """Index just past the bracket that closes the one at `start`."""
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c == '"':
            i = text.index('"', i + 1)
        elif c == open_char:
            depth += 1
        elif c == close_char:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError(f"unbalanced {open_char} at offset {start}")


def strip_comments(text: str) -> str:
    return re.sub(r"//[^\n]*", "", text)


def strip_strings_and_comments(source: str) -> str:
    """Swift source without string literals (which may hold Python or shell code) and comments."""
    source = re.sub(r'#*"""[\s\S]*?"""#*', '""', source)
    source = re.sub(r'"(?:\\.|[^"\\\n])*"', '""', source)
    source = re.sub(r"/\*[\s\S]*?\*/", "", source)
    return strip_comments(source)


def read_targets(manifest: str):
    """(kind, name, path, dependencies) for every target call at the top level of `targets:`."""
    text = strip_comments(manifest)
    # The package's `targets:` list is the one holding target calls (products have `targets:` too).
    body = ""
    for m in re.finditer(r"\btargets:\s*\[", text):
        list_start = m.end() - 1
        candidate = text[list_start + 1 : balanced(text, list_start, "[", "]") - 1]
        if TARGET_CALL.search(candidate):
            body = candidate
    out = []
    i = 0
    while True:
        m = TARGET_CALL.search(body, i)
        if not m:
            break
        open_at = m.end() - 1
        close_at = balanced(body, open_at, "(", ")")
        call = body[open_at + 1 : close_at - 1]
        name = re.search(r'name:\s*"([^"]+)"', call).group(1)
        path_match = re.search(r'\bpath:\s*"([^"]+)"', call)
        deps = set()
        dm = re.search(r"\bdependencies:\s*\[", call)
        if dm:
            d_start = dm.end() - 1
            d_body = call[d_start + 1 : balanced(call, d_start, "[", "]") - 1]
            j = 0
            while j < len(d_body):
                sub = re.compile(r'\.(?:target|product)\s*\(|"([^"]+)"').search(d_body, j)
                if not sub:
                    break
                if sub.group(1) is not None:
                    deps.add(sub.group(1))
                    j = sub.end()
                else:
                    p_open = sub.end() - 1
                    p_close = balanced(d_body, p_open, "(", ")")
                    deps.add(re.search(r'name:\s*"([^"]+)"', d_body[p_open:p_close]).group(1))
                    j = p_close
        out.append((m.group(1), name, path_match.group(1) if path_match else None, deps))
        i = close_at
    return out


def imports_of(directory: pathlib.Path) -> dict[str, list[str]]:
    """Module → files (relative) that import it."""
    found: dict[str, list[str]] = {}
    for file in sorted(directory.rglob("*.swift")):
        source = strip_strings_and_comments(file.read_text(encoding="utf-8"))
        for module in IMPORT.findall(source):
            found.setdefault(module, []).append(str(file.relative_to(ROOT)))
    return found


def main() -> int:
    manifest = (ROOT / "Package.swift").read_text(encoding="utf-8")
    problems = []
    targets = read_targets(manifest)
    if not targets:
        print("check-imports: found no targets in Package.swift")
        return 1
    for kind, name, path, deps in targets:
        if kind == "systemLibrary":
            continue
        default = "Tests" if kind == "testTarget" else "Sources"
        directory = ROOT / (path or f"{default}/{name}")
        if not directory.is_dir():
            problems.append(f"{name}: no directory {directory.relative_to(ROOT)}")
            continue
        imported = imports_of(directory)
        used = {m for m in imported if m not in SYSTEM_MODULES and m != name}
        for module in sorted(used - deps):
            files = ", ".join(imported[module][:3])
            problems.append(f"{name}: imports {module} ({files}) but does not declare it in Package.swift")
        for module in sorted(deps - used):
            problems.append(f"{name}: declares {module} in Package.swift but no file imports it")
    for line in problems:
        print(line)
    if problems:
        print(f"check-imports: {len(problems)} difference(s) between imports and Package.swift")
        return 1
    print("imports: Package.swift matches")
    return 0


if __name__ == "__main__":
    sys.exit(main())
