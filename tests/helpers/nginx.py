"""nginx in front of the bot's replicas, as docs/deploy/nginx.conf configures it: that file
rendered into a test's folder (its own ports, certificate, pid, logs and temporary files, no
root paths) and nginx started from the OS packages (`make nginx` installs them)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers.child import stop

CONFIG = Path(__file__).resolve().parents[2] / "docs" / "deploy" / "nginx.conf"
WEBHOOK_PATH = "/telegram"  # the location the documented configuration serves
_REPLICA = re.compile(r"^(\s*)server 127\.0\.0\.1:\d+ (.*);$", re.MULTILINE)


def nginx_binary() -> str:
    """The nginx program; a plain skip (a failure under CI) if `make nginx` did not run."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )
    if found:
        return found
    why = "nginx is not installed (`make nginx` installs it from the OS packages)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why}: CI runs the scaled mode's tests and must not skip them")
    pytest.skip(why)


def render(config: str, port: int, replicas: Sequence[int], cert: Path, key: Path) -> str:
    """The documented configuration with this test's replicas, port and certificate."""
    lines = list(_REPLICA.finditer(config))
    assert lines, "docs/deploy/nginx.conf has no `server 127.0.0.1:PORT ...;` replica lines"
    indent, options = lines[0].group(1), lines[0].group(2)
    ours = "\n".join(f"{indent}server 127.0.0.1:{p} {options};" for p in replicas)
    config = config[: lines[0].start()] + ours + config[lines[-1].end() :]
    config = config.replace("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;")
    config = re.sub(r"ssl_certificate .*;", f"ssl_certificate {cert};", config)
    return re.sub(r"ssl_certificate_key .*;", f"ssl_certificate_key {key};", config)


def _main(folder: Path) -> str:
    """nginx.conf around the site: everything nginx writes stays in folder."""
    temp = " ".join(
        f"{kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;" if os.geteuid() == 0 else ""  # workers may read the test's folder
    return (
        f"{user}\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 4096; }\n"
        f"http {{ {temp}\n include {folder / 'newsbot.conf'};\n}}\n"
    )


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the fake Telegram does not check it)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@dataclass
class Nginx:
    """A running nginx: where it listens, and its error log."""

    port: int
    folder: Path
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        """What the fake Telegram posts to (the webhook's path is added to it)."""
        return f"https://127.0.0.1:{self.port}"

    def errors(self) -> str:
        """nginx's error log so far."""
        log = self.folder / "error.log"
        return log.read_text(errors="replace") if log.exists() else ""


@contextmanager
def running_nginx(folder: Path, port: int, replicas: Sequence[int]) -> Iterator[Nginx]:
    """nginx with docs/deploy/nginx.conf in front of the replicas' ports, until the end."""
    binary = nginx_binary()
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = certificate(folder)
    (folder / "newsbot.conf").write_text(
        render(CONFIG.read_text(), port, replicas, cert, key), encoding="utf-8"
    )
    (folder / "nginx.conf").write_text(_main(folder), encoding="utf-8")
    command = [binary, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", "stderr"]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    nginx = Nginx(port, folder, process)
    try:
        deadline = time.monotonic() + 10
        while True:
            assert process.poll() is None, f"nginx ended: {nginx.errors()}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx does not listen"
                time.sleep(0.05)
        yield nginx
    finally:
        stop(process)
