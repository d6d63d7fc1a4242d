"""`funnel serve`: the app, or the wall dashboard, in a web browser through textual-serve.

Every browser tab that opens the page gets its own `funnel` process on the same database, run
by this Python with the same `--db`; the page is a terminal (xterm.js) fed over a websocket.
There is no login: by default only this machine can connect, and binding any other address
needs `--public` and prints a warning.
"""

from __future__ import annotations

import errno
import ipaddress
import shlex
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import click

from funnel_tui.cli.base import err_console, options, say, vet_database, warn
from funnel_tui.domain.errors import FunnelError
from funnel_tui.i18n import _
from funnel_tui.render.safe import safe_text

if TYPE_CHECKING:
    from textual_serve.server import Server

# textual-serve (and aiohttp under it) is imported in the command only: the other commands do
# not pay for it at start-up (tests/cli/test_serve_cli.py checks).

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class OneLineUsageError(click.UsageError):
    """A usage mistake told in one line (no usage block): exit code 2."""

    def show(self, file: object = None) -> None:
        err_console.print(safe_text(f"funnel serve: {self.message}"))


@dataclass(frozen=True)
class Address:
    """Where the server listens: the host as given, the port and what the host resolves to."""

    host: str
    port: int
    addresses: tuple[str, ...]

    @property
    def loopback(self) -> bool:
        return all(ipaddress.ip_address(address).is_loopback for address in self.addresses)

    @property
    def wildcard(self) -> bool:
        return any(ipaddress.ip_address(address).is_unspecified for address in self.addresses)

    @property
    def url(self) -> str:
        """The address to open in a browser (for a wildcard bind, this machine's name)."""
        host = socket.gethostname() if self.wildcard else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/"


def resolve_address(host: str, port: int) -> Address:
    """The addresses `host` stands for; an unknown name or a malformed address is a usage
    error at `--host`."""
    name = host.strip().removeprefix("[").removesuffix("]")
    if not name:
        raise OneLineUsageError(_("--host: give an address or a name, e.g. 127.0.0.1"))
    try:
        found = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise OneLineUsageError(
            _("--host: {host!r} is not an address or a known name").format(host=host)
        ) from None
    addresses = tuple(dict.fromkeys(str(info[4][0]).split("%")[0] for info in found))
    return Address(host=name, port=port, addresses=addresses)


def check_exposure(address: Address, *, public: bool) -> str | None:
    """Refuse a non-loopback address without `--public`; with it, the warning to print."""
    if address.loopback:
        return None
    if not public:
        raise OneLineUsageError(
            _(
                "--host {host} lets other machines in and there is no login; "
                "add --public if that is what you want"
            ).format(host=address.host)
        )
    return _(
        "serving on {host}:{port} with no login: anyone who can reach this "
        "port can read and change the data"
    ).format(host=address.host, port=address.port)


def check_port_free(address: Address) -> None:
    """Bind and release the port on each address first: a port in use, or an address that is
    not this machine's, is a one-line error before anything is printed."""
    for family, kind, proto, _name, sockaddr in socket.getaddrinfo(
        address.host, address.port, type=socket.SOCK_STREAM
    ):
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(sockaddr)
            except OSError as err:
                raise FunnelError(_bind_error(address, err)) from None


def _bind_error(address: Address, err: OSError) -> str:
    where = f"{address.host}:{address.port}"
    if err.errno == errno.EADDRINUSE:
        return _("port {port} is already in use on {host}; choose another with --port").format(
            port=address.port, host=address.host
        )
    if err.errno == errno.EACCES:
        return _("no permission to listen on {where} (ports below 1024 need root)").format(
            where=where
        )
    if err.errno == errno.EADDRNOTAVAIL:
        return _("cannot listen on {where}: {host} is not an address of this machine").format(
            where=where, host=address.host
        )
    return _("cannot listen on {where}: {reason}").format(where=where, reason=err.strerror or err)


def served_target(target: str) -> str:
    """The database as the served processes must see it: a path made absolute, a URL as is.
    Not `resolve()`d: a symbolic link stays one, so the served app checks it as `funnel` does."""
    if "://" in target:
        if target.split("?")[0] in ("sqlite://", "sqlite:///", "sqlite:///:memory:"):
            raise FunnelError(
                _(
                    "an in-memory database cannot be served: each browser tab would get its "
                    "own, empty one; give a file with --db"
                )
            )
        return target
    return str(Path(target).expanduser().absolute())


