"""`funnel locate db` never prints a database password."""

from __future__ import annotations

import pytest

from funnel_tui.cli import main


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        (
            "postgresql+psycopg://anna:secret@db:5432/crm",
            "postgresql+psycopg://anna:***@db:5432/crm",
        ),
        (  # an unencoded @ in the password is still hidden up to the host
            "postgresql+psycopg://anna:s3cr@t@db/crm?sslmode=require",
            "postgresql+psycopg://anna:***@db/crm?sslmode=require",
        ),
        ("postgresql+psycopg://anna@db/crm", "postgresql+psycopg://anna@db/crm"),
        (
            "postgresql+psycopg:///crm?host=/run/postgresql",
            "postgresql+psycopg:///crm?host=/run/postgresql",
        ),
        ("/srv/funnel/team.db", "/srv/funnel/team.db"),
    ],
)
def test_locate_db_hides_the_password(
    given: str, shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", given, "locate", "db"]) == 0
    assert capsys.readouterr().out.strip() == shown
