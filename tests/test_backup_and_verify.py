"""`flask verify` (certified results recounted, boxes, the audit chain) and `flask backup` /
`flask restore`: a restored copy verifies and holds the same tally."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading

import pytest
from sqlalchemy import func, select, text

from ballot_app import create_app
from ballot_app.database import writes
from ballot_app.domain.meeting_state import Transition
from ballot_app.extensions import db
from ballot_app.models import AuditEvent, Ballot, Meeting, Token, User
from ballot_app.services import audit, meetings, results, verify

from . import databases, factories
from .conftest import _config


def _certified(app, client, actions):  # type: ignore[no-untyped-def]
    """A meeting run to the end: phone ballots (one with blank rows), a paper ballot."""
    m = factories.meeting(app, a=2, b=4, members=3)
    owner = db.session.get(User, m.created_by_id)
    values = factories.slip_values(app, m)
    factories.cast(app, m, values[0], comment="意见一条")
    factories.cast(app, m, values[1], form5="competent", duty="fairly_good")
    factories.cast(app, m, values[2], form5=None, duty=None, activity=None)
    factories.cast(app, m, values[3], form5="incompetent", duty="poor", activity="average")
    teller = factories.teller(m, name="jipiao")
    actions.login_as(teller)
    client.post(f"/meetings/{m.id}/paper/stacks", data={"category": "B"})
    sheet = {f"f5_{e}": "basically_competent" for e in factories.evaluee_ids(m)}
    client.post(f"/meetings/{m.id}/paper/1", data={**sheet, "f6_duty": "average"})
    client.post(f"/meetings/{m.id}/paper/1/finish", data={"confirmed": "y"})
    meetings.transition(owner, m, Transition.CLOSE)
    meetings.certify(owner, m, "计票甲", "监票乙", factories.keys(app))
    db.session.expire_all()
    return db.session.get(Meeting, m.id)


def _verify(runner, *args: str):  # type: ignore[no-untyped-def]
    db.session.commit()
    db.session.expire_all()
    return runner.invoke(args=["verify", *args])


def _sql(statement: str, **params: object) -> None:
    db.session.execute(text(statement), params)
    db.session.commit()


def test_verify_is_clean_after_a_normal_meeting(app, client, actions, runner):
    m = _certified(app, client, actions)
    assert json.loads(m.certified_result)["slip7"]["returned"] == 5
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "没有发现不一致" in result.output
    assert "1 次已确认的重新计票" in result.output
    head = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert f"--anchor {head.id}:{head.digest}" in result.output
    again = _verify(runner, "--anchor", f"{head.id}:{head.digest}")
    assert again.exit_code == 0, again.output


def test_an_edited_ballot_row_is_reported(app, client, actions, runner):
    _certified(app, client, actions)
    _sql(
        "UPDATE form6_mark SET mark = 'poor' WHERE item = 'duty' AND mark = 'good' "
        "AND ballot_id = (SELECT ballot_id FROM form6_mark WHERE item = 'duty' "
        "AND mark = 'good' LIMIT 1)"
    )
    result = _verify(runner)
    assert result.exit_code == 1
    assert "不一致：会议" in result.output
    assert "附件7·好：确认时为 1，按库中的票重新计算为 0。" in result.output
    assert "附件6·书记履行管党责任情况·差：确认时为 1，按库中的票重新计算为 2。" in result.output


def test_an_edited_form5_row_names_the_evaluee(app, client, actions, runner):
    m = _certified(app, client, actions)
    first_id, first_name = m.evaluees[0].id, m.evaluees[0].name
    _sql(
        "UPDATE form5_mark SET mark = 'excellent' WHERE evaluee_id = :e AND mark = 'incompetent'",
        e=first_id,
    )
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"附件5·表B·第 1 位测评对象（{first_name}）·不称职：确认时为 1" in result.output


def test_an_edited_stored_figure_is_reported(app, client, actions, runner):
    m = _certified(app, client, actions)
    stored = json.loads(m.certified_result)
    stored["slip7"]["valid"] += 1
    stored["form5"]["combined"]["evaluees"][1]["counts"]["excellent"] += 2
    _sql("UPDATE meeting SET certified_result = :v WHERE id = :m", v=json.dumps(stored), m=m.id)
    result = _verify(runner)
    assert result.exit_code == 1
    assert "附件7·有效：确认时为 6，按库中的票重新计算为 5。" in result.output
    assert "附件5·A、B 合计·第 2 位测评对象" in result.output
    assert "发现 2 处不一致" in result.output


def test_a_renamed_unit_is_a_notice_not_a_difference(app, client, actions, runner):
    m = _certified(app, client, actions)
    _sql("UPDATE unit SET name = '改名镇' WHERE id = :u", u=m.unit_id)
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "单位名称确认时为「测试镇」，现在为「改名镇」" in result.output


def test_an_edited_event_detail_is_reported(app, client, actions, runner):
    _certified(app, client, actions)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "meeting.certify"))
    _sql("UPDATE audit_event SET detail = '计票人 某某' WHERE id = :i", i=event.id)
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"不一致：操作日志第 {event.id} 条" in result.output and "确认结果" in result.output
    assert "发现 1 处不一致" in result.output  # the next event still chains to it


def test_a_deleted_event_is_reported(app, client, actions, runner):
    _certified(app, client, actions)
    ids = list(db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))
    _sql("DELETE FROM audit_event WHERE id = :i", i=ids[3])
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"操作日志第 {ids[4]} 条" in result.output
    assert f"缺编号 {ids[3]}–{ids[3]}" in result.output


def test_an_anchor_catches_a_rewritten_chain(app, runner):
    factories.meeting(app)
    last = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    last_id, anchor = last.id, f"{last.id}:{last.digest}"
    _sql("DELETE FROM audit_event WHERE id = :i", i=last_id)  # the tail: the chain holds
    result = _verify(runner, "--anchor", anchor)
    assert result.exit_code == 1
    assert f"找不到您记下的第 {last_id} 条" in result.output
    assert "发现 1 处不一致" in result.output


def test_events_older_than_the_chain_are_counted_not_reported(app, runner):
    factories.meeting(app)
    events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    ids = [e.id for e in events]
    # As an upgraded database has them: three events from before the chain, then the chain,
    # which starts from an empty digest.
    previous = ""
    for n, e in enumerate(events):
        e.digest = (
            "" if n < 3 else audit.event_digest(previous, e.id, e.at, e.user_id, e.action, e.detail)
        )
        previous = e.digest
    db.session.commit()
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "最早的 3 条写于加入校验链之前" in result.output
    _sql("UPDATE audit_event SET digest = '' WHERE id = :i", i=ids[5])
    blanked = _verify(runner)
    assert blanked.exit_code == 1 and f"第 {ids[5]} 条" in blanked.output
    assert "校验值是空的" in blanked.output


def test_a_half_ballot_and_a_used_slip_without_ballot_are_reported(app, runner):
    m = factories.meeting(app, a=1, b=3)
    values = factories.slip_values(app, m)
    factories.cast(app, m, values[0])
    factories.cast(app, m, values[1])
    assert _verify(runner).exit_code == 0
    _sql(
        "DELETE FROM form5_mark WHERE ballot_id = (SELECT id FROM ballot LIMIT 1) "
        "AND evaluee_id = :e",
        e=factories.evaluee_ids(m)[0],
    )
    unused = db.session.scalar(select(Token.id).where(~Token.is_used).limit(1))
    _sql("UPDATE token SET is_used = TRUE WHERE id = :t", t=unused)
    result = _verify(runner)
    assert result.exit_code == 1
    assert "有 1 张票的选择行不全或多出" in result.output
    assert "已用的测评码 3 张，手机票 2 张" in result.output


def test_a_meeting_filled_by_the_migration_is_compared_by_the_old_rule(
    app, client, actions, runner
):
    m = _certified(app, client, actions)
    fresh = verify.recount(m)
    # As the migration stored it: no shares, slip 7 by the old rule (the blank duty is void).
    for part in fresh["form5"].values():
        for row in part["evaluees"]:
            row.pop("shares")
    fresh["form6"].pop("shares")
    old = verify.old_rule_slip7(results.meeting_results(m).slip7)
    assert (old["valid"], old["void"], old["abstain"]) == (4, 1, 0)
    fresh["slip7"] = old
    filled = {**fresh, verify.FILLED_BY: "c7d2e4f6a813"}
    _sql("UPDATE meeting SET certified_result = :v WHERE id = :m", v=json.dumps(filled), m=m.id)
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "旧规则（空白为废票）下确认的" in result.output
    # The same figures without the migration's mark: a difference, with the likely cause.
    _sql("UPDATE meeting SET certified_result = :v WHERE id = :m", v=json.dumps(fresh), m=m.id)
    unmarked = _verify(runner)
    assert unmarked.exit_code == 1
    assert "附件7·弃权：确认时为 0，按库中的票重新计算为 1。" in unmarked.output
    assert "可能是在规则修改之前确认的" in unmarked.output


@writes
def _record(n: int, worker: int) -> None:
    audit.record_event(None, None, "test.concurrent", f"第 {worker} 号写入者第 {n} 条")


def test_two_concurrent_writers_chain_correctly(app, runner):
    per_writer, writers = 15, 2
    start = threading.Barrier(writers, timeout=30)
    failures: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            with app.app_context():
                start.wait()
                for n in range(per_writer):
                    _record(n, worker)
        except BaseException as e:  # reported below
            failures.append(e)

    db.session.remove()
    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures and not any(t.is_alive() for t in threads)
    digests = list(db.session.scalars(select(AuditEvent.digest)))
    assert len(digests) == per_writer * writers and len(set(digests)) == len(digests)
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert f"操作日志 {per_writer * writers} 条校验链" in result.output


# --- backup and restore ----------------------------------------------------------------------


def _tally(runner, meeting_id: int) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(args=["tally", str(meeting_id)])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def _restored_app(uri: str, folder):  # type: ignore[no-untyped-def]
    folder.mkdir(parents=True, exist_ok=True)
    return create_app(_config(uri), instance_path=str(folder))


@pytest.fixture
def empty_uri(tmp_path):  # type: ignore[no-untyped-def]
    """A database with no tables, on the suite's engine."""
    with databases.empty(tmp_path) as uri:
        yield uri


