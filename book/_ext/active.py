"""Active reading in the static book: commit a prediction before the answer opens, and notes
that say whether a model result was built in or emerges.

A prediction, in a MyST page::

    ```{predict} After the switch, whose team sees its trust move faster?
    :reveal: 2
    * The manager who starts leading
      > Not in this model: trust is won more slowly than it is lost.
    * [correct] The manager who stops
      > Yes: ...
    * [close] Both about the same
      > Close, but ...
    ```

The choices are written like a quiz's (``[correct]`` marks the model's answer, ``[close]`` a
guess that is near it, ``>`` the feedback). ``:reveal: N`` names how many of the blocks that
follow the prediction (the chart's cell, the paragraphs that explain it) stay closed until the
reader has locked in a guess. The closed blocks are drawn but hidden and inert, so a chart
inside is ready the moment it opens. Without JavaScript, and in print, everything shows.
Choices keep the order they are written in: a prediction's options are often a scale.

A note on a model result::

    ```{modelnote} emerges
    Nothing in the model says ...; it comes from ...
    ```

The argument is ``built-in`` (the result is an assumption the model was given: the text names
it), ``emerges`` (it comes from several mechanisms acting together) or ``conditional`` (it
emerges, but only under a condition the text states). Each renders as a labelled aside.
"""

from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput, visit_HideCellInput
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent

STATUS_TITLES = {
    "built-in": "Built into the model",
    "emerges": "Emerges in the model",
    "conditional": "Emerges in the model, under a condition",
}
"""The three kinds of model result a note can mark, and the title each shows."""

MARKS = ("[correct]", "[close]")


def parse_choices(directive: SphinxDirective, question: str) -> list[dict[str, str]]:
    """Choices of a quiz or prediction: ``* [mark] text`` lines, each with ``> feedback``."""
    choices: list[dict[str, str]] = []
    for line in directive.content:
        text = line.strip()
        if not text:
            continue
        if text.startswith("* "):
            body = text[2:].strip()
            mark = next((m for m in MARKS if body.startswith(m)), "")
            choices.append({"text": body.removeprefix(mark).strip(), "mark": mark.strip("[]"),
                            "feedback": ""})
        elif text.startswith(">") and choices:
            choices[-1]["feedback"] = (choices[-1]["feedback"] + " " + text[1:].strip()).strip()
        else:
            raise directive.error(f"{directive.name} {question!r}: each line must be a choice "
                                  f"('* ...') or feedback ('> ...'), got {text!r}")
    if len(choices) < 2:
        raise directive.error(f"{directive.name} {question!r}: needs at least two choices, "
                              f"got {len(choices)}")
    if not any(c["mark"] == "correct" for c in choices):
        raise directive.error(f"{directive.name} {question!r}: no choice is marked [correct]")
    missing = [c["text"] for c in choices if not c["feedback"]]
    if missing:
        raise directive.error(f"{directive.name} {question!r}: choice {missing[0]!r} has no "
                              f"feedback line")
    return choices


class predict_node(nodes.General, nodes.Element):
    """A prediction the reader locks in; written out as HTML only."""


class Predict(SphinxDirective):
    has_content = True
    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {"reveal": directives.positive_int}

    def run(self) -> list[nodes.Node]:
        question = self.arguments[0].strip()
        if "reveal" not in self.options:
            raise self.error(f"predict {question!r}: say how many blocks after it the guess "
                             f"opens with ':reveal: N'")
        choices = parse_choices(self, question)
        serial = self.env.new_serialno("predict")
        node = predict_node(question=question, choices=choices, reveal=self.options["reveal"],
                            ident=f"predict-{self.env.docname.replace('/', '-')}-{serial}")
        node.source, node.line = self.get_source_info()
        return [node]


def close_answers(app: Sphinx, doctree: nodes.document) -> None:
    """Wrap the ``reveal`` blocks after each prediction in a closed answer container."""
    for node in list(doctree.findall(predict_node)):
        parent = node.parent
        start = parent.index(node) + 1
        following = list(parent.children[start:start + node["reveal"]])
        blocked = [b for b in following if isinstance(b, (nodes.section, predict_node))]
        if blocked:
            following = following[:following.index(blocked[0])]
        if len(following) < node["reveal"]:
            # a warning fails the strict build, with the page and line
            logger.warning(f"the prediction {node['question']!r} asks to close "
                           f"{node['reveal']} blocks after it, but only {len(following)} "
                           f"follow before the next heading or prediction", location=node)
            continue
        answer = nodes.container(classes=["predict-answer", "predict-closed"])
        answer["ids"] = [node["ident"] + "-answer"]
        for block in following:
            parent.remove(block)
            answer += block
        parent.insert(start, answer)


def visit_predict_html(self: nodes.NodeVisitor, node: predict_node) -> None:
    ident = node["ident"]
    parts = [f'<div class="predict" id="{ident}"><fieldset class="predict-guess">',
             f'<legend><span class="predict-label">Predict first.</span> '
             f'{html.escape(node["question"])}</legend>']
    for k, choice in enumerate(node["choices"]):
        cid = f"{ident}-{k}"
        parts.append(
            f'<div class="predict-choice"><input type="radio" name="{ident}" id="{cid}" '
            f'value="{k}" data-mark="{choice["mark"]}" '
            f'data-feedback="{html.escape(choice["feedback"], quote=True)}">'
            f'<label for="{cid}">{html.escape(choice["text"])}</label></div>')
    parts.append(
        f'<button type="button" class="predict-commit" aria-controls="{ident}-answer">'
        f'Lock in my guess and open the answer</button>'
        f'<p class="predict-feedback" role="status" aria-live="polite"></p>'
        f'</fieldset></div>')
    self.body.append("".join(parts))
    raise nodes.SkipNode


def skip(self: nodes.NodeVisitor, node: nodes.Node) -> None:
    raise nodes.SkipNode


class ModelNote(SphinxDirective):
    has_content = True
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        status = self.arguments[0].strip()
        if status not in STATUS_TITLES:
            raise self.error(f"modelnote: the status must be one of {sorted(STATUS_TITLES)}, "
                             f"got {status!r}")
        if not self.content:
            raise self.error(f"modelnote {status}: say what is {status} and why")
        note = nodes.admonition(classes=["modelnote", f"modelnote-{status}"])
        note += nodes.title(text=STATUS_TITLES[status])
        self.state.nested_parse(self.content, self.content_offset, note)
        return [note]


def setup(app: Sphinx) -> dict[str, object]:
    app.add_node(predict_node, html=(visit_predict_html, None),
                 singlehtml=(visit_predict_html, None), latex=(skip, None),
                 text=(skip, None), man=(skip, None), texinfo=(skip, None))
    # myst-nb folds code cells tagged hide-input behind a toggle, but tells only the html builder
    # how to write the fold; the one-page build behind the PDF needs it as well.
    app.registry.add_translation_handlers(
        HideCodeCellNode, singlehtml=(visit_HideCellInput, depart_HideCellInput))
    app.add_directive("predict", Predict)
    app.add_directive("modelnote", ModelNote)
    app.connect("doctree-read", close_answers)
    # In the head, before the page paints: closed answers are hidden only if scripts run.
    app.add_js_file(None, body='document.documentElement.classList.add("predict-js");')
    app.add_js_file("active.js")
    app.add_css_file("active.css")
    # Targets people can hit, for the charts' controls and the quizzes' too.
    app.add_css_file("controls.css")
    # Skip link, focus rings, named solution toggles, instructor print (book/_ext/access.py).
    app.setup_extension("access")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
