"""Print a table of the course's parts: how long they are and how active they make the reader.

    .venv/bin/python tools/course_stats.py [--built _build/html]

From each part's MyST source: words of prose (code cells, directives' options and HTML comments
left out) and the reading time at 200 words a minute; numbers glued into running prose (a
``{glue:text}`` role outside a table row); predictions, reflection sections and model notes by
status. From the built page, when the book is built: each quiz's right-answer position (1 =
first), as the reader sees it after the quiz directive has placed it.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARTS = ["part1_two_sides", "part2_managing", "part3_leading", "part4_impact", "part5_shifting",
         "part6_capstone"]
WORDS_PER_MINUTE = 200


def prose_lines(text: str) -> list[str]:
    """The lines of a MyST page a reader reads as prose (no code cells, front matter,
    comments or directive options)."""
    lines: list[str] = []
    fence = None
    front = text.startswith("---")
    for k, line in enumerate(text.splitlines()):
        if front:
            if k > 0 and line.strip() == "---":
                front = False
            continue
        stripped = line.strip()
        if fence is not None:
            if stripped.startswith(fence) and stripped.strip("`~") == "":
                fence = None
            continue
        if stripped.startswith("```{code-cell}") or stripped.startswith("```{raw}"):
            fence = stripped[:3]
            continue
        if stripped.startswith(("<!--", "+++", ":reveal:", ":tags:", ":label:", ":class:")):
            continue
        lines.append(line)
    return lines


def part_stats(name: str, built: Path | None) -> dict[str, object]:
    text = (ROOT / "book" / f"{name}.md").read_text(encoding="utf-8")
    prose = prose_lines(text)
    words = sum(len(re.findall(r"[A-Za-z0-9][\w'’.-]*", re.sub(r"\{[a-z:]+\}`[^`]*`", "x", line)))
                for line in prose)
    glued = sum(line.count("{glue:text}") for line in prose if not line.lstrip().startswith("|"))
    notes = {s: len(re.findall(r"^[`:]{3,}\{modelnote\}\s+" + s + r"\s*$", text, flags=re.M))
             for s in ("built-in", "emerges", "conditional")}
    positions = ""
    if built is not None and (built / "book" / f"{name}.html").is_file():
        page = (built / "book" / f"{name}.html").read_text(encoding="utf-8")
        found = []
        for quiz in re.findall(r'<fieldset class="quiz".*?</fieldset>', page, flags=re.S):
            marks = re.findall(r'data-correct="(true|false)"', quiz)
            found.append("/".join(str(k + 1) for k, m in enumerate(marks) if m == "true"))
        positions = " ".join(found)
    return {
        "part": name, "words": words, "minutes": round(words / WORDS_PER_MINUTE),
        "glued": glued,
        "predictions": len(re.findall(r"^[`:]{3,}\{predict\}", text, flags=re.M)),
        "quizzes": len(re.findall(r"^[`:]{3,}\{quiz\}", text, flags=re.M)),
        "answer positions": positions or "(book not built)",
        "reflections": len(re.findall(r"^## Your own team\s*$", text, flags=re.M)),
        "takeaways": len(re.findall(r"^## Key takeaways\s*$", text, flags=re.M)),
        **{f"{s}": n for s, n in notes.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--built", type=Path, default=ROOT / "_build" / "html",
                        help="the built book, for the quizzes' answer positions")
    args = parser.parse_args()
    built = args.built if args.built.is_dir() else None
    rows = [part_stats(name, built) for name in PARTS]
    header = list(rows[0])
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(row[h]) for h in header) + " |")


if __name__ == "__main__":
    main()