def _needs_tools() -> None:
    if databases.is_postgres() and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump / pg_restore not on PATH")


def test_a_restored_copy_verifies_and_holds_the_same_tally(
    app, client, actions, runner, tmp_path, empty_uri
):
    _needs_tools()
    m = _certified(app, client, actions)
    tally = _tally(runner, m.id)
    path = tmp_path / "backups" / "ballot.backup"
    db.session.remove()
    made = runner.invoke(args=["backup", str(path)])
    assert made.exit_code == 0, made.output
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert "投票箱开着" not in made.output
    assert not list(path.parent.glob("*.part"))

    other = _restored_app(empty_uri, tmp_path / "restored")
    with other.app_context():
        other_runner = other.test_cli_runner()
        restored = other_runner.invoke(args=["restore", str(path)])
        assert restored.exit_code == 0, restored.output
        assert "请先停止应用" in restored.output
        checked = other_runner.invoke(args=["verify"])
        assert checked.exit_code == 0, checked.output
        assert _tally(other_runner, m.id) == tally
        db.session.remove()
        db.engine.dispose()


def test_restore_refuses_a_database_with_data_unless_forced(app, runner, tmp_path):
    _needs_tools()
    meeting_id = factories.meeting(app, a=1, b=2).id
    path = tmp_path / "one.backup"
    db.session.remove()
    made = runner.invoke(args=["backup", str(path)])
    assert made.exit_code == 0, made.output
    assert "现在有 1 次会议的投票箱开着" in made.output  # a secrecy warning, in Chinese
    again = runner.invoke(args=["backup", str(path)])
    assert again.exit_code != 0 and "已经存在" in again.output
    factories.meeting(app, unit_name="乙镇")
    db.session.remove()
    refused = runner.invoke(args=["restore", str(path)])
    assert refused.exit_code != 0
    assert "目标数据库不是空的" in refused.output and "--force" in refused.output
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 2
    db.session.remove()
    forced = runner.invoke(args=["restore", str(path), "--force"])
    assert forced.exit_code == 0, forced.output
    db.session.remove()
    db.engine.dispose()
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1
    assert db.session.get(Meeting, meeting_id) is not None
    assert runner.invoke(args=["verify"]).exit_code == 0


