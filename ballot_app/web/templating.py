"""Template helpers: labels, percentages, codes, the QR recipe."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask

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
from .qr import qr_svg


def register_template_helpers(app: Flask) -> None:
    """Filters and globals every template may use."""

    @app.template_filter("percent")
    def _percent(value: Decimal | None) -> str:
        return format_percent(value)

    app.jinja_env.globals.update(
        qr_svg=qr_svg,
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
