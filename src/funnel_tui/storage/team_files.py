"""A database file shared by a team on one server: creating it so that the group and nobody
else can open it, and checking, on every open, where a database file sits.

Modes are set explicitly, never left to the umask (shared/FINDINGS.md, "Shared server"). SQLite
creates the WAL and SHM files with the main file's permission bits; the group comes from the
directory's setgid bit, which is why the team directory must have it.
"""

from __future__ import annotations

import contextlib
import grp
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from funnel_tui.domain.errors import StoreError
from funnel_tui.i18n import _
from funnel_tui.storage.files import SQLITE_HEADER, inspect_file

TEAM_DIR_MODE = 0o2770
TEAM_FILE_MODE = 0o660
SIDECARS = ("-wal", "-shm", "-journal")
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "fuse.sshfs",
        "sshfs",
        "9p",
        "afs",
        "ceph",
        "fuse.ceph",
        "glusterfs",
        "fuse.glusterfs",
        "lustre",
        "davfs",
        "fuse.davfs",
        "fuse.rclone",
        "gpfs",
    }
)


# --- the group -------------------------------------------------------------------------


def group_id(name: str) -> int:
    """The id of the group called `name`; a one-line StoreError if there is none."""
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        raise StoreError(
            _("no group {group} on this system (create it with `groupadd`)").format(
                group=repr(name)
            )
        ) from None


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _may_use_group(gid: int) -> bool:
    return os.geteuid() == 0 or gid == os.getegid() or gid in os.getgroups()


# --- init-team -------------------------------------------------------------------------


@dataclass(slots=True)
class TeamFile:
    """What `prepare_team_file` found and did."""

    path: Path
    gid: int
    existing_funnel: bool = False
    """The file already held a Funnel database (kept; its group and modes were fixed)."""
    created_directory: bool = False
    warnings: list[str] = field(default_factory=list)


def prepare_team_file(path: Path, gid: int) -> TeamFile:
    """Make `path` ready to be a team database for group `gid`: its directory (created 2770,
    setgid, owned by the group; an existing one is checked, never changed) and the file
    itself (empty, 0660, owned by the group; an existing Funnel database is kept).

    Refuses, before changing anything, a group the caller cannot give files to and a file
    that is not a Funnel database.
    """
    path = path.expanduser().absolute()
    name = _group_name(gid)
    if not _may_use_group(gid):
        raise StoreError(
            _(
                "you are not a member of group {quoted}, so files cannot be given to it "
                "(ask an administrator: `usermod -aG {group} {me}`, then log in again)"
            ).format(quoted=repr(name), group=name, me=_me())
        )
    state = inspect_file(path)  # raises for a directory or a database that is not ours
    result = TeamFile(path=path, gid=gid, existing_funnel=state.is_funnel)
    directory = path.parent
    if directory.exists():
        result.warnings.extend(_directory_problems(directory, gid))
    else:
        _create_team_directory(directory, gid)
        result.created_directory = True
    if not state.exists:
        _create_team_file(path, gid)
    fix_team_modes(path, gid)
    return result


def fix_team_modes(path: Path, gid: int) -> None:
    """Give the database and whichever of its WAL/SHM/journal files exist to group `gid`,
    mode 0660."""
    for target in (path, *(path.with_name(path.name + suffix) for suffix in SIDECARS)):
        if not target.exists():
            continue
        try:
            os.chown(target, -1, gid)
            target.chmod(TEAM_FILE_MODE)
        except OSError as err:
            raise StoreError(
                _("cannot give {path} to group {group}: {error}").format(
                    path=target, group=repr(_group_name(gid)), error=err.strerror or err
                )
            ) from None


def _create_team_directory(directory: Path, gid: int) -> None:
    for parent in reversed(directory.parents):
        if not parent.exists():
            try:
                parent.mkdir()
                parent.chmod(0o755)  # teammates must pass through; the team dir itself is 2770
            except OSError as err:
                raise StoreError(
                    _("cannot create {path}: {error}").format(
                        path=parent, error=err.strerror or err
                    )
                ) from None
    try:
        directory.mkdir(mode=0o700)
    except OSError as err:
        raise StoreError(
            _("cannot create {path}: {error}").format(path=directory, error=err.strerror or err)
        ) from None
    try:
        os.chown(directory, -1, gid)
        # After chown, which may clear the setgid bit.
        directory.chmod(TEAM_DIR_MODE)
    except OSError as err:
        with contextlib.suppress(OSError):
            directory.rmdir()
        raise StoreError(
            _("cannot give {path} to group {group}: {error}").format(
                path=directory, group=repr(_group_name(gid)), error=err.strerror or err
            )
        ) from None


