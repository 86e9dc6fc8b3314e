"""A real ``redis-server`` for one test: on a free loopback port, its data
(append-only file on) in the test's own folder, no system service; stopped
by its pid. It can be killed (-9) and started again on the same port and
folder, with its data (a restart) or without (Redis lost)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """One ``redis-server`` process and its folder."""

    def __init__(self, folder: Path, password: str | None = None, tls: bool = False) -> None:
        if shutil.which("redis-server") is None:
            raise RuntimeError("redis-server is not installed: run `make test`, whose set-up "
                               "installs it (installers/system-packages.sh)")
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.password = password
        self.tls = tls
        self.process: subprocess.Popen[bytes] | None = None
        if tls:  # a self-signed certificate for 127.0.0.1: the client's CA too
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                            "-keyout", str(folder / "key.pem"), "-out", str(folder / "ca.pem"),
                            "-days", "2", "-subj", "/CN=127.0.0.1",
                            "-addext", "subjectAltName=IP:127.0.0.1"],
                           check=True, capture_output=True)

    @property
    def url(self) -> str:
        if self.tls:
            return f"rediss://127.0.0.1:{self.port}/0?ssl_ca_certs={self.folder / 'ca.pem'}"
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                   "--dir", str(self.folder), "--appendonly", "yes",
                   "--save", "", "--logfile", "redis.log"]
        if self.password:
            command += ["--requirepass", self.password]
        if self.tls:
            command[1:3] = ["--port", "0", "--tls-port", str(self.port)]  # TLS only
            command += ["--tls-cert-file", str(self.folder / "ca.pem"),
                        "--tls-key-file", str(self.folder / "key.pem"),
                        "--tls-ca-cert-file", str(self.folder / "ca.pem"),
                        "--tls-auth-clients", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    if self.tls:  # listening is all that can be asked without a handshake
                        return self
                    sock.sendall(b"PING\r\n")
                    answer = sock.recv(64)
                if answer.startswith((b"+PONG", b"-NOAUTH")):
                    return self
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = (self.folder / "redis.log")
                raise RuntimeError("redis-server did not start: "
                                   + (log.read_text()[-2000:] if log.exists() else "no log"))
            time.sleep(0.05)

    def kill(self) -> None:
        """kill -9, as a crash or a power cut would."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def wipe(self) -> None:
        """Its data gone (a new server in its place)."""
        self.kill()
        for path in self.folder.iterdir():
            if path.is_dir():
                shutil.rmtree(path)
            elif path.name != "redis.log":
                path.unlink()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
