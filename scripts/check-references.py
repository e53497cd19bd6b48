#!/usr/bin/env python3
"""Checks that every reference to a Markdown file resolves inside the repository.

In every file of the repository (tracked or new, not ignored):
- a name ending in `.md` must be a file of the repository, relative to the citing file's folder or to
  the repository root (names passed to a command-line option, such as `--markdown table.md`, are
  outputs, not references);
- `X.md §N` must name a section of X.md: a heading numbered N (`## N.` or `### N.M`);
- a Markdown link `[…](X.md#anchor)` or `[…](#anchor)` must name an anchor of the target: an
  `<a id="anchor">` or a heading's GitHub slug;
- the research digest that lives outside the clone is never cited: no `papers.md`, "papers digest"
  or "digest §" (cite docs/math/ instead).

Exit status 1 and one line per broken reference.
"""

import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

MD_NAME = re.compile(r"(?<![A-Za-z0-9_./-])((?:\.\.?/)*[A-Za-z0-9_][A-Za-z0-9_./-]*\.md)\b")
OPTION_ARGUMENT = re.compile(r"--[A-Za-z][A-Za-z0-9-]*[ =]+$")
SECTION = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_./-]*\.md)\s+§\s?(\d+(?:\.\d+)*)")
LINK = re.compile(r"\]\(([^)\s]*)\)")
FORBIDDEN = [
    (re.compile(r"papers\.md"), "cites papers.md, which is not in the repository (cite docs/math/…)"),
    (re.compile(r"papers\s+digest", re.IGNORECASE), "cites the papers digest (cite docs/math/…)"),
    (re.compile(r"\bdigest\s+§"), "cites the papers digest (cite docs/math/…)"),
]


def repository_files() -> list[pathlib.Path]:
    listing = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    return [ROOT / line for line in listing.splitlines() if (ROOT / line).is_file()]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"<[^>]+>", "", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors_and_sections(path: pathlib.Path) -> tuple[set[str], set[str]]:
    text = path.read_text(encoding="utf-8")
    anchors = set(re.findall(r'<a\s+(?:id|name)="([^"]+)"', text))
    sections = set()
    for heading in re.findall(r"^#+\s+(.*)$", text, re.MULTILINE):
        anchors.add(slug(heading))
        number = re.match(r"(\d+(?:\.\d+)*)\.?\s", heading)
        if number:
            sections.add(number.group(1))
    return anchors, sections


def resolve(name: str, citing: pathlib.Path) -> pathlib.Path | None:
    for base in (citing.parent, ROOT):
        candidate = (base / name).resolve()
        if candidate.is_file() and ROOT in candidate.parents:
            return candidate
    return None


def main() -> int:
    problems = []
    cache: dict[pathlib.Path, tuple[set[str], set[str]]] = {}

    def described(path: pathlib.Path) -> tuple[set[str], set[str]]:
        if path not in cache:
            cache[path] = anchors_and_sections(path)
        return cache[path]

    for file in repository_files():
        if file.resolve() == pathlib.Path(__file__).resolve():
            continue
        try:
            text = file.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        where = file.relative_to(ROOT)
        for number, line in enumerate(text.splitlines(), start=1):
            for pattern, message in FORBIDDEN:
                if pattern.search(line):
                    problems.append(f"{where}:{number}: {message}")
                    break
            for match in MD_NAME.finditer(line):
                name = match.group(1)
                if OPTION_ARGUMENT.search(line[: match.start()]):
                    continue
                if name.endswith("papers.md"):
                    continue  # reported above
                if resolve(name, file) is None:
                    problems.append(f"{where}:{number}: {name} does not exist in the repository")
            for match in SECTION.finditer(line):
                target = resolve(match.group(1), file)
                if target is None or target.suffix != ".md":
                    continue
                if match.group(2) not in described(target)[1]:
                    problems.append(f"{where}:{number}: {match.group(1)} has no section §{match.group(2)}")
            if file.suffix != ".md":
                continue
            for match in LINK.finditer(line):
                link = match.group(1)
                if re.match(r"[a-z]+:", link) or "#" not in link:
                    continue
                path, anchor = link.split("#", 1)
                target = file if path == "" else resolve(path, file)
                if target is None or target.suffix != ".md":
                    continue
                if anchor not in described(target)[0]:
                    problems.append(f"{where}:{number}: {link}: no anchor #{anchor} in {target.relative_to(ROOT)}")
    for line in problems:
        print(line)
    if problems:
        print(f"check-references: {len(problems)} broken reference(s)")
        return 1
    print("references: every cited .md file and section exists")
    return 0


if __name__ == "__main__":
    sys.exit(main())
