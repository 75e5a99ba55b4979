"""requirements.lock, which `make venv` installs with --require-hashes, agrees with
requirements.txt, the pins people edit: regenerate it with `make lock` after an edit."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text: str) -> dict[str, set[str]]:
    """package -> versions pinned with == (a lock may pin two, for different Pythons)."""
    found: dict[str, set[str]] = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", line)
        if match:
            found.setdefault(normal(match.group(1)), set()).add(match.group(2))
    return found


def test_every_pin_of_requirements_txt_is_locked_at_the_same_version() -> None:
    wanted = pins((ROOT / "requirements.txt").read_text())
    locked = pins((ROOT / "requirements.lock").read_text())
    assert len(wanted) >= 20
    wrong = {name: (version, sorted(locked.get(name, set())))
             for name, (version,) in ((n, tuple(v)) for n, v in wanted.items())
             if locked.get(name) != {version}}
    assert not wrong, f"requirements.lock disagrees with requirements.txt (run make lock): {wrong}"


def test_every_locked_package_has_hashes() -> None:
    text = (ROOT / "requirements.lock").read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    packages = [b for b in blocks if re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*==", b)]
    assert len(packages) >= 150
    unhashed = [b.split()[0] for b in packages if "--hash=sha256:" not in b]
    assert not unhashed, f"locked without hashes: {unhashed}"
    assert not re.search(r"^-e ", text, flags=re.M), "an editable line breaks --require-hashes"
