"""A multiple-choice quiz with instant feedback that works in the static page.

Usage in a MyST page::

    ```{quiz} Which of these is part of the managing half of the job?
    * Explaining why this year's target matters
      > Not quite: giving the reason behind a target is leading.
    * [correct] Checking that every open deal has a next step
      > Yes: keeping the pipeline honest is managing.
    ```

Each ``*`` line is a choice, ``[correct]`` marks the right one(s), and the ``>`` line under a
choice is the feedback shown when a reader picks it. The page gets a fieldset of radio buttons
with a legend; ``quiz.js`` shows the feedback in a live region, so screen readers announce it.
Nothing is sent anywhere: the answers are in the page.
"""

from __future__ import annotations

import html
from pathlib import Path

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
        choices: list[dict[str, object]] = []
        for line in self.content:
            text = line.strip()
            if not text:
                continue
            if text.startswith("* "):
                body = text[2:].strip()
                correct = body.startswith("[correct]")
                body = body.removeprefix("[correct]").strip()
                choices.append({"text": body, "correct": correct, "feedback": ""})
            elif text.startswith(">") and choices:
                choices[-1]["feedback"] = (str(choices[-1]["feedback"]) + " "
                                           + text[1:].strip()).strip()
            else:
                raise self.error(f"quiz {question!r}: each line must be a choice ('* ...') or "
                                 f"feedback ('> ...'), got {text!r}")
        if len(choices) < 2:
            raise self.error(f"quiz {question!r}: needs at least two choices, got {len(choices)}")
        if not any(c["correct"] for c in choices):
            raise self.error(f"quiz {question!r}: no choice is marked [correct]")
        missing = [c["text"] for c in choices if not c["feedback"]]
        if missing:
            raise self.error(f"quiz {question!r}: choice {missing[0]!r} has no feedback line")
        env = self.env
        serial = env.new_serialno("quiz")
        node = quiz_node(question=question, choices=choices,
                         ident=f"quiz-{env.docname.replace('/', '-')}-{serial}")
        return [node]


def visit_quiz_html(self, node: quiz_node) -> None:
    ident = node["ident"]
    parts = [f'<fieldset class="quiz" id="{ident}">',
             f'<legend class="quiz-question">{html.escape(node["question"])}</legend>']
    for k, choice in enumerate(node["choices"]):
        cid = f"{ident}-{k}"
        parts.append(
            f'<div class="quiz-choice"><input type="radio" name="{ident}" id="{cid}" '
            f'data-correct="{"true" if choice["correct"] else "false"}" '
            f'data-feedback="{html.escape(str(choice["feedback"]), quote=True)}">'
            f'<label for="{cid}">{html.escape(str(choice["text"]))}</label></div>')
    parts.append('<p class="quiz-feedback" role="status" aria-live="polite"></p></fieldset>')
    self.body.append("".join(parts))
    raise nodes.SkipNode


def skip(self, node: quiz_node) -> None:
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, object]:
    app.add_node(quiz_node, html=(visit_quiz_html, None), latex=(skip, None),
                 text=(skip, None), man=(skip, None), texinfo=(skip, None))
    app.add_directive("quiz", Quiz)
    app.add_js_file("quiz.js")
    app.add_css_file("quiz.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