def served_command(
    target: str,
    *,
    dashboard: bool = False,
    allow_symlink: bool = False,
    python: str = sys.executable,
) -> str:
    """The shell command textual-serve runs for each browser tab: this same Funnel, on the
    same database, opening the app or (`dashboard`) the wall dashboard."""
    parts = [python, "-m", "funnel_tui", "--db", served_target(target)]
    if allow_symlink:
        parts.append("--allow-symlink")
    if dashboard:
        parts.append("dashboard")
    return shlex.join(parts)


@click.command()
@click.option(
    "--host",
    default=DEFAULT_HOST,
    show_default=True,
    help="Address to listen on; anything but loopback needs --public.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on.",
)
@click.option("--dashboard", is_flag=True, help="Serve the wall dashboard instead of the app.")
@click.option(
    "--public",
    is_flag=True,
    help="Allow a non-loopback --host. There is no login: anyone who can reach it can edit.",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, dashboard: bool, public: bool) -> None:
    """Serve the app (or the wall dashboard) to a web browser, on this machine only unless
    --public. Each browser tab runs its own Funnel on the same database; Ctrl+C stops."""
    address = resolve_address(host, port)
    warning = check_exposure(address, public=public)
    opts = options(ctx)
    command = served_command(opts.target, dashboard=dashboard, allow_symlink=opts.allow_symlink)
    vet_database(opts)
    from funnel_tui.bootstrap import check_database

    check_database(opts.target)
    check_port_free(address)
    if warning is not None:
        warn(warning)
    title = _("Funnel dashboard") if dashboard else "Funnel"
    try:
        server = build_server(command, address, title=title, public=public)
    except ImportError as err:
        raise FunnelError(
            _("serving needs textual-serve ({module}): pip install textual-serve").format(
                module=err.name or err
            )
        ) from None
    try:
        server.serve()
    except OSError as err:  # lost a race for the port since check_port_free
        raise FunnelError(_bind_error(address, err)) from None
    say(_("Stopped."))


def build_server(command: str, address: Address, *, title: str, public: bool) -> Server:
    """A textual-serve Server for `command` that announces itself in one line, refuses
    websockets from other sites, and ends the browser sessions when it stops."""
    import asyncio

    from aiohttp import web
    from textual_serve.server import Server

    class FunnelServer(Server):
        def __init__(self) -> None:
            super().__init__(command, host=address.host, port=address.port, title=title)
            self._sessions: set[asyncio.Task[object]] = set()

        async def on_startup(self, app: web.Application) -> None:
            say(_("Serving {title} at {url}  (Ctrl+C stops)").format(title=title, url=address.url))

        async def on_shutdown(self, app: web.Application) -> None:
            # Open websockets would hold the shutdown for a minute: end them (each one's
            # funnel process is told to quit).
            for task in list(self._sessions):
                task.cancel()

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            # The page's links follow the address the browser used (a wildcard bind has no
            # single one); the websocket check below still decides who may connect.
            self.public_url = f"http://{request.host}"
            return await super().handle_index(request)

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            refusal = websocket_refusal(request.headers.get("Origin"), request.host, public=public)
            if refusal is not None:
                raise web.HTTPForbidden(text=refusal)
            task = asyncio.current_task()
            if task is not None:
                self._sessions.add(task)
            try:
                return await super().handle_websocket(request)
            finally:
                if task is not None:
                    self._sessions.discard(task)

    return FunnelServer()


def websocket_refusal(origin: str | None, host: str, *, public: bool) -> str | None:
    """Why a websocket may not drive Funnel, or None. A web page on another site may open a
    websocket to this port from the user's own browser: only pages served from here may.
    On loopback the browser must also have asked for a loopback name (DNS rebinding)."""
    host_name = urlsplit(f"//{host}").hostname or ""
    if not public and not _is_loopback_name(host_name):
        return "not a loopback address"
    if origin is None:
        return None  # not a browser: it could reach the port anyway
    if urlsplit(origin).netloc.lower() != host.lower():
        return "cross-origin websocket refused"
    return None


def _is_loopback_name(name: str) -> bool:
    if name.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
