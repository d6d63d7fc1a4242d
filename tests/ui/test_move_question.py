"""When a move asks first: skips, back past a key stage, unanswered checklist questions."""

from __future__ import annotations

from funnel_tui.domain.models import Pipeline, Stage, StageKind
from funnel_tui.ui.move_question import move_question


def _pipeline() -> Pipeline:
    names = ["Lead", "Qualified", "Meeting", "Proposal"]
    stages = [
        Stage(i + 1, 1, name, i + 1, StageKind.OPEN, 10, is_key=name == "Meeting")
        for i, name in enumerate(names)
    ]
    stages.append(Stage(5, 1, "Won", 5, StageKind.WON, 100))
    stages.append(Stage(6, 1, "Lost", 6, StageKind.LOST, 0))
    return Pipeline(1, "Sales", 1, tuple(stages), archived_at=None)


P = _pipeline()
LEAD, QUALIFIED, MEETING, PROPOSAL, WON, LOST = P.stages
QUESTIONS = ("Budget?", "Who decides?")


def ask(current: Stage, target: Stage, unanswered: tuple[str, ...] = ()) -> str | None:
    question = move_question("Chairs", P, current, target, unanswered)
    return None if question is None else question.plain


def test_one_step_forward_with_everything_answered_needs_no_question() -> None:
    assert ask(LEAD, QUALIFIED) is None
    assert ask(PROPOSAL, WON) is None


def test_a_skip_names_the_skipped_stages() -> None:
    said = ask(LEAD, PROPOSAL)
    assert said is not None and "skips Qualified, Meeting" in said


def test_back_past_a_key_stage_asks_but_back_before_it_does_not() -> None:
    said = ask(PROPOSAL, QUALIFIED)
    assert said is not None and "key stage Meeting" in said
    assert ask(MEETING, QUALIFIED) is not None  # leaving the key stage itself, backwards
    assert ask(QUALIFIED, LEAD) is None


def test_unanswered_questions_are_named_when_leaving_forward_only() -> None:
    said = ask(QUALIFIED, MEETING, QUESTIONS)
    assert said is not None and "Qualified has unanswered questions: Budget?; Who decides?" in said
    assert ask(QUALIFIED, WON, QUESTIONS) is not None
    assert ask(QUALIFIED, LEAD, QUESTIONS) is None  # going back is not leaving forward
    assert ask(QUALIFIED, LOST, QUESTIONS) is None  # a loss needs no qualification


def test_titles_are_shown_literally() -> None:
    question = move_question("[@click=app.quit]x[/]", P, LEAD, PROPOSAL)
    assert question is not None and "[@click=app.quit]x[/]" in question.plain
    assert not question.spans or all("click" not in str(span.style) for span in question.spans)
