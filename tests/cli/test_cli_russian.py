"""`funnel --lang ru`: the command line's own words, its help and click's messages in Russian;
English again afterwards in the same process."""

from __future__ import annotations

from pathlib import Path

import pytest

from funnel_tui import i18n
from funnel_tui.cli import main
from funnel_tui.cli.base import cli
from funnel_tui.cli.localized import help_texts
from funnel_tui.i18n import ngettext, set_language


@pytest.fixture
def demo_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "demo.db"
    assert main(["--db", str(path), "demo", "--deals", "60", "--today", "2026-11-20"]) == 0
    capsys.readouterr()
    return path


def test_main_help_is_russian(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "ru", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Использование: funnel [OPTIONS] [COMMAND] [ARGS]...")
    for words in ("Параметры:", "Команды:", "CRM в терминале", "Язык интерфейса"):
        assert words in out
    assert "Показать эту справку и выйти." in out  # the root's --help, made before --lang
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "Database file"):
        assert english not in out


def test_add_help_is_russian(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "ru", "add", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Использование: funnel add [OPTIONS] TITLE")
    assert "Добавить сделку; печатает её номер." in out
    assert "Сумма: 1500, '1 500,50', '1500 RUB'." in out
    assert "[по умолчанию: text]" in out
    add = cli.commands["add"]
    for english in help_texts(add):
        assert english.split(";")[0].split(":")[0] not in out, english


def test_every_help_text_has_a_russian_translation() -> None:
    set_language("ru")
    untranslated = [text for text in help_texts(cli) if i18n._(text) == text]
    assert untranslated == []


def test_english_help_again_after_russian(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "ru", "add", "--help"]) == 0
    assert main(["--lang", "ru", "--help"]) == 0
    capsys.readouterr()
    assert main(["--lang", "en", "add", "--help"]) == 0
    assert main(["--lang", "en", "--help"]) == 0
    out = capsys.readouterr().out
    assert "Show this message and exit." in out and "Usage: funnel add" in out
    assert "Показать" not in out and "Использование" not in out


def test_scriptable_edits_speak_russian(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--lang", "ru", "--db", str(tmp_path / "a.db")]
    assert main([*db, "add", "Стулья", "--value", "1500"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "Создана воронка B2B-продажи (шаблон B2B): в базе данных не было ни одной.",
        "Добавлена сделка 1: Стулья, воронка B2B-продажи.",
    ]
    assert main([*db, "move", "1", "2"]) == 0
    assert main([*db, "log", "1", "--kind", "meeting"]) == 0
    assert main([*db, "next", "1", "--clear"]) == 0
    assert main([*db, "delete", "1"]) == 0
    assert main([*db, "restore", "1"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Сделка 1: Поиск клиентов → Квалификация.",
        "Встреча записана в сделку 1.",
        "Сделка 1: следующий контакт снят.",
        "Сделка 1 удалена (вернуть: `funnel restore 1`).",
        "Сделка 1 восстановлена.",
    ]


def test_errors_are_russian(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--lang", "ru", "--db", str(tmp_path / "a.db")]
    assert main([*db, "next", "1"]) == 2
    err = capsys.readouterr().err
    assert "Использование: funnel next" in err
    assert "Ошибка: укажите либо WHEN, либо --clear" in err
    assert main([*db, "nosuch"]) == 2
    assert "Ошибка: Нет такой команды: 'nosuch'." in capsys.readouterr().err
    assert main([*db, "add", "X"]) == 0
    capsys.readouterr()
    assert main([*db, "agenda", "--owner", "nobody"]) == 1
    assert capsys.readouterr().err.startswith("funnel: нет пользователя 'nobody' (пользователи: ")
    assert main([*db, "report", "--months", "3"]) == 2
    assert capsys.readouterr().err == "funnel report: --months указывается вместе с --forecast\n"


def test_demo_and_report_headings_are_russian(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--lang", "ru", "--db", str(tmp_path / "a.db")]
    assert main([*db, "demo", "--deals", "60", "--today", "2026-11-20"]) == 0
    assert capsys.readouterr().out.startswith("Создано сделок: 60, воронок: ")
    report = [*db, "report", "--period", "last-12-months", "--as-of", "2026-11-20 12:00"]
    assert main(report) == 0
    assert "Потери по этапам и причинам" in capsys.readouterr().out
    assert main([*report, "--forecast"]) == 0
    assert "Вероятность выигрыша по этапам" in capsys.readouterr().out


def test_lists_are_russian(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--lang", "ru", "--db", str(demo_db)]
    assert main([*db, "users", "list"]) == 0
    roles = capsys.readouterr().out
    assert "руководитель" in roles and "менеджер" in roles
    assert main([*db, "pipeline", "list"]) == 0
    stages = capsys.readouterr().out
    assert "(в работе, " in stages and "ключевой этап" in stages and "зависает через" in stages
    assert main([*db, "agenda", "--quiet", "--as-of", "2026-11-20 12:00"]) == 0
    summary = capsys.readouterr().out
    assert "просрочено: " in summary and "на сегодня: " in summary


def test_counts_take_the_three_russian_forms() -> None:
    set_language("ru")
    forms = [
        ngettext("Imported {n} deal.", "Imported {n} deals.", n).format(n=n) for n in (1, 3, 5, 21)
    ]
    assert forms == [
        "Импортирована 1 сделка.",
        "Импортированы 3 сделки.",
        "Импортировано 5 сделок.",
        "Импортирована 21 сделка.",
    ]


def test_english_counts_say_one_deal(tmp_path: Path) -> None:
    set_language("en")
    assert ngettext("Imported {n} deal.", "Imported {n} deals.", 1).format(n=1) == (
        "Imported 1 deal."
    )


def test_version_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "ru", "--version"]) == 0
    assert main(["--lang", "en", "--version"]) == 0
    russian, english = capsys.readouterr().out.splitlines()
    assert russian.startswith("funnel, версия ") and english.startswith("funnel, version ")
