"""Users and roles: validation in the service, only a lead changes the team, the last lead
stays, unknown logins join as reps on first use, and each role's default view."""

from __future__ import annotations

import pytest

from funnel_tui.domain.errors import NotFoundError, ValidationError
from funnel_tui.domain.models import DealDraft, Pipeline, Role
from funnel_tui.domain.money import Money
from funnel_tui.services.board import BoardService, StoreBoardSource
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.deals import DealService
from funnel_tui.services.users import NotAllowedError, UserService
from funnel_tui.storage.database import SqlStore
from tests.conftest import FakeClock


def as_login(store: SqlStore, login: str, clock: FakeClock) -> UserService:
    return UserService(ServiceContext(store, login=login, clock=clock))


def test_the_founder_is_a_lead_and_adds_the_team(store: SqlStore, clock: FakeClock) -> None:
    anna = as_login(store, "anna", clock)
    assert anna.found_team().role is Role.LEAD
    added = anna.add("ivan", role="rep", name="  Иван Петров ")
    assert (added.login, added.role, added.display_name) == ("ivan", Role.REP, "Иван Петров")
    assert anna.add("petr").display_name == "petr"  # the login when no name is given
    assert [(u.login, u.role) for u in anna.list()] == [
        ("anna", Role.LEAD),
        ("ivan", Role.REP),
        ("petr", Role.REP),
    ]


@pytest.mark.parametrize(
    ("login", "role", "name", "field"),
    [
        ("bad login", "rep", None, "login"),
        ("", "rep", None, "login"),
        ("x" * 65, "rep", None, "login"),
        ("ivan", "boss", None, "role"),
        ("ivan", "rep", "   ", "name"),
        ("ivan", "rep", "n" * 101, "name"),
        ("ivan", "rep", "Ivan\x1b[2J", "name"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    store: SqlStore, clock: FakeClock, login: str, role: str, name: str | None, field: str
) -> None:
    anna = as_login(store, "anna", clock)
    anna.found_team()
    with pytest.raises(ValidationError) as caught:
        anna.add(login, role=role, name=name)
    assert caught.value.field == field
    assert [u.login for u in anna.list()] == ["anna"]


def test_a_duplicate_login_is_refused(store: SqlStore, clock: FakeClock) -> None:
    anna = as_login(store, "anna", clock)
    anna.found_team()
    with pytest.raises(ValidationError, match="already a user"):
        anna.add("anna", role="rep")


def test_only_a_lead_adds_users_or_changes_roles(store: SqlStore, clock: FakeClock) -> None:
    as_login(store, "anna", clock).found_team()
    as_login(store, "anna", clock).add("ivan", role="rep")
    ivan = as_login(store, "ivan", clock)
    with pytest.raises(NotAllowedError, match=r"only a lead can add users; ask anna"):
        ivan.add("petr")
    with pytest.raises(NotAllowedError, match="only a lead can change roles"):
        ivan.change("ivan", role="lead")
    with pytest.raises(NotAllowedError, match="rename other users"):
        ivan.change("anna", name="Anna the Great")
    assert ivan.change("ivan", name="Ivan P.").display_name == "Ivan P."  # their own name
    # A stranger is refused too, and the refusal records nobody.
    with pytest.raises(NotAllowedError):
        as_login(store, "mallory", clock).add("eve", role="lead")
    assert [u.login for u in ivan.list()] == ["anna", "ivan"]


def test_the_last_lead_stays_a_lead(store: SqlStore, clock: FakeClock) -> None:
    anna = as_login(store, "anna", clock)
    anna.found_team()
    anna.add("boris", role="rep")
    with pytest.raises(ValidationError, match="only lead"):
        anna.change("anna", role="rep")
    assert anna.change("boris", role="lead").role is Role.LEAD
    assert anna.change("anna", role="rep").role is Role.REP
    with pytest.raises(NotAllowedError, match="ask boris"):
        anna.change("anna", role="lead")


def test_change_needs_a_known_user_and_something_to_change(
    store: SqlStore, clock: FakeClock
) -> None:
    anna = as_login(store, "anna", clock)
    anna.found_team()
    with pytest.raises(NotFoundError, match=r"no user 'nobody' \(users: anna\)"):
        anna.change("nobody", role="rep")
    with pytest.raises(ValidationError, match="nothing to change"):
        anna.change("anna")


def test_found_team_never_demotes_nor_jumps_over_a_lead(store: SqlStore, clock: FakeClock) -> None:
    as_login(store, "anna", clock).found_team()
    assert as_login(store, "ivan", clock).found_team().role is Role.REP
    assert as_login(store, "anna", clock).found_team().role is Role.LEAD


def test_an_unknown_login_joins_as_a_rep_on_first_use(
    store: SqlStore, clock: FakeClock, pipeline: Pipeline
) -> None:
    as_login(store, "anna", clock).found_team()
    ivan = DealService(ServiceContext(store, login="ivan", clock=clock))
    deal = ivan.create(DealDraft("Chairs", Money(100, "RUB")), pipeline_id=pipeline.id)
    users = {u.login: u for u in as_login(store, "anna", clock).list()}
    assert users["ivan"].role is Role.REP
    assert deal.owner_id == users["ivan"].id


@pytest.mark.parametrize(("login", "own_view"), [("ivan", True), ("anna", False)])
def test_a_rep_starts_on_own_deals_and_a_lead_on_everyones(
    store: SqlStore, clock: FakeClock, pipeline: Pipeline, login: str, own_view: bool
) -> None:
    """The board and the agenda both start from BoardContext.default_owner_id."""
    anna = as_login(store, "anna", clock)
    anna.found_team()
    anna.add("ivan", role="rep")
    board = BoardService(StoreBoardSource(store), login=login, clock=clock)
    context = board.context()
    assert context.me is not None and context.me.login == login
    expected = context.me.id if own_view else None
    assert context.default_owner_id == expected
    query = board.first_query(context, None)
    assert query is not None and query.owner_id == expected
