"""Backing up and restoring the database: `flask backup PATH`, `flask restore PATH`.

- SQLite: sqlite3's online backup API copies the database page by page in one read
  transaction, so the copy is consistent while the app keeps running (WAL: readers block no
  writer). The copy is one self-contained file (rollback journal, no -wal beside it),
  created 0600 and put in place only once whole. A restore copies a backup into the app's
  database with the same API, under the writers' lock, and keeps the file private.
- PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists
  --single-transaction`, run when they are on PATH, else printed for the operator to run
  where they are. The password never appears in a command line: it goes in PGPASSWORD.

Secrecy (docs/threat-model.md): a backup holds whatever the database holds. Taken while a
box is open, it keeps the traces of arrival order that the close erases; callers warn.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
from contextlib import closing, suppress
from dataclasses import dataclass

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import URL

from ..database import keep_private, writers_queue
from ..domain.meeting_state import MeetingState
from ..domain.text import N_, _
from ..extensions import db
from ..models import Meeting
from .errors import ServiceError

#: What the commands print (message ids; OPEN_BOX_WARNING is filled in with str.format).
OPEN_BOX_WARNING = N_(
    "注意：现在有 {n} 次会议的投票箱开着。投票进行中做的备份带有数据库里的一切，"
    "包括能看出收票先后顺序的痕迹（见说明文档《威胁模型》第 2.1 和第 4 节）："
    "请像投票箱钥匙一样保管这份备份，不要长期保存；关闭投票箱后再备份一次，并删掉这一份。"
)
STOP_THE_APP = N_("恢复会整个替换应用现在用的数据库：请先停止应用（所有节点），恢复完成后再启动。")
PG_PASSWORD_HINT = N_("（数据库密码不写在命令里：运行前请设置环境变量 PGPASSWORD。）")
#: A SQLite writer waits this long for the app's writers before giving up.
BUSY_MS = 30_000


@dataclass(frozen=True)
class Outcome:
    """What a backup or restore did, for the command to print."""

    engine: str  #: "sqlite" or "postgresql"
    path: str
    ran: bool = True  #: False: PostgreSQL tools missing (or --print-only), command printed
    command: str = ""  #: the pg_dump / pg_restore command, password left out
    open_meetings: int = 0


def open_meetings() -> int:
    """Meetings whose box is open now."""
    query = select(func.count()).select_from(Meeting).where(Meeting.state == MeetingState.OPEN)
    return int(db.session.scalar(query) or 0)


def _url() -> URL:
    return db.engine.url


def _sqlite_path() -> str:
    path = _url().database or ""
    if not path or path == ":memory:" or path.startswith("file:"):
        raise ServiceError(
            _("这个数据库不是一个 SQLite 文件，无法备份或恢复。请检查 DATABASE_URL。")
        )
    return os.path.abspath(path)


def _engine() -> str:
    name = _url().get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise ServiceError(
            _("不支持备份 %(engine)s 数据库：只支持 SQLite 和 PostgreSQL。", engine=name)
        )
    return name


def backup_database(path: str, *, print_only: bool = False) -> Outcome:
    """Copy the app's database to PATH (a new file, 0600), consistent while the app runs."""
    target = os.path.abspath(path)
    if os.path.exists(target):
        raise ServiceError(
            _("文件 %(path)s 已经存在。请换一个文件名，或先删掉它再备份。", path=target)
        )
    n_open = open_meetings()
    engine = _engine()
    db.session.rollback()  # end our own read: the copy takes its own snapshot
    if engine == "sqlite":
        source = _sqlite_path()
        if target == source:
            raise ServiceError(_("备份文件不能是数据库文件本身，请换一个位置。"))
        _sqlite_copy(source, target)
        return Outcome(engine, target, open_meetings=n_open)
    command = [
        "pg_dump",
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--file={target}",
        f"--dbname={_conninfo()}",
    ]
    ran = not print_only and shutil.which("pg_dump") is not None
    if ran:
        _private_file(target)
        try:
            _run(command, _("没有备份成功，请按下面 pg_dump 的报错检查数据库地址和权限"))
        except ServiceError:
            with suppress(FileNotFoundError):
                os.remove(target)
            raise
    return Outcome(engine, target, ran, _shown(command), n_open)


