"""Template helpers: labels, percentages, codes, the QR recipe."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask

from ..domain.choices import CATEGORY_LABELS, FORM5_LABELS, FORM6_LABELS, SPECIAL_LABELS
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
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
