"""A throwaway PostgreSQL server on loopback, started from the installed binaries.

initdb refuses to run as root, so as root the server runs as the ``postgres``
user (or ``nobody``), in a temporary folder it owns.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping
from urllib.parse import quote

USER = "goaltree"


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway PostgreSQL server on loopback."""

    host: str
    port: int
    user: str
    password: str
    database: str
    log: Path | None = None
    """The server's log, which holds every statement it received (``log_statement = all``)."""

    def url(self, password: str | None = None, driver: str = "postgresql+psycopg") -> str:
        secret = quote(self.password if password is None else password, safe="")
        return f"{driver}://{self.user}:{secret}@{self.host}:{self.port}/{self.database}"

    def connect(self):
        import psycopg

        return psycopg.connect(
            host=self.host, port=self.port, user=self.user, password=self.password, dbname=self.database, autocommit=True
        )


def find_postgres_bindir() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` with initdb, or the one on PATH."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: [int(part) if part.isdigit() else 0 for part in Path(path).parent.parent.name.split(".")],
    )
    if candidates:
        return Path(candidates[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_user() -> pwd.struct_passwd | None:
    """Who runs the server: ourselves, or (as root, which initdb refuses) the ``postgres`` user."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root, and there is neither a `postgres` nor a `nobody` user to run PostgreSQL as")


def _run(command: list[str], account: pwd.struct_passwd | None, **kwargs: Any) -> subprocess.CompletedProcess:
    if account is not None:
        kwargs.update(user=account.pw_uid, group=account.pw_gid, extra_groups=[])
        kwargs["env"] = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": account.pw_dir, "LC_ALL": "C"}
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)


class ServerUnavailable(Exception):
    """No PostgreSQL server binaries are installed."""


def must_fail_without_server(environ: Mapping[str, str]) -> bool:
    """Whether a missing server fails the tests rather than skipping them: in CI (``CI=true``) it does."""
    return environ.get("CI", "").strip().lower() == "true"


@contextlib.contextmanager
def running_server() -> Iterator[PostgresServer]:
    """Start a server with a password-protected superuser and a ``goaltree_test`` database; stop it after.

    Connecting as the superuser is for setting the server up: goaltree refuses
    it as a source (see :func:`read_only_role`).

    Raises:
        ServerUnavailable: No server binaries are installed.
        RuntimeError: The server would not start (the message holds its log).
    """
    bindir = find_postgres_bindir()
    if bindir is None:
        raise ServerUnavailable(
            "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb); "
            "install them with scripts/install-system-deps.sh"
        )
    account = _server_user()
    base = Path(tempfile.mkdtemp(prefix="goaltree-pg-"))
    data_dir = base / "data"
    password = "Pw-" + secrets.token_urlsafe(12) + "@/:%?"
    password_file = base / "password"
    password_file.write_text(password + "\n")
    if account is not None:
        os.chown(base, account.pw_uid, account.pw_gid)
        os.chown(password_file, account.pw_uid, account.pw_gid)
    started = False
    try:
        initdb = _run(
            [
                str(bindir / "initdb"), "-D", str(data_dir), "-U", USER, f"--pwfile={password_file}",
                "--auth=scram-sha-256", "-E", "UTF8", "--locale=C",
            ],
            account,
        )
        if initdb.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{initdb.stdout}\n{initdb.stderr}")
        port = _free_port()
        log = base / "server.log"
        # Every statement is logged, so that a test can show a query never reached the server.
        options = f"-k {base} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c log_statement=all"
        start = _run(
            [str(bindir / "pg_ctl"), "-D", str(data_dir), "-l", str(log), "-o", options, "-w", "-t", "60", "start"],
            account,
        )
        if start.returncode != 0:
            text = log.read_text() if log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed:\n{start.stdout}\n{start.stderr}\n{text}")
        started = True
        admin = PostgresServer("127.0.0.1", port, USER, password, "postgres")
        _create_database(admin, "goaltree_test")
        yield PostgresServer("127.0.0.1", port, USER, password, "goaltree_test", log)
    finally:
        if started:
            _run([str(bindir / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop"], account)
        shutil.rmtree(base, ignore_errors=True)


READER = "goaltree_reader"


def read_only_role(superuser: PostgresServer, tables: tuple[str, ...]) -> PostgresServer:
    """A login role that may read ``tables`` and nothing else: what docs/sources.md tells users to connect with.

    It may connect to the database, use the ``public`` schema and ``SELECT``
    the tables; it is no superuser and no member of any other role.
    """
    from psycopg import sql

    password = "Rd-" + secrets.token_urlsafe(12) + "@/:%?"
    with superuser.connect() as connection:
        connection.execute(
            sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {}").format(
                sql.Identifier(READER), sql.Literal(password)
            )
        )
        connection.execute(f"GRANT CONNECT ON DATABASE {superuser.database} TO {READER}")
        connection.execute(f"GRANT USAGE ON SCHEMA public TO {READER}")
        for table in tables:
            connection.execute(f"GRANT SELECT ON {table} TO {READER}")
    return PostgresServer(superuser.host, superuser.port, READER, password, superuser.database, superuser.log)


def _create_database(admin: PostgresServer, name: str) -> None:
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        try:
            with admin.connect() as connection:
                connection.execute(f"CREATE DATABASE {name}")
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
