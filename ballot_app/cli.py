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
from .services import accounts, backup, demo, results, slips, verify
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
    click.echo(f"一张评分表（附件4，周景行）的个人链接 one score-sheet link:\n{info.rater_url}")
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


def _echo_pg(outcome: backup.Outcome, tool: str) -> None:
    if outcome.ran:
        click.echo(f"已运行：{outcome.command}")
        return
    click.echo(f"本机没有运行 {tool}（不在 PATH 上，或用了 --print-only）。请在装有 PostgreSQL")
    click.echo(f"客户端的机器上运行下面的命令{backup.PG_PASSWORD_HINT}")
    click.echo(outcome.command)


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--print-only", is_flag=True, help="PostgreSQL: print the pg_dump command only.")
def backup_command(path: str, print_only: bool) -> None:
    """Copy the database to PATH (SQLite: online backup, 0600; PostgreSQL: pg_dump)."""
    _require_schema()
    try:
        outcome = backup.backup_database(path, print_only=print_only)
    except ServiceError as e:
        raise click.ClickException(e.message) from e
    if outcome.open_meetings:
        click.echo(backup.OPEN_BOX_WARNING.format(n=outcome.open_meetings), err=True)
    if outcome.engine == "postgresql":
        _echo_pg(outcome, "pg_dump")
        if not outcome.ran:
            sys.exit(1)
    click.echo(f"已备份到 {outcome.path}（只有文件属主可读写）。Backed up to {outcome.path}.")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that holds data.")
@click.option("--print-only", is_flag=True, help="PostgreSQL: print the pg_restore command only.")
def restore_command(path: str, force: bool, print_only: bool) -> None:
    """Replace the database by the backup at PATH; refused when it holds data, unless --force."""
    click.echo(backup.STOP_THE_APP, err=True)
    try:
        outcome = backup.restore_database(path, force=force, print_only=print_only)
    except ServiceError as e:
        raise click.ClickException(e.message) from e
    if outcome.engine == "postgresql":
        _echo_pg(outcome, "pg_restore")
        if not outcome.ran:
            sys.exit(1)
    click.echo(f"已从 {outcome.path} 恢复。Restored from {outcome.path}.")
    problem = schema_problem(current_app)
    if problem:
        click.echo(problem)
    click.echo("建议接着运行 `flask --app ballot_app verify` 核对恢复出的数据。")


def _anchor(value: str) -> tuple[int, str]:
    event_id, _, digest = value.partition(":")
    if not event_id.isdigit() or len(digest) != 64:
        raise click.BadParameter("格式是 编号:校验值，例如 120:3f5a…（64 位）。")
    return int(event_id), digest.lower()


@click.command("verify")
@with_appcontext
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    help="ID:DIGEST of an audit event noted earlier (a head printed by a past verify).",
)
def verify_command(anchors: tuple[str, ...]) -> None:
    """Recount every certified meeting from its rows, check every box and the audit chain."""
    _require_schema()
    report = verify.verify_database([_anchor(a) for a in anchors])
    for line in report.notices:
        click.echo(f"说明：{line}")
    for line in report.differences:
        click.echo(f"不一致：{line}")
    click.echo(
        f"核对了 {report.meetings_checked} 次会议（其中 {report.meetings_recounted} 次已确认的"
        f"重新计票），密封的评分表 {report.sheets_sealed} 张重算摘要，"
        f"定等记录 {report.grades_recomputed} 条重算综合得分，"
        f"操作日志 {report.events_chained} 条校验链。"
    )
    if report.head and report.head[1]:
        event_id, digest = report.head
        click.echo(
            f"日志最后一条：第 {event_id} 条，校验值 {digest}。记下它，下次可以用 "
            f"--anchor {event_id}:{digest} 核对日志没有被整段改写。"
        )
    if not report.is_clean:
        click.echo(f"发现 {len(report.differences)} 处不一致。请按上面的说明逐条查明。")
        sys.exit(1)
    click.echo("没有发现不一致。All checks passed.")


@click.command("catalogue")
def catalogue_command() -> None:
    """Extract the staff pages' messages, update each language's catalogue, compile it."""
    from . import catalogue

    template = catalogue.extract()
    for language in catalogue.languages():
        missing = catalogue.update(language, template)
        click.echo(f"{language}: {len(template)} 条，未翻译 {len(missing)} 条")
        for message in missing[:20]:
            click.echo(f"  {message}")


def register_commands(app: Flask) -> None:
    """Add the commands to `flask --app ballot_app`."""
    for command in (
        demo_command,
        tokens_command,
        tally_command,
        create_user_command,
        backup_command,
        restore_command,
        verify_command,
        catalogue_command,
    ):
        app.cli.add_command(command)