def _create_team_file(path: Path, gid: int) -> None:
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as err:
        raise StoreError(
            _("cannot create {path}: {error}").format(path=path, error=err.strerror or err)
        ) from None
    try:
        os.fchown(descriptor, -1, gid)
        os.fchmod(descriptor, TEAM_FILE_MODE)
    except OSError as err:
        os.close(descriptor)
        with contextlib.suppress(OSError):
            path.unlink()
        raise StoreError(
            _("cannot give {path} to group {group}: {error}").format(
                path=path, group=repr(_group_name(gid)), error=err.strerror or err
            )
        ) from None
    os.close(descriptor)


def _directory_problems(directory: Path, gid: int) -> list[str]:
    info = directory.stat()
    name = _group_name(gid)
    mode = stat.S_IMODE(info.st_mode)
    if info.st_gid == gid and mode == TEAM_DIR_MODE:
        return []
    return [
        _(
            "{directory} is not a team directory (group {group}, mode {mode}; wanted group "
            "{wanted}, mode 2770): run `chgrp {wanted} {directory} && chmod 2770 {directory}`"
        ).format(directory=directory, group=_group_name(info.st_gid), mode=f"{mode:o}", wanted=name)
    ]


def _me() -> str:
    import pwd

    return pwd.getpwuid(os.geteuid()).pw_name


# --- every open ------------------------------------------------------------------------


def path_warnings(path: Path, *, allow_symlink: bool = False) -> list[str]:
    """One-line warnings about where the database at `path` sits: open to everyone, in a
    directory anyone may replace it in, or on a network filesystem.

    Raises StoreError for a symbolic link that sits in a directory others can write to (they
    could point it elsewhere), unless `allow_symlink`.
    """
    path = path.expanduser().absolute()
    if path.is_symlink() and not allow_symlink:
        holder = path.parent
        with contextlib.suppress(OSError):
            if holder.stat().st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                raise StoreError(
                    _(
                        "{path} is a symbolic link in {holder}, which others can write to: "
                        "refused (open the file it points to, or pass --allow-symlink)"
                    ).format(path=path, holder=holder)
                )
    real = path.resolve()
    if real.exists() and not _looks_like_database(real):
        return []  # opening it fails with its own one-line error: no noise before it
    warnings: list[str] = []
    with contextlib.suppress(OSError):
        mode = real.stat().st_mode
        readable, writable = mode & stat.S_IROTH, mode & stat.S_IWOTH
        if readable and writable:
            message = _("{path} is readable and writable by everyone: run `chmod o-rwx {path}`")
        elif readable:
            message = _("{path} is readable by everyone: run `chmod o-rwx {path}`")
        else:
            message = _("{path} is writable by everyone: run `chmod o-rwx {path}`")
        if readable or writable:
            warnings.append(message.format(path=real))
    directory = real.parent
    with contextlib.suppress(OSError):
        mode = directory.stat().st_mode
        if mode & stat.S_IWOTH and not mode & stat.S_ISVTX:
            warnings.append(
                _(
                    "{directory} is writable by everyone without the sticky bit, so anyone can "
                    "replace the database: run `chmod +t {directory}`"
                ).format(directory=directory)
            )
    kind = filesystem_type(real)
    if kind is not None and kind in NETWORK_FILESYSTEMS:
        warnings.append(
            _(
                "{path} is on a network filesystem ({kind}), where SQLite's locking is "
                "unreliable: keep the database on a local disk of the server"
            ).format(path=real, kind=kind)
        )
    return warnings


def _looks_like_database(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) in (b"", SQLITE_HEADER)
    except OSError:
        return False


def filesystem_type(path: Path, mounts: Path = Path("/proc/mounts")) -> str | None:
    """The type of the filesystem holding `path` (from /proc/mounts); None if unknown."""
    try:
        lines = mounts.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    best: tuple[int, str] | None = None
    target = str(path)
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = _unescape(fields[1])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) >= best[0]):
            best = (len(point), fields[2])
    return best[1] if best else None


def _unescape(field: str) -> str:
    """/proc/mounts writes a space as \\040, a tab as \\011, and so on."""
    if "\\" not in field:
        return field
    out: list[str] = []
    index = 0
    while index < len(field):
        chunk = field[index : index + 4]
        if len(chunk) == 4 and chunk[0] == "\\" and chunk[1:].isdigit():
            out.append(chr(int(chunk[1:], 8)))
            index += 4
        else:
            out.append(field[index])
            index += 1
    return "".join(out)
