"""A real PostgreSQL server for the tests, started on loopback in a temporary folder and removed after.

The fixture :func:`postgres_url` runs the server programs of Debian's ``postgresql`` package
(``initdb``, ``pg_ctl``; Debian keeps them off ``PATH``, in ``/usr/lib/postgresql/<version>/bin``):

- ``initdb`` makes a new cluster in a temporary folder; as root it runs as the ``postgres`` OS user
  (PostgreSQL refuses to run as root), which then owns the folder;
- ``pg_ctl start -w`` starts it listening on 127.0.0.1 only, on a free port, its Unix socket in the
  temporary folder (never the system's ``/var/run/postgresql``), and waits until it accepts connections;
- a role with a password and a database it owns are created, and the fixture yields the URL an
  instructor would give: ``postgresql://<role>:<password>@127.0.0.1:<port>/<database>``;
- at the end of the session the server is stopped and the folder removed.

Without the server programs the tests that use it skip, saying why; on CI (``CI`` set) they fail,
because there ``.ci/run`` installs the package. Use it in a test module with
``from postgres_server import postgres_url  # noqa: F401`` (pytest finds fixtures by name).
"""
from __future__ import annotations

import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

__all__ = ["postgres_url", "server_programs", "sqlalchemy_url"]

#: The OS user the server runs as when the tests run as root.
SERVER_OS_USER = "postgres"
#: The role and database the tests grade in (the superuser is only used to create them).
ROLE, DATABASE = "grader", "backprop"
#: Seconds to wait for the server to start or stop.
START_TIMEOUT = 60
DEBIAN_SERVER_DIRS = "/usr/lib/postgresql/*/bin"


def server_programs() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or None when PostgreSQL's server is not installed.

    ``initdb`` on ``PATH`` first (resolved, since Debian's links there point into the version's folder),
    else the newest ``/usr/lib/postgresql/<version>/bin``.
    """
    on_path = shutil.which("initdb")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = [d for d in debian.iterdir() if re.fullmatch(r"\d+(\.\d+)?", d.name)]
        candidates += [d / "bin" for d in sorted(versions, key=lambda d: float(d.name), reverse=True)]
    return next((d for d in candidates if (d / "initdb").is_file() and (d / "pg_ctl").is_file()), None)


def sqlalchemy_url(url: str) -> str:
    """``url`` with psycopg 3 named as its driver (``postgresql+psycopg://``), for SQLAlchemy in the tests."""
    return re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)


def _unavailable(reason: str):
    """Skip the test, saying why; on CI, fail it (there the server must be installed)."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: .ci/run installs Debian's postgresql)", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Server:
    """One PostgreSQL cluster in ``folder``: ``folder/data`` holds it, ``folder`` its socket and log."""

    def __init__(self, programs: Path, folder: Path, as_user: str | None):
        self.programs, self.folder, self.as_user = programs, folder, as_user
        self.data, self.log = folder / "data", folder / "server.log"
        self.port = 0

    def run(self, program: str, *args: str) -> subprocess.CompletedProcess:
        """Run one of the server programs (as ``as_user`` when set); raises with its output when it fails."""
        command = [str(self.programs / program), *args]
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        # cwd: the server's user may not be allowed into the test's working directory.
        result = subprocess.run(command, cwd=self.folder, capture_output=True, text=True, timeout=START_TIMEOUT + 30)
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed (exit {result.returncode}):\n{result.stdout}{result.stderr}"
                               f"{self._log_tail()}")
        return result

    def _log_tail(self) -> str:
        if not self.log.is_file():
            return ""
        return "\nserver log:\n" + "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])

    def init(self) -> None:
        # trust on the Unix socket (in our own 0700 folder) for the setup; a password over TCP, as in real use.
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth-local=trust",
                 "--auth-host=scram-sha-256", "--no-locale", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        """Start on a free loopback port; a port taken between the probe and the start is tried again."""
        for attempt in range(3):
            self.port = _free_port()
            # fsync off: a throwaway cluster, nothing to keep after a crash.
            options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
            try:
                self.run("pg_ctl", "start", "-w", "-t", str(START_TIMEOUT), "-D", str(self.data),
                         "-l", str(self.log), "-o", options)
                return
            except RuntimeError:
                if attempt == 2 or "already in use" not in self._log_tail():
                    raise

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "stop", "-w", "-m", "fast", "-t", str(START_TIMEOUT), "-D", str(self.data))

    def create_role_and_database(self, password: str) -> None:
        """As the superuser over the Unix socket: a login role with ``password``, and a database it owns."""
        import psycopg

        with psycopg.connect(host=str(self.folder), port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as connection:
            # (PostgreSQL takes no parameters in CREATE ROLE: the password is hex, safe to quote.)
            connection.execute(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{password}'")
            connection.execute(f"CREATE DATABASE {DATABASE} OWNER {ROLE}")


def _server_os_user() -> str | None:
    """The OS user to run the server as: ``postgres`` when the tests run as root, else None (ourselves)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVER_OS_USER)
    except KeyError:
        _unavailable(f"running as root, the server needs the OS user {SERVER_OS_USER!r} "
                     "(Debian's postgresql package creates it), and there is none")
    if shutil.which("runuser") is None:
        _unavailable("running as root, the server is started with runuser (util-linux), which is missing")
    return SERVER_OS_USER


@pytest.fixture(scope="session")
def postgres_url():
    """A real PostgreSQL server on 127.0.0.1 for the session: yields
    ``postgresql://grader:<password>@127.0.0.1:<port>/backprop`` (str), an empty database the role owns."""
    programs = server_programs()
    if programs is None:
        _unavailable(f"PostgreSQL's server programs (initdb, pg_ctl) are not installed: neither on PATH nor in "
                     f"{DEBIAN_SERVER_DIRS} (Debian: apt-get install postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("the PostgreSQL driver psycopg is not installed: pip install -e '.[postgres]'")
    as_user = _server_os_user()
    # Not under pytest's tmp_path: its parents are private to root, and the server's user must get in.
    folder = Path(tempfile.mkdtemp(prefix="backprop-postgres-"))
    if as_user:
        record = pwd.getpwnam(as_user)
        os.chown(folder, record.pw_uid, record.pw_gid)
    server = _Server(programs, folder, as_user)
    try:
        password = secrets.token_hex(16)
        try:
            server.init()
            server.start()
            server.create_role_and_database(password)
        except RuntimeError as error:
            pytest.fail(f"the PostgreSQL server for the tests did not start: {error}", pytrace=False)
        yield f"postgresql://{ROLE}:{password}@127.0.0.1:{server.port}/{DATABASE}"
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
