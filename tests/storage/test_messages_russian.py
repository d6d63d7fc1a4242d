"""Storage's messages in Russian, and unchanged in English (issue 14); what a failure is
(busy, damaged…) is read from SQLite's own English text, whatever the interface's language."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from funnel_tui.domain.errors import StoreError
from funnel_tui.storage.files import backup_file, inspect_file, sqlite_failure

FAILURES = (
    "database is locked",
    "attempt to write a readonly database",
    "database disk image is malformed",
    "database or disk is full",
    "disk I/O error",
    "no such table: deals",
)


def test_english_messages_are_unchanged(tmp_path: Path) -> None:
    assert [str(sqlite_failure(text, "x.db")) for text in FAILURES] == [
        "x.db is busy (another Funnel has kept it locked); try again",
        "cannot write x.db: the file is read-only for you",
        "x.db is damaged (database disk image is malformed); restore it from a backup",
        "cannot write x.db: the disk is full (database or disk is full); nothing was saved",
        "cannot use x.db: disk I/O error; nothing was saved",
        "database error in x.db: no such table: deals",
    ]
    with pytest.raises(StoreError, match=r"is a directory, not a database file$"):
        inspect_file(tmp_path)


@pytest.mark.usefixtures("russian")
def test_russian_messages(tmp_path: Path) -> None:
    assert [str(sqlite_failure(text, "x.db")) for text in FAILURES] == [
        "x.db занята (её держит другой Funnel); попробуйте снова",
        "не удаётся записать x.db: у вас нет прав на запись",
        "x.db повреждена (database disk image is malformed); восстановите её из резервной копии",
        "не удаётся записать x.db: диск заполнен (database or disk is full); ничего не сохранено",
        "не удаётся работать с x.db: disk I/O error; ничего не сохранено",
        "ошибка базы данных в x.db: no such table: deals",
    ]
    with pytest.raises(StoreError, match=r" — каталог, а не файл базы$"):
        inspect_file(tmp_path)


@pytest.mark.usefixtures("russian")
def test_a_copy_that_fails_says_so_in_russian(tmp_path: Path) -> None:
    source = tmp_path / "funnel.db"
    sqlite3.connect(source).close()
    (tmp_path / "backup.db").touch()
    with pytest.raises(StoreError, match=r"уже существует; выберите другое имя$"):
        backup_file(source, tmp_path / "backup.db")
    with pytest.raises(StoreError, match=r"^не удалось сделать резервную копию в "):
        backup_file(source, tmp_path / "missing" / "copy.db")
