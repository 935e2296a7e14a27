"""The confirmation step for what cannot be undone (SPEC, "What staff meet"): the first post
of an irreversible action shows what it will do, and only the page's 「确认」 button, which
posts again with `confirmed=y`, does it. Works without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import render_template, request

CONFIRMED = "confirmed"


def is_confirmed() -> bool:
    """Whether this post came from a confirmation page's button."""
    return request.form.get(CONFIRMED) == "y"


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page says and where its buttons go."""

    title: str  #: 「确认开启投票箱」
    facts: list[str]  #: what the person should check first
    consequence: str  #: what happens and what cannot be undone
    action: str  #: the URL the confirmed post goes to
    button: str  #: 「确认开启」
    back: str  #: where 「返回，不做了」 leads
    #: Form fields to post again with the confirmation (their names and values).
    hidden: dict[str, str] = field(default_factory=dict)
    warning: bool = False  #: the button in the warning colour (deleting, voiding)


def confirmation_page(step: Confirmation) -> tuple[str, int]:
    """The page that asks before an irreversible step."""
    return render_template("confirm/page.html", step=step), 200
