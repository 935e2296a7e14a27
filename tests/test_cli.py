"""The command-line interfaces of SPEC ("Interfaces that others rely on")."""

import csv
import io
import json
import re

from sqlalchemy import select

from ballot_app import create_app
from ballot_app.extensions import db
from ballot_app.models import Group
from ballot_app.services import accounts

from . import factories


def test_demo_fills_an_empty_database_and_prints_login_and_a_voter_url(app, runner):
    result = runner.invoke(args=["demo", "--password", "demo-password"])
    assert result.exit_code == 0, result.output
    assert "admin / demo-password" in result.output
    url = next(line for line in result.output.splitlines() if "/v/" in line)
    assert url.startswith("https://ceping.example.org/v/")
    client = app.test_client()
    page = client.get(url.removeprefix("https://ceping.example.org"))
    assert page.status_code == 200 and "检查并提交" in page.get_data(as_text=True)
    tokens = json.loads(runner.invoke(args=["tokens", "1", "--format", "json"]).output)
    assert sum(t["category"] == "A" for t in tokens) >= 10
    assert sum(t["category"] == "B" for t in tokens) >= 60
    again = runner.invoke(args=["demo"])
    assert again.exit_code != 0 and "空数据库" in again.output


def test_the_demo_prints_a_score_sheet_link_a_rater_can_open(app, runner):
    result = runner.invoke(args=["demo", "--password", "demo-password"])
    url = next(line for line in result.output.splitlines() if "/s/" in line)
    page = app.test_client().get(url.removeprefix("https://ceping.example.org"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "周景行" in html and "沈书禾" in html
    assert "林安澜" not in html.split("score-rows")[1]  # a principal scores deputies only


def test_the_demo_campaign_fills_the_dashboard(app, runner):
    """A newcomer sees the year's pages filled: two groups, a township with three village
    party organisations, a department, the campaign running."""
    assert runner.invoke(args=["demo", "--password", "demo-password"]).exit_code == 0
    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": "demo-password"})
    page = client.get("/campaign", follow_redirects=True).get_data(as_text=True)
    assert "进行中" in page and "第一考核组" in page and "第二考核组" in page
    board = client.get("/campaigns/1/progress").get_data(as_text=True)
    for unit in (
        "青禾镇",
        "青禾镇石桥村党支部",
        "青禾镇柳湾村党支部",
        "青禾镇河东社区党支部",
        "区农林水务局",
    ):
        assert unit in board
    assert "<dt>单位</dt><dd>5 个，已完成 0 个</dd>" in board


def test_tokens_lists_code_category_url_and_state(app, runner):
    m = factories.meeting(app, a=1, b=1)
    factories.cast(app, m, factories.slip_values(app, m, "A")[0])
    result = runner.invoke(args=["tokens", str(m.id), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {(r["category"], r["state"]) for r in rows} == {("A", "used"), ("B", "unused")}
    assert all(len(r["code"]) == 13 and "/v/" in r["url"] for r in rows)
    assert runner.invoke(args=["tokens", "999"]).exit_code != 0


def test_create_user_reads_the_password_from_stdin(app, runner):
    result = runner.invoke(
        args=["create-user", "teller1", "--role", "teller", "--group", "第三考核组"],
        input="a long password\n",
    )
    assert result.exit_code == 0, result.output
    user = accounts.authenticate("teller1", "a long password")
    assert user is not None and user.role == "teller" and user.group.name == "第三考核组"
    short = runner.invoke(
        args=["create-user", "x", "--role", "teller", "--group", "第四考核组"], input="short\n"
    )
    assert short.exit_code != 0 and re.search(r"至少 \d+ 位", short.output)
    assert db.session.scalar(select(Group).where(Group.name == "第四考核组")) is None


def test_commands_refuse_an_out_of_date_schema_naming_the_upgrade_command(tmp_path):
    app = create_app({"SECRET_KEY": "x" * 40}, instance_path=str(tmp_path))
    result = app.test_cli_runner().invoke(args=["tally", "1"])
    assert result.exit_code != 0
    assert "flask --app ballot_app db upgrade" in result.output


def test_demo_if_empty_leaves_a_filled_database_alone(app, runner):
    assert runner.invoke(args=["demo", "--if-empty"]).exit_code == 0
    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "不再装入" in again.output


def test_verify_backup_and_restore_answer_in_chinese(app, runner, tmp_path):
    clean = runner.invoke(args=["verify"])
    assert clean.exit_code == 0 and "没有发现不一致" in clean.output
    bad = runner.invoke(args=["verify", "--anchor", "12"])
    assert bad.exit_code != 0 and "编号:校验值" in bad.output
    missing = runner.invoke(args=["restore", str(tmp_path / "nothing.backup")])
    assert missing.exit_code != 0 and "找不到备份文件" in missing.output
