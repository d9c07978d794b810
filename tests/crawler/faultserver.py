"""A loopback HTTP server for crawler tests: static files plus scripted misbehaviour.

Serves a folder laid out like retsinformation.dk's URL space (the shared mirror, or a temp
dir of symlinks and generated sitemaps), answers fixed routes (feed, API JSON, robots.txt),
and for chosen paths plays a script of faults, one per request, before serving normally:
429 with Retry-After, 500, a slow answer, a truncated body, an HTML page with 200, redirects.
Every request is logged (path, headers, time) so tests can count and inspect them.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class Fault:
    kind: str  # "status" | "retry_after" | "slow" | "truncate" | "html200" | "redirect" | "ok"
    status: int = 200
    seconds: float = 0.0
    location: str = ""
    retry_after: str = ""


OK = Fault("ok")


def status(code: int) -> Fault:
    return Fault("status", status=code)


def too_many(retry_after: str | int) -> Fault:
    return Fault("retry_after", status=429, retry_after=str(retry_after))


def slow(seconds: float) -> Fault:
    return Fault("slow", seconds=seconds)


TRUNCATED = Fault("truncate")
HTML200 = Fault("html200")


def redirect(location: str, code: int = 302) -> Fault:
    return Fault("redirect", status=code, location=location)


@dataclass(slots=True)
class Logged:
    path: str
    headers: dict[str, str]
    at: float
    status: int = 0


@dataclass(slots=True)
class ServerState:
    root: Path | None
    routes: dict[str, tuple[int, str, bytes, dict[str, str]]] = field(default_factory=dict)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    always: dict[str, Fault] = field(default_factory=dict)  # path → fault on every request
    delay: float = 0.0  # added to every answer (to make a crawl last long enough to kill)
    log: list[Logged] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    hook: Callable[[str], None] | None = None


HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Retsinformation</title></head>"
    b"<body><h1>Der opstod en fejl</h1><p>Siden kunne ikke vises.</p></body></html>"
)


class Handler(BaseHTTPRequestHandler):
    server_version = "FaultServer/1"
    protocol_version = "HTTP/1.1"

    @property
    def state(self) -> ServerState:
        return self.server.state  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _send(self, code: int, body: bytes, ctype: str, headers: dict[str, str] | None = None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.entry.status = code

    def do_GET(self) -> None:
        st = self.state
        path_q = self.path
        path = urlsplit(path_q).path
        self.entry = Logged(path_q, dict(self.headers.items()), time.time())
        with st.lock:
            st.log.append(self.entry)
            script = st.faults.get(path_q) or st.faults.get(path)
            fault = script.pop(0) if script else st.always.get(path, OK)
        if st.delay:
            time.sleep(st.delay)
        if st.hook:
            st.hook(path_q)
        if fault.kind == "status":
            return self._send(fault.status, f"error {fault.status}".encode(), "text/plain")
        if fault.kind == "retry_after":
            return self._send(429, b"slow down", "text/plain", {"Retry-After": fault.retry_after})
        if fault.kind == "html200":
            return self._send(200, HTML_PAGE, "text/html; charset=utf-8")
        if fault.kind == "redirect":
            return self._send(fault.status, b"", "text/plain", {"Location": fault.location})
        if fault.kind == "slow":
            time.sleep(fault.seconds)
        route = st.routes.get(path_q) or st.routes.get(path)
        if route is not None:
            code, ctype, body, extra = route
            return self._send(code, body, ctype, extra)
        file = self._file(path)
        if file is None:
            return self._send(404, b"not found", "text/plain")
        data = file.read_bytes()
        mtime = file.stat().st_mtime
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                since = email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                since = None
            if since is not None and int(mtime) <= since:
                self.send_response(304)
                self.send_header("Content-Length", "0")
                self.end_headers()
                self.entry.status = 304
                return None
        headers = {"Last-Modified": email.utils.formatdate(mtime, usegmt=True)}
        if fault.kind == "truncate":
            # the body is cut but the HTTP message is complete: only a parser notices
            data = data[: len(data) // 2]
        ctype = "application/xml; charset=utf-8" if path.endswith("xml") else "text/plain"
        return self._send(200, data, ctype, headers)

    def _file(self, path: str) -> Path | None:
        root = self.state.root
        if root is None:
            return None
        rel = path.lstrip("/")
        if ".." in rel.split("/"):
            return None
        f = root / rel
        return f if f.is_file() else None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # clients that time out hang up mid-answer: expected here, not worth a traceback
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, BrokenPipeError)):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class FaultServer:
    """`with FaultServer(root) as srv: srv.url …` — a threaded server on 127.0.0.1."""

    def __init__(self, root: Path | None = None, host: str = "127.0.0.1") -> None:
        self.state = ServerState(root)
        self.httpd = _Server((host, 0), Handler)
        self.httpd.state = self.state  # type: ignore[attr-defined]
        self.host = host
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.httpd.server_address[1]}"

    def __enter__(self) -> FaultServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def route(self, path: str, body: bytes, ctype: str = "application/xml", code: int = 200):
        self.state.routes[path] = (code, ctype, body, {})

    def script(self, path: str, *faults: Fault) -> None:
        self.state.faults[path] = list(faults)

    def paths(self, prefix: str = "") -> list[str]:
        with self.state.lock:
            return [e.path for e in self.state.log if e.path.startswith(prefix)]

    def documents_requested(self) -> list[str]:
        return [p for p in self.paths("/eli/") if p.endswith("/xml")]

    def fetched_unconditionally(self) -> set[str]:
        """ELIs asked for without If-Modified-Since (a crawl's re-check of a stored newest
        version asks conditionally)."""
        return {_eli(e.path) for e in self._docs() if "If-Modified-Since" not in e.headers}

    def rechecked(self) -> dict[str, int]:
        """ELI → HTTP status of each conditional request (304: unchanged, no body)."""
        return {_eli(e.path): e.status for e in self._docs() if "If-Modified-Since" in e.headers}

    def _docs(self) -> list[Logged]:
        with self.state.lock:
            return [e for e in self.state.log
                    if e.path.startswith("/eli/") and e.path.endswith("/xml")]

    def clear_log(self) -> None:
        with self.state.lock:
            self.state.log.clear()


def _eli(path: str) -> str:
    return path.removeprefix("/eli/").removesuffix("/xml")
