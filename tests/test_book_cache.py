"""tools/book_cache.py: the book's execution cache goes when the code behind its pages changes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("book_cache", ROOT / "tools" / "book_cache.py")
assert _spec is not None and _spec.loader is not None
book_cache = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(book_cache)

INPUTS = ("src/pkg", "pins.txt")


def make_tree(root: Path) -> Path:
    (root / "src" / "pkg" / "__pycache__").mkdir(parents=True)
    (root / "src" / "pkg" / "model.py").write_text("RATE = 1\n")
    (root / "src" / "pkg" / "__pycache__" / "model.pyc").write_bytes(b"compiled")
    (root / "pins.txt").write_text("numpy==2\n")
    build = root / "_build"
    for cache in book_cache.CACHES:
        (build / cache).mkdir(parents=True)
        (build / cache / "entry").write_text("old result")
    return build


def caches_present(build: Path) -> list[bool]:
    return [(build / cache / "entry").is_file() for cache in book_cache.CACHES]


def test_first_build_starts_clean_and_records_the_inputs(tmp_path: Path) -> None:
    build = make_tree(tmp_path)
    removed = book_cache.refresh(tmp_path, build, INPUTS)
    assert sorted(p.name for p in removed) == sorted(book_cache.CACHES)
    assert (build / book_cache.STAMP).read_text().strip() == book_cache.fingerprint(
        tmp_path, INPUTS)


def test_unchanged_inputs_keep_the_cache(tmp_path: Path) -> None:
    build = make_tree(tmp_path)
    book_cache.refresh(tmp_path, build, INPUTS)
    for cache in book_cache.CACHES:
        (build / cache).mkdir(exist_ok=True)
        (build / cache / "entry").write_text("fresh result")
    # bytecode is not an input: recompiling keeps the cache
    (tmp_path / "src" / "pkg" / "__pycache__" / "model.pyc").write_bytes(b"recompiled")
    assert book_cache.refresh(tmp_path, build, INPUTS) == []
    assert caches_present(build) == [True, True]


def test_a_change_to_the_model_or_the_pins_drops_the_cache(tmp_path: Path) -> None:
    build = make_tree(tmp_path)
    for change in (lambda: (tmp_path / "src" / "pkg" / "model.py").write_text("RATE = 2\n"),
                   lambda: (tmp_path / "pins.txt").write_text("numpy==3\n"),
                   lambda: (tmp_path / "src" / "pkg" / "new.py").write_text("")):
        book_cache.refresh(tmp_path, build, INPUTS)
        for cache in book_cache.CACHES:
            (build / cache).mkdir(exist_ok=True)
            (build / cache / "entry").write_text("result of the old model")
        change()
        removed = book_cache.refresh(tmp_path, build, INPUTS)
        assert len(removed) == len(book_cache.CACHES)
        assert caches_present(build) == [False, False]


def test_the_real_inputs_cover_the_model_and_the_extensions() -> None:
    files = {str(p.relative_to(ROOT)) for p in book_cache.input_files(ROOT)}
    assert "src/teamsim/model/engine.py" in files
    assert "book/_ext/active.py" in files
    assert "requirements.txt" in files
    assert not [f for f in files if "__pycache__" in f]


def test_a_stylesheet_change_rewrites_pages_without_running_them(tmp_path: Path) -> None:
    build = make_tree(tmp_path)
    static = tmp_path / "src" / "pkg" / "static"
    static.mkdir()
    (static / "book.css").write_text("a { color: red }\n")
    page_only = ("src/pkg/static",)
    book_cache.refresh(tmp_path, build, INPUTS, page_only)
    for cache in book_cache.CACHES:
        (build / cache).mkdir(exist_ok=True)
        (build / cache / "entry").write_text("result")
    (static / "book.css").write_text("a { color: blue }\n")
    removed = book_cache.refresh(tmp_path, build, INPUTS, page_only)
    assert [p.name for p in removed] == [".doctrees"]
    assert (build / ".jupyter_cache" / "entry").is_file()
    # and the code outside it still drops both
    (build / ".doctrees").mkdir()
    (tmp_path / "src" / "pkg" / "model.py").write_text("RATE = 3\n")
    assert len(book_cache.refresh(tmp_path, build, INPUTS, page_only)) == 2
