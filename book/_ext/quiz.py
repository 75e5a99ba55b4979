"""A multiple-choice quiz with instant feedback that works in the static page.

Usage in a MyST page::

    ```{quiz} Which of these is part of the managing half of the job?
    * Explaining why this year's target matters
      > Not quite: giving the reason behind a target is leading.
    * [correct] Checking that every open deal has a next step
      > Yes: keeping the pipeline honest is managing.
    ```

Each ``*`` line is a choice, ``[correct]`` marks the right one(s), and the ``>`` line under a
choice is the feedback shown when a reader picks it. The page does not keep the written order:
a quiz's one right answer moves to a position set by the quiz's place in the book (see
:func:`balanced`), so that it is not always second. The page gets a fieldset of radio buttons
with a legend; ``quiz.js`` shows the feedback in a live region, so screen readers announce it.
Nothing is sent anywhere: the answers are in the page.
"""

from __future__ import annotations

import html
import zlib
from pathlib import Path

from active import parse_choices
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

HERE = Path(__file__).parent


class quiz_node(nodes.General, nodes.Element):
    """Holds the parsed quiz; written out as HTML only."""


class Quiz(SphinxDirective):
    has_content = True
    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        question = self.arguments[0].strip()
        choices = parse_choices(self, question)
        if any(c["mark"] == "close" for c in choices):
            raise self.error(f"quiz {question!r}: [close] is for predictions; a quiz choice is "
                             f"right or not")
        env = self.env
        serial = env.new_serialno("quiz")
        ident = f"quiz-{env.docname.replace('/', '-')}-{serial}"
        node = quiz_node(question=question, choices=balanced(choices, env.docname, serial),
                         ident=ident)
        return [node]


def balanced(choices: list[dict[str, str]], page: str, serial: int) -> list[dict[str, str]]:
    """Move a quiz's one right answer to a position that does not give it away.

    Authors tend to write the right answer second. The position is taken from the quiz's
    place in the book: its number on its page, counted from a starting position that depends on
    the page. So it is the same at every build, and a page's quizzes put their right answers in
    different positions in turn; the other choices keep their order.
    A quiz with several right answers keeps the order it was written in.
    """
    right = [c for c in choices if c["mark"] == "correct"]
    if len(right) != 1:
        return choices
    others = [c for c in choices if c["mark"] != "correct"]
    target = (zlib.crc32(page.encode()) + serial) % len(choices)
    return [*others[:target], right[0], *others[target:]]


def visit_quiz_html(self, node: quiz_node) -> None:
    ident = node["ident"]
    parts = [f'<fieldset class="quiz" id="{ident}">',
             f'<legend class="quiz-question">{html.escape(node["question"])}</legend>']
    for k, choice in enumerate(node["choices"]):
        cid = f"{ident}-{k}"
        parts.append(
            f'<div class="quiz-choice"><input type="radio" name="{ident}" id="{cid}" '
            f'data-correct="{"true" if choice["mark"] == "correct" else "false"}" '
            f'data-feedback="{html.escape(str(choice["feedback"]), quote=True)}">'
            f'<label for="{cid}">{html.escape(str(choice["text"]))}</label></div>')
    parts.append('<p class="quiz-feedback" role="status" aria-live="polite"></p></fieldset>')
    self.body.append("".join(parts))
    raise nodes.SkipNode


def skip(self, node: quiz_node) -> None:
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, object]:
    app.add_node(quiz_node, html=(visit_quiz_html, None), singlehtml=(visit_quiz_html, None),
                 latex=(skip, None),
                 text=(skip, None), man=(skip, None), texinfo=(skip, None))
    app.add_directive("quiz", Quiz)
    app.add_js_file("quiz.js")
    app.add_css_file("quiz.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
