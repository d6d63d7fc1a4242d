"""`funnel serve`: its options and refusals without a server, then once for real."""

from __future__ import annotations

import http.client
import shlex
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from funnel_tui.cli import main
from funnel_tui.cli import serve as serve_module
from funnel_tui.cli.serve import Address, served_command, websocket_refusal
from funnel_tui.domain.errors import FunnelError
from tests.browser.serving import fetch, free_port, serving


class FakeServer:
    """Stands in for textual-serve: records what it would serve, returns at once."""

    def __init__(self, command: str, address: Address, *, title: str, public: bool) -> None:
        self.command = command
        self.address = address
        self.title = title
        self.public = public
        self.served = False

    def serve(self) -> None:
        self.served = True


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> list[FakeServer]:
    made: list[FakeServer] = []

    def build(command: str, address: Address, *, title: str, public: bool) -> FakeServer:
        made.append(FakeServer(command, address, title=title, public=public))
        return made[-1]

    monkeypatch.setattr(serve_module, "build_server", build)
    return made


def test_help_names_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--help"]) == 0
    out = capsys.readouterr().out
    assert "Usage: funnel serve [OPTIONS]" in out
    for option in ("--host TEXT", "--port INTEGER", "--dashboard", "--public"):
        assert option in out
    assert "[default: 127.0.0.1]" in out
    assert "8000" in out


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.7"])
def test_a_non_loopback_host_needs_public(
    host: str, tmp_path: Path, fake_server: list[FakeServer], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(tmp_path / "a.db"), "serve", "--host", host]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"funnel serve: --host {host} lets other machines in")
    assert "--public" in lines[0]
    assert fake_server == []