def _private_file(path: str) -> None:
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_copy(source: str, target: str) -> None:
    """Online backup of source into a new file at target, made whole before it appears."""
    part = target + ".part"
    with suppress(FileNotFoundError):
        os.remove(part)
    _private_file(part)
    try:
        with (
            closing(sqlite3.connect(source, timeout=BUSY_MS / 1000)) as src,
            closing(sqlite3.connect(part)) as dst,
        ):
            src.backup(dst)  # all pages in one step: one consistent snapshot
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            found = dst.execute("PRAGMA integrity_check").fetchone()
        if not found or found[0] != "ok":
            raise ServiceError(_("备份写好后自检没有通过（%(found)s），请重试。", found=found))
        os.chmod(part, 0o600)
        os.replace(part, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.remove(part)
        raise


def database_contents() -> dict[str, int]:
    """Rows in each of the app's tables that exist in the database (empty ones left out)."""
    tables = set(inspect(db.engine).get_table_names())
    counts: dict[str, int] = {}
    for table in db.metadata.sorted_tables:
        if table.name in tables:
            n = db.session.scalar(select(func.count()).select_from(table)) or 0
            if n:
                counts[table.name] = int(n)
    db.session.rollback()
    return counts


#: How a refusal names what the database holds (message ids, %(n)s the rows).
TABLE_WORDS = {
    "user": N_("%(n)s 个账号"),
    "unit": N_("%(n)s 个单位"),
    "meeting": N_("%(n)s 次会议"),
    "ballot": N_("%(n)s 张票"),
}


def _described(held: dict[str, int]) -> str:
    """What the database holds, as the refusal names it: 「 3 个账号、 2 个单位」; "" when none
    of these tables holds rows."""
    named = [_(w, n=held[t]) for t, w in TABLE_WORDS.items() if t in held]
    if not named:
        return ""
    return " " + named[0] + "".join(_("、 %(item)s", item=item) for item in named[1:])


def restore_database(path: str, *, force: bool = False, print_only: bool = False) -> Outcome:
    """Replace the app's database by the backup at PATH; refused when the database holds
    data, unless `force`."""
    source = os.path.abspath(path)
    if not os.path.isfile(source):
        raise ServiceError(_("找不到备份文件 %(path)s，请检查路径。", path=source))
    engine = _engine()
    held = database_contents()
    if held and not force:
        described = _described(held)
        if not described:
            raise ServiceError(
                _(
                    "目标数据库不是空的（已有数据），恢复会用备份把它整个替换掉。"
                    "确实要替换时，请加上 --force 重新运行；否则请换一个空的数据库。"
                )
            )
        raise ServiceError(
            _(
                "目标数据库不是空的（已有%(held)s），恢复会用备份把它整个替换掉。"
                "确实要替换时，请加上 --force 重新运行；否则请换一个空的数据库。",
                held=described,
            )
        )
    db.session.remove()
    if engine == "sqlite":
        _sqlite_restore(source, _sqlite_path())
        return Outcome(engine, source)
    command = [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={_conninfo()}",
        source,
    ]
    ran = not print_only and shutil.which("pg_restore") is not None
    if ran:
        db.engine.dispose()
        _run(
            command,
            _(
                "没有恢复：这个文件可能不是本应用的备份，或与数据库的版本不合；"
                "恢复在一个事务里进行，数据库保持原样"
            ),
        )
    return Outcome(engine, source, ran, _shown(command))


def _sqlite_restore(source: str, target: str) -> None:
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src:
        try:
            found = src.execute("PRAGMA integrity_check").fetchone()
            tables = {r[0] for r in src.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as e:
            raise ServiceError(_("%(path)s 不是 SQLite 数据库备份，无法恢复。", path=source)) from e
        if not found or found[0] != "ok" or "alembic_version" not in tables:
            raise ServiceError(
                _(
                    "%(path)s 不是本应用的完好备份（自检：%(found)s），没有恢复。",
                    path=source,
                    found=found,
                )
            )
        db.engine.dispose()
        keep_private(target)
        with (
            writers_queue(db.engine),
            closing(sqlite3.connect(target, timeout=BUSY_MS / 1000)) as dst,
        ):
            src.backup(dst)
    keep_private(target)


def _conninfo() -> str:
    """DATABASE_URL as libpq reads it, without the password."""
    url = _url().set(drivername="postgresql", password=None)
    return url.render_as_string(hide_password=False)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    password = _url().password
    if password:
        env["PGPASSWORD"] = str(password)
    return env


def _shown(command: list[str]) -> str:
    return shlex.join(command)


def _run(command: list[str], failed: str) -> None:
    done = subprocess.run(command, env=_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip()[-800:]
        raise ServiceError(
            _(
                "%(failed)s（%(command)s 退出码 %(code)s：%(tail)s）",
                failed=failed,
                command=command[0],
                code=done.returncode,
                tail=tail,
            )
        )
