"""The book's build-time fix for blank header cells (book/_ext/access.py, axe's
empty-table-header): an empty ``<th>`` is written as a ``<td>``, a named one stays."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))

from access import blank_cells  # noqa: E402


def test_blank_header_cells_become_cells_and_named_ones_stay() -> None:
    docutils = ('<tr class="row-odd"><th class="head"><p></p></th>\n'
                '<th class="head"><p>Coach</p></th>')
    assert blank_cells(docutils) == ('<tr class="row-odd"><td class="head"></td>\n'
                                     '<th class="head"><p>Coach</p></th>')
    pandas = ('<tr style="text-align: right;"><th></th><th>week</th></tr>'
              '<tr><th>style</th><th> </th>')
    assert blank_cells(pandas) == ('<tr style="text-align: right;"><td></td><th>week</th></tr>'
                                   '<tr><th>style</th><td></td>')
    styler = ('<th class="blank level0" >&nbsp;</th>'
              '<th id="T_1_level0_col0" class="col_heading">a</th>')
    assert blank_cells(styler).startswith('<td class="blank level0" ></td><th id=')
    assert blank_cells("<thead><th>x</th></thead>") == "<thead><th>x</th></thead>"


def test_folded_code_toggles_are_named_by_their_words() -> None:
    from access import named_by_its_words

    folded = ('<details class="admonition hide above-input">\n'
              '<summary aria-label="Toggle hidden content">\n'
              '<p class="collapsed admonition-title">Show code cell source</p>')
    assert named_by_its_words(folded) == folded.replace(
        ' aria-label="Toggle hidden content"', "")
    # a toggle with no words of its own keeps its label
    bare = '<summary aria-label="Toggle hidden content"><span class="chevron"></span>'
    assert named_by_its_words(bare) == bare
