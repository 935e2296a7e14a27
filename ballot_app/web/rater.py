"""A rater's own score sheet, opened from the personal link (/s/<link>): score each person,
review, submit, and the receipt with the sheet's digest. No account: the signed link is the
credential, so it never goes in a log (logs.py) and pages send no referrer. Like the voter's
pages they need no cookie (WeChat may drop them): a post from another site cannot know the
link, so the blueprint is exempt from the session's CSRF token; the admin's paper entry,
which reuses these steps, is not.

The admin typing in a paper sheet uses the same form and steps (web/score_sheets.py)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from ..domain.score_sheets import SheetCheck, short_digest
from ..models import ScoreSheet
from ..services import score_sheets as sheets
from ..services.errors import InvalidInput, SheetChanged, SheetSealed
from .guards import keys

bp = Blueprint("rater", __name__)
Page = Response | str | tuple[str, int]
OTHER_SHEET = (
    "这一页属于另一张评分表（可能同时打开了两个评分链接）。"
    "请关闭这一页，从您自己的评分通知重新打开链接。"
)


@bp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the link is the credential
    return response


@dataclass(frozen=True)
class Steps:
    """Where the sheet's form posts: the rater's link, or the admin's paper entry."""

    review: str
    submit: str
    back: str  #: the form again (from the review)
    by_admin: bool = False


def rater_steps(value: str) -> Steps:
    return Steps(
        url_for("rater.review", value=value),
        url_for("rater.submit", value=value),
        url_for("rater.show", value=value),
    )


def typed_from(form: MultiDict[str, str], sheet: ScoreSheet) -> dict[int, tuple[str, str]]:
    """The scores and remarks as typed, by member id (fields score-<id>, remark-<id>)."""
    return {
        r.member_id: (
            form.get(f"score-{r.member_id}", "")[:40],
            form.get(f"remark-{r.member_id}", "")[:2000],
        )
        for r in sheet.rows
    }


def same_sheet(form: MultiDict[str, str], sheet: ScoreSheet) -> None:
    """The posted page must be this sheet's own (its hidden `sheet` field)."""
    if form.get("sheet", "") != str(sheet.id):
        raise InvalidInput(OTHER_SHEET)


def sheet_form(
    sheet: ScoreSheet,
    steps: Steps,
    typed: dict[int, tuple[str, str]] | None = None,
    result: SheetCheck | None = None,
    confirmed_by: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The sheet to fill in, with what was typed and each problem beside its row."""
    page = render_template(
        "rater/sheet.html",
        sheet=sheet,
        steps=steps,
        typed=typed if typed is not None else sheets.typed_scores(sheet),
        result=result,
        confirmed_by=sheet.confirmed_by if confirmed_by is None else confirmed_by,
        confirm_problem=None,
        principals=sheets.principals(sheet),
    )
    return page, status


def review_step(sheet: ScoreSheet, steps: Steps, version: int | None) -> Page:
    """Check what was posted; the form again with its problems, or the review page."""
    form = request.form
    same_sheet(form, sheet)
    typed = typed_from(form, sheet)
    confirmed_by = form.get("confirmed_by", "")[:64]
    result = sheets.check(sheet, typed)
    confirm_problem = sheets.confirmation_problem(sheet, confirmed_by)
    if not result.is_valid or confirm_problem:
        page = render_template(
            "rater/sheet.html",
            sheet=sheet,
            steps=steps,
            typed=typed,
            result=result,
            confirmed_by=confirmed_by,
            confirm_problem=confirm_problem,
            principals=sheets.principals(sheet),
        )
        return page, 400
    reviewed = sheets.save_draft(sheet.id, version, result, confirmed_by)
    return review_page(sheet, steps, reviewed)


def review_page(sheet: ScoreSheet, steps: Steps, reviewed: str, note: str = "") -> Page:
    page = render_template(
        "rater/review.html",
        sheet=sheet,
        steps=steps,
        reviewed=reviewed,
        note=note,
    )
    return page, 409 if note else 200


def submit_step(sheet: ScoreSheet, steps: Steps, version: int | None, user: object = None) -> Page:
    """Seal the reviewed sheet; if it changed since the review, review it again."""
    form = request.form
    same_sheet(form, sheet)
    try:
        sheets.submit(sheet.id, version, form.get("reviewed", "")[:80], user)  # type: ignore[arg-type]
    except SheetSealed:  # a second click, or another device, sealed it first: the receipt
        return redirect(steps.back, 302)
    except SheetChanged as e:
        fresh = sheets.get_sheet(sheet.id)
        if not sheets.is_complete(fresh):  # back to the form, its problems marked
            typed = sheets.typed_scores(fresh)
            return sheet_form(fresh, steps, typed, sheets.check(fresh, typed), status=409)
        return review_page(fresh, steps, sheets.review_token(fresh), e.message)
    return redirect(steps.back, 303)


# --- the rater's link ------------------------------------------------------------------------


def _sheet(value: str) -> ScoreSheet:
    return sheets.sheet_from_link(keys(), value)


@bp.get("/s/<value>")
def show(value: str) -> Page:
    sheet = _sheet(value)
    if sheet.is_sealed:
        page = render_template("rater/receipt.html", sheet=sheet, short=short_digest(sheet.digest))
        return page
    return sheet_form(sheet, rater_steps(value))


@bp.post("/s/<value>/review")
def review(value: str) -> Page:
    sheet = _sheet(value)
    if sheet.is_sealed:
        return redirect(url_for("rater.show", value=value), 303)
    return review_step(sheet, rater_steps(value), sheet.link_version)


@bp.post("/s/<value>/submit")
def submit(value: str) -> Page:
    sheet = _sheet(value)
    if sheet.is_sealed:
        return redirect(url_for("rater.show", value=value), 303)
    return submit_step(sheet, rater_steps(value), sheet.link_version)