def test_restore_refuses_a_file_that_is_no_backup(app, runner, tmp_path, empty_uri):
    path = tmp_path / "not-a-backup"
    path.write_text("hello")
    other = _restored_app(empty_uri, tmp_path / "restored")
    with other.app_context():
        result = other.test_cli_runner().invoke(args=["restore", str(path)])
        assert result.exit_code != 0
        assert "备份" in result.output
        db.session.remove()
        db.engine.dispose()


@pytest.mark.skipif(databases.is_postgres(), reason="the SQLite file's own backup")
def test_a_sqlite_backup_taken_while_ballots_arrive_is_consistent(app, runner, tmp_path):
    m = factories.meeting(app, a=0, b=60, members=3)
    values = factories.slip_values(app, m)
    db.session.remove()
    stop = threading.Event()
    cast = []

    def vote() -> None:
        with app.app_context():
            for value in values:
                if stop.is_set():
                    return
                factories.cast(app, db.session.get(Meeting, m.id), value)
                cast.append(value)

    voter = threading.Thread(target=vote)
    voter.start()
    paths = []
    try:
        for n in range(5):
            path = tmp_path / f"during-{n}.sqlite3"
            made = runner.invoke(args=["backup", str(path)])
            assert made.exit_code == 0, made.output
            paths.append(path)
    finally:
        stop.set()
        voter.join(timeout=60)
    for path in paths:
        assert not os.path.exists(f"{path}-wal")
        with sqlite3.connect(path) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            used = copy.execute("SELECT count(*) FROM token WHERE is_used").fetchone()[0]
            ballots = copy.execute("SELECT count(*) FROM ballot").fetchone()[0]
            marks = copy.execute("SELECT count(*) FROM form5_mark").fetchone()[0]
            assert used == ballots and marks == 3 * ballots
    assert cast and db.session.scalar(select(func.count()).select_from(Ballot)) == len(cast)


@pytest.mark.skipif(not databases.is_postgres(), reason="PostgreSQL: TEST_DATABASE_URL")
def test_postgres_backup_prints_the_commands_without_the_password(app, runner, tmp_path):
    path = tmp_path / "printed.backup"
    db.session.remove()
    result = runner.invoke(args=["backup", str(path), "--print-only"])
    assert result.exit_code == 1
    assert "pg_dump --format=custom" in result.output and "PGPASSWORD" in result.output
    assert "postgresql://" in result.output and "+psycopg" not in result.output
    assert not path.exists()
    restore = runner.invoke(args=["restore", str(path), "--print-only"])
    assert restore.exit_code != 0 and "找不到备份文件" in restore.output
