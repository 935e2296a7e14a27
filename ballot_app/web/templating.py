"""Template helpers: labels, percentages, codes, the QR recipe, form controls' attributes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import Flask
from wtforms import Field

from ..domain.ballot_spec import form6_titles
from ..domain.choices import (
    CATEGORY_LABELS,
    FORM5_CODES,
    FORM5_LABELS,
    FORM6_CODES,
    FORM6_LABELS,
    SPECIAL_LABELS,
)
from ..domain.rates import format_percent
from ..domain.roles import Role
from ..domain.score_sheets import from_tenths
from ..domain.text import N_
from ..services.audit import BEIJING
from .qr import qr_svg

#: The header's short role names: a phone's header keeps 「退出」 on the first line.
#: Message ids: base.html shows `_(ROLE_SHORT[role])`.
ROLE_SHORT = {Role.ADMIN: N_("管理员"), Role.ORGANIZER: N_("考核组"), Role.TELLER: N_("计票人")}


def control_attrs(field: Field, hint: str = "", locked: str = "") -> dict[str, Any]:
    """A form control's accessibility attributes: what describes it, whether it is in error
    or cannot change now (templates/_macros/forms.html draws the texts with these ids)."""
    described = [
        f"{field.id}-{part}"
        for part, present in (("hint", hint), ("locked", locked), ("error", field.errors))
        if present
    ]
    attrs: dict[str, Any] = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if locked:
        attrs["disabled"] = True
    return attrs


def register_template_helpers(app: Flask) -> None:
    """Filters and globals every template may use."""

    @app.template_filter("percent")
    def _percent(value: Decimal | None) -> str:
        return format_percent(value)

    @app.template_filter("tenths")
    def _tenths(value: int | None) -> str:
        """A stored score (tenths of a point) as printed: 885 → 88.5; None → —."""
        return "—" if value is None else str(from_tenths(value))

    @app.template_filter("local_time")
    def _local_time(moment: datetime | None) -> str:
        """An instant as Beijing time, e.g. 2026-12-03 09:41."""
        return "—" if moment is None else moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")

    app.jinja_env.globals.update(
        qr_svg=qr_svg,
        control_attrs=control_attrs,
        ROLE_SHORT=ROLE_SHORT,
        CATEGORY_LABELS=CATEGORY_LABELS,
        FORM5_LABELS=FORM5_LABELS,
        FORM6_LABELS=FORM6_LABELS,
        SPECIAL_LABELS=SPECIAL_LABELS,
        FORM5_CODES=FORM5_CODES,
        FORM6_CODES=FORM6_CODES,
        form6_titles=form6_titles,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
