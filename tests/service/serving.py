"""``agora serve`` as a real subprocess, as a user starts it, and checks run against it."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import tempfile
import time
import xmlrpc.client
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agora.testing.server import agora_command, free_port

#: The request log line; group 1 is the pid of the process that served the request.
REQUEST_LINE = re.compile(r"\[(\d+)\] \[INFO\] agora\.http\.requests: POST /xmlrpc/2/object "
                          r"200 \d+\.\dms \d+q$", re.MULTILINE)


class ServeProcess:
    """``agora serve -d <db> --port <free port> *args``; its stderr goes to a file."""

    def __init__(self, server_url: str, db: str, *args: str) -> None:
        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        handle, path = tempfile.mkstemp(prefix="agora-serve-test-", suffix=".log")
        self.log_path = Path(path)
        env = {**os.environ, "AGORA_DB_URL": server_url}
        env.pop("AGORA_CONFIG", None)
        self.process = subprocess.Popen(
            [*agora_command(), "serve", "-d", db, "--port", str(self.port), *args],
            env=env, stdout=subprocess.DEVNULL, stderr=handle, start_new_session=True)
        os.close(handle)
        self.wait_ready()

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"agora serve exited {self.process.returncode}:\n"
                                     f"{self.log()}")
            try:
                xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common").version()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"agora serve did not answer within {timeout}s:\n{self.log()}")

    def proxy(self, service: str) -> Any:
        return xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/{service}", allow_none=True)

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """``execute_kw`` as admin (uid 2)."""
        return self.proxy("object").execute_kw(self.db, 2, "admin", model, method,
                                               list(args), kwargs)

    def children(self) -> set[int]:
        text = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
        return {int(pid) for pid in text.split()}

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM; the exit code (the process is killed if it does not stop in time)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait()
            raise AssertionError(
                f"agora serve did not stop within {timeout}s:\n{self.log()}") from None

    def __enter__(self) -> ServeProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.process.poll() is None:
                self.stop()
        finally:
            self.log_path.unlink(missing_ok=True)


def wait_for(predicate: Callable[[], Any], timeout: float, message: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(message)
        time.sleep(0.1)


def check_serves_xmlrpc(server: ServeProcess) -> None:
    """Login and a search_read through the real XML-RPC client."""
    uid = server.proxy("common").login(server.db, "admin", "admin")
    assert uid == 2
    rows = server.call("res.partner", "search_read", [], fields=["name", "email"], limit=5)
    assert rows and all(set(row) == {"id", "name", "email"} for row in rows)


def check_cron_runs_due_job(server: ServeProcess, timeout: float = 15.0) -> None:
    """A due ir.cron job created over XML-RPC runs (its effect appears) in time."""
    key = f"test.serve.cron.{secrets.token_hex(4)}"
    job = server.call("ir.cron", "create", {
        "name": f"serve test {key}", "model_name": "ir.config_parameter",
        "method_name": "set_param", "args": repr([key, "ran"]), "numbercall": 1,
        "interval_number": 1, "interval_type": "days"})
    try:
        wait_for(lambda: server.call("ir.config_parameter", "get_param", key) == "ran",
                 timeout, f"the due job did not run within {timeout}s:\n{server.log()}")
        assert server.call("ir.cron", "read", [job], ["active", "lastcall"])[0]["lastcall"]
    finally:
        server.call("ir.cron", "unlink", [job])
        params = server.call("ir.config_parameter", "search", [("key", "=", key)])
        server.call("ir.config_parameter", "unlink", params)


def send_partial_request(server: ServeProcess) -> tuple[socket.socket, bytes]:
    """A connection whose request is only half sent: the server is handling it. Returns
    the socket and the rest of the request to send later."""
    body = xmlrpc.client.dumps((server.db, 2, "admin", "res.partner", "search_count", [[]]),
                               "execute_kw").encode()
    head = (f"POST /xmlrpc/2/object HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            f"Content-Type: text/xml\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=15)
    sock.sendall(head + body[:20])
    return sock, body[20:]


def finish_request(sock: socket.socket, rest: bytes) -> bytes:
    sock.sendall(rest)
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    sock.close()
    return b"".join(chunks)


def keep_calling_during(server: ServeProcess, action: Callable[[], Any],
                        clients: int = 2) -> tuple[list[int], list[BaseException], Any]:
    """XML-RPC calls from ``clients`` threads, without pause, from before ``action()``
    until 10 more calls succeeded after it: ``(results, failures, action's result)``."""
    import threading

    calls: list[int] = []
    failures: list[BaseException] = []
    stop = threading.Event()

    def client() -> None:
        proxy = server.proxy("object")
        while not stop.is_set():
            try:
                calls.append(proxy.execute_kw(server.db, 2, "admin", "res.partner",
                                              "search_count", [[]]))
            except (OSError, xmlrpc.client.Error) as exc:
                failures.append(exc)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: len(calls) >= 10, 10, "the client made no calls")
        outcome = action()
        served_before = len(calls)
        wait_for(lambda: len(calls) >= served_before + 10, 20,
                 f"no calls after the action:\n{server.log()}")
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
    return calls, failures, outcome


def check_sigterm_finishes_request_in_flight(server: ServeProcess) -> None:
    """SIGTERM while a request is half sent: the server waits for it, answers it, then
    exits 0."""
    sock, rest = send_partial_request(server)
    time.sleep(1.0)  # a server process has accepted the connection and waits for the body
    server.process.terminate()
    time.sleep(0.5)
    assert server.process.poll() is None, "exited with a request in flight"
    response = finish_request(sock, rest)
    assert response.startswith(b"HTTP/1.1 200") and b"<fault>" not in response, response
    assert server.process.wait(5) == 0, server.log()
