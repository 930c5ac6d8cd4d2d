"""The prose of a dunning letter: its Jinja2 templates, rendered for a Letter (riskcore.dunning.letters).

Templates are `<lang>/<action>.txt` (blocks `subject`, `intro`, `closing`) and `<lang>/email_body.txt`,
in riskcore/dunning/templates or in config collections.templates_dir, whose files of the same name win.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import jinja2

from riskcore import config
from riskcore.dunning.letters import Letter
from riskcore.i18n import fmt_amount, fmt_date, t

PACKAGED_TEMPLATES = Path(__file__).parent / "templates"


def template_dirs() -> tuple[Path, ...]:
    """Where templates are looked up, first match wins: config collections.templates_dir, then the package's."""
    override = config.get().collections.templates_dir
    if not override:
        return (PACKAGED_TEMPLATES,)
    path = Path(override).expanduser()
    return (path if path.is_absolute() else config.ROOT / path, PACKAGED_TEMPLATES)


def _plain(value: object) -> str:
    return "" if value is None else str(value)


def _markup(value: object) -> str:
    return escape(_plain(value))  # & < > of names and values shown literally by reportlab


@cache
def environment(dirs: tuple[Path, ...], markup: bool) -> jinja2.Environment:
    """The Jinja2 environment of the templates in `dirs`; with `markup`, every value printed is escaped.

    Templates are plain text (no autoescape), their own text may carry reportlab markup (<b>);
    undefined names fail (StrictUndefined) rather than print nothing.
    """
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs], encoding="utf-8"),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        finalize=_markup if markup else _plain,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def _context(letter: Letter) -> dict[str, object]:
    lang = letter.lang
    return {
        "letter": letter,
        "creditor": letter.creditor,
        "debtor": letter.debtor,
        "date": letter.date,
        "lang": lang,
        "money": lambda v: fmt_amount(v, lang),
        "day": lambda v: fmt_date(v, lang),
        "action_name": lambda a: t(f"letters.action.{a}", lang),
    }


def prose(letter: Letter, markup: bool = True) -> dict[str, str]:
    """The blocks `subject`, `intro` and `closing` of the letter's template, rendered ("" when absent).

    With `markup` the values are escaped for reportlab's Paragraph markup; without, plain text.
    """
    env = environment(template_dirs(), markup)
    tmpl = env.get_template(f"{letter.lang}/{letter.template}.txt")
    context = tmpl.new_context(_context(letter))
    blocks = {name: "".join(tmpl.blocks[name](context)).strip() if name in tmpl.blocks else ""
              for name in ("subject", "intro", "closing")}  # fmt: skip
    blocks["subject"] = " ".join(blocks["subject"].split())
    return blocks


def email_body(letter: Letter) -> str:
    """The plain-text body of the letter's e-mail (`<lang>/email_body.txt`)."""
    env = environment(template_dirs(), False)
    values = {**_context(letter), "subject": prose(letter, markup=False)["subject"]}
    return env.get_template(f"{letter.lang}/email_body.txt").render(values).strip() + "\n"