def test_public_serves_with_a_warning(
    tmp_path: Path, fake_server: list[FakeServer], capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    assert (
        main(
            [
                "--db",
                str(tmp_path / "a.db"),
                "serve",
                "--host",
                "0.0.0.0",
                "--public",
                "--port",
                str(port),
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"funnel: warning: serving on 0.0.0.0:{port} with no login: anyone who can reach "
        "this port can read and change the data"
    ]
    (server,) = fake_server
    assert server.served and server.public
    assert server.address.port == port


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_needs_no_flag_and_warns_nothing(
    host: str, tmp_path: Path, fake_server: list[FakeServer], capsys: pytest.CaptureFixture[str]
) -> None:
    if host == "::1" and not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        code = main(
            ["--db", str(tmp_path / "a.db"), "serve", "--host", host, "--port", str(free_port())]
        )
    finally:
        captured = capsys.readouterr()
    if host == "::1" and code == 1 and "cannot" in captured.err:
        pytest.skip("IPv6 loopback is not configured here")
    assert code == 0, captured.err
    assert captured.err == ""
    (server,) = fake_server
    assert server.address.loopback and not server.public
    assert server.title == "Funnel"


def test_the_served_command_is_this_funnel_on_the_same_database(
    tmp_path: Path, fake_server: list[FakeServer]
) -> None:
    db = tmp_path / "my deals" / "a.db"
    assert main(["--db", str(db), "serve", "--dashboard", "--port", str(free_port())]) == 0
    (server,) = fake_server
    assert shlex.split(server.command) == [
        sys.executable,
        "-m",
        "funnel_tui",
        "--db",
        str(db),
        "dashboard",
    ]
    assert server.title == "Funnel dashboard"


def test_funnel_db_reaches_the_served_command(
    tmp_path: Path, fake_server: list[FakeServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FUNNEL_DB", "relative.db")
    assert main(["--allow-symlink", "serve", "--port", str(free_port())]) == 0
    (server,) = fake_server
    assert shlex.split(server.command) == [
        sys.executable,
        "-m",
        "funnel_tui",
        "--db",
        str(tmp_path / "relative.db"),
        "--allow-symlink",
    ]


def test_served_command_keeps_urls_and_refuses_memory() -> None:
    url = "postgresql+psycopg://crm@db.local/funnel"
    assert shlex.split(served_command(url, python="py"))[-2:] == ["--db", url]
    for memory in ("sqlite://", "sqlite:///:memory:"):
        with pytest.raises(FunnelError, match="in-memory database cannot be served"):
            served_command(memory)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--host", "no-such-host.invalid"],
            "funnel serve: --host: 'no-such-host.invalid' is not an address or a known name",
        ),
        (["--host", ""], "funnel serve: --host: give an address or a name, e.g. 127.0.0.1"),
    ],
)
def test_a_bad_host_is_one_line_and_a_usage_error(
    args: list[str],
    message: str,
    tmp_path: Path,
    fake_server: list[FakeServer],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--db", str(tmp_path / "a.db"), "serve", *args]) == 2
    assert capsys.readouterr().err.splitlines() == [message]
    assert fake_server == []


def test_a_port_in_use_is_one_line(
    tmp_path: Path, fake_server: list[FakeServer], capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--db", str(tmp_path / "a.db"), "serve", "--port", str(port)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"funnel: port {port} is already in use on 127.0.0.1; choose another with --port"
    ]
    assert fake_server == []


def test_without_textual_serve_it_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    assert main(["--db", str(tmp_path / "a.db"), "serve", "--port", str(free_port())]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("funnel: serving needs textual-serve")
    assert line.endswith("pip install textual-serve")


@pytest.mark.parametrize("port", ["0", "65536", "http"])
def test_a_bad_port_is_a_usage_error(
    port: str, tmp_path: Path, fake_server: list[FakeServer]
) -> None:
    assert main(["--db", str(tmp_path / "a.db"), "serve", "--port", port]) == 2
    assert fake_server == []


@pytest.mark.parametrize(
    ("origin", "host", "public", "refused"),
    [
        ("http://127.0.0.1:8000", "127.0.0.1:8000", False, False),
        ("http://localhost:8000", "localhost:8000", False, False),
        (None, "127.0.0.1:8000", False, False),  # not a browser
        ("http://evil.example", "127.0.0.1:8000", False, True),  # another site's page
        ("http://evil.example:8000", "evil.example:8000", False, True),  # DNS rebinding
        ("http://crm.office:8000", "crm.office:8000", True, False),
        ("http://evil.example", "crm.office:8000", True, True),
    ],
)
def test_websockets_only_from_pages_served_here(
    origin: str | None, host: str, public: bool, refused: bool
) -> None:
    assert (websocket_refusal(origin, host, public=public) is not None) is refused


def test_other_commands_do_not_import_textual_serve() -> None:
    code = (
        "import sys, funnel_tui.cli; "
        "print(sorted(m for m in ('textual_serve', 'aiohttp') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_serves_the_page_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    assert main(["--db", str(db), "demo", "--deals", "20", "--seed", "1"]) == 0
    with serving(db, log=tmp_path / "serve.log") as served:
        page = fetch(served.url)
        # textual-serve's page: a terminal fed by a websocket, and its script.
        assert 'class="textual-terminal"' in page
        assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws"' in page
        assert "/static/js/textual.js" in page
        assert "<div>Funnel</div>" in page
        assert _websocket_status(served.url, origin="http://evil.example") == 403
        assert served.stop(signal.SIGINT) == 0
    output = served.output()
    assert f"Serving Funnel at {served.url}" in output
    assert "Stopped." in output
    assert "Traceback" not in output


def _websocket_status(url: str, *, origin: str) -> int:
    host_port = url.removeprefix("http://").rstrip("/")
    connection = http.client.HTTPConnection(host_port, timeout=5)
    try:
        connection.request(
            "GET",
            "/ws",
            headers={
                "Origin": origin,
                "Connection": "Upgrade",
                "Upgrade": "websocket",
                "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            },
        )
        return connection.getresponse().status
    finally:
        connection.close()
