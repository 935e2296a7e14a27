"""Command-line interfaces (SPEC, "Interfaces that others rely on"): thin, they call services."""

from __future__ import annotations

import csv
import json
import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .database import schema_problem
from .domain.roles import Role
from .extensions import db
from .models import Meeting
from .services import accounts, demo, results, slips
from .services.errors import ServiceError
from .signing import Keys, keys_for

LOCAL_BASE_URL = "http://127.0.0.1:5000"


def _keys() -> Keys:
    return keys_for(current_app.config["SECRET_KEY"])


def _require_schema() -> None:
    problem = schema_problem(current_app)
    if problem:
        raise click.ClickException(problem)


def _meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise click.ClickException(f"没有编号为 {meeting_id} 的会议。(No meeting {meeting_id}.)")
    return meeting


def _base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"] or LOCAL_BASE_URL


@click.command("demo")
@with_appcontext
@click.option("--password", help="Use this password for the demo accounts (default: random).")
@click.option("--if-empty", is_flag=True, help="Do nothing (exit 0) when the database has data.")
def demo_command(password: str | None, if_empty: bool) -> None:
    """Fill an empty database with a fictional district and one open meeting."""
    _require_schema()
    if if_empty and not demo.is_empty():
        click.echo("数据库里已有数据，不再装入演示数据。(Database not empty: demo skipped.)")
        return
    try:
        info = demo.load_demo(_keys(), _base_url(), password=password)
    except ServiceError as e:
        raise click.ClickException(e.message) from e
    click.echo(f"演示数据已装入。Demo data loaded.\n会议编号 meeting id: {info.meeting_id}")
    click.echo(f"管理员 admin:      {info.admin_username} / {info.admin_password}")
    click.echo(f"考核组 organizer:  {info.organizer_username} / {info.organizer_password}")
    click.echo(f"计票人 teller:     {info.teller_username} / {info.teller_password}")
    click.echo(f"一张表B测评码的投票地址 one voter URL:\n{info.voter_url}")
    if not current_app.config["PUBLIC_BASE_URL"]:
        click.echo(
            "提示：未设置 PUBLIC_BASE_URL，上面的地址只在本机可用；会场手机需要 "
            "PUBLIC_BASE_URL=http://<本机局域网地址>:5000；设置方法见说明文档《配置》"
            "（docs/configuration.md）「测评码里的地址（PUBLIC_BASE_URL）」一节。",
            err=True,
        )


@click.command("tokens")
@with_appcontext
@click.argument("meeting_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
def tokens_command(meeting_id: int, fmt: str) -> None:
    """List a meeting's tokens: code, category, voter URL, state."""
    _require_schema()
    rows = [r.as_dict() for r in slips.slip_rows(_meeting(meeting_id), _keys(), _base_url())]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=["code", "category", "url", "state"])
    writer.writeheader()
    writer.writerows(rows)


@click.command("tally")
@with_appcontext
@click.argument("meeting_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json")
def tally_command(meeting_id: int, fmt: str) -> None:
    """Print a meeting's exact tally in SPEC's JSON schema."""
    _require_schema()
    data = results.meeting_results(_meeting(meeting_id)).as_dict()
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.command("create-user")
@with_appcontext
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--group", "group_name", help="Inspection group (考核组) of an organizer or teller.")
@click.option("--display-name", default="")
def create_user_command(name: str, role: str, group_name: str | None, display_name: str) -> None:
    """Create an account; the password comes from a prompt, or one line of stdin when piped."""
    _require_schema()
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = accounts.create_user(
            name, password, Role(role), display_name=display_name, group_name=group_name
        )
    except ServiceError as e:
        raise click.ClickException(e.message) from e
    click.echo(f"已创建用户 {user.username}（{user.role.label}）。Created user {user.username}.")


def register_commands(app: Flask) -> None:
    """Add the commands to `flask --app ballot_app`."""
    for command in (demo_command, tokens_command, tally_command, create_user_command):
        app.cli.add_command(command)
