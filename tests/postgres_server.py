"""A PostgreSQL server of its own in a temporary directory, for the tests and the benchmarks.

``initdb`` and ``pg_ctl`` from PATH or /usr/lib/postgresql/*/bin, a free loopback port, fsync
off, trusting connections from loopback; run as the user ``postgres`` (else ``nobody``) when
the caller is root, since ``initdb`` refuses root. Every migration is applied once to a
template database; :meth:`PostgresServer.fresh` copies it into a new database.

Usage::

    server = PostgresServer()          # raises PostgresMissing without PostgreSQL or psycopg
    url = server.fresh()               # postgresql://marketbot@127.0.0.1:PORT/test_1
    ...
    server.stop()
"""

from __future__ import annotations

import asyncio
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor

from marketbot.storage.db import Database

__all__ = ["PostgresMissing", "PostgresServer", "free_port"]


class PostgresMissing(RuntimeError):
    """No PostgreSQL programs or no psycopg here: the message says which."""


def _pg_bin(name: str) -> str | None:
    """The PostgreSQL program ``name`` from PATH, else from the newest Debian install."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.access(os.path.join(folder, name), os.X_OK):
            return os.path.join(folder, name)
    return None


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """A PostgreSQL server in a temporary directory (see module); :meth:`stop` removes it."""

    TEMPLATE = "marketbot_template"

    def __init__(self) -> None:
        initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
        if initdb is None or pg_ctl is None:
            raise PostgresMissing(
                "PostgreSQL not found (initdb/pg_ctl on PATH or /usr/lib/postgresql)"
            )
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise PostgresMissing("psycopg is not installed (pip install -e '.[dev]')") from None
        self.pg_ctl = pg_ctl
        self.folder = tempfile.mkdtemp(prefix="marketbot-pg-")
        self.data = os.path.join(self.folder, "data")
        self.user: int | None = None
        if os.geteuid() == 0:  # initdb refuses root: the server runs as an unprivileged user
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                account = pwd.getpwnam("nobody")
            self.user, group = account.pw_uid, account.pw_gid
            os.chown(self.folder, self.user, group)
        self.port = free_port()
        self._run(
            initdb, "-D", self.data, "-U", "marketbot", "--auth=trust", "--encoding=UTF8",
            "--locale=C", "--no-sync",
        )  # fmt: skip
        options = (
            f"-p {self.port} -h 127.0.0.1 -k {self.folder} -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            pg_ctl, "-D", self.data, "-l", os.path.join(self.folder, "log"), "-o", options,
            "-w", "-t", "30", "start",
        )  # fmt: skip
        self.databases = 0
        self.admin(f"CREATE DATABASE {self.TEMPLATE}")
        with ThreadPoolExecutor(1) as thread:  # its own event loop, whoever calls
            thread.submit(asyncio.run, self._migrate_template()).result()

    def _run(self, *command: str) -> None:
        result = subprocess.run(
            command, capture_output=True, text=True, check=False, user=self.user, cwd=self.folder
        )
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {result.stderr or result.stdout}")

    def url(self, name: str) -> str:
        return f"postgresql://marketbot@127.0.0.1:{self.port}/{name}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql.encode())

    async def _migrate_template(self) -> None:
        db = await Database.open(self.url(self.TEMPLATE))
        await db.close()

    def fresh(self) -> str:
        """A new database with every migration applied (a copy of the template)."""
        self.databases += 1
        name = f"test_{self.databases}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE {self.TEMPLATE}")
        return self.url(name)

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        self._run(self.pg_ctl, "-D", self.data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
