"""A throwaway PostgreSQL cluster a test owns: initdb, start, stop, start again.

The binaries are found at run time (``pg_ctl`` on PATH, else the newest
Debian-style ``/usr/lib/postgresql/<version>/bin``). PostgreSQL refuses to run
as root, so when we are root the commands run as the ``postgres`` OS user
through ``runuser``. The cluster listens on a free loopback port with its
socket in its own temporary directory, and is removed on ``destroy()``.
"""
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile

import sqlalchemy as sa


def find_bin_dir() -> str | None:
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return os.path.dirname(os.path.realpath(found))
    candidates = glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")
    candidates.sort(key=lambda p: int(p.split("/")[-3]) if p.split("/")[-3].isdigit() else 0)
    return os.path.dirname(candidates[-1]) if candidates else None


def missing_reason() -> str | None:
    """Why no throwaway cluster can run here, or None when one can."""
    if find_bin_dir() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' OS user to run PostgreSQL as"
        if shutil.which("runuser") is None:
            return "running as root without runuser to drop to the 'postgres' user"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayCluster:
    def __init__(self):
        self.bin_dir = find_bin_dir()
        self.root = tempfile.mkdtemp(prefix="seatshare-pg-")
        self.data = os.path.join(self.root, "data")
        self.log = os.path.join(self.root, "server.log")
        self.port = free_port()
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self._run("initdb", "-D", self.data, "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program, *args, timeout=60):
        command = [os.path.join(self.bin_dir, program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=timeout,
                       cwd=self.root)

    def start(self):
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c full_page_writes=off")
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "start")

    def stop(self):
        """An outage: stop at once, dropping every connection."""
        self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")

    def create_schema(self, metadata):
        engine = sa.create_engine(self.url)
        metadata.create_all(engine)
        engine.dispose()

    def destroy(self):
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # not running
        shutil.rmtree(self.root, ignore_errors=True)
