"""Loss reasons of each pipeline (settings tab): add, rename, retire, bring back.

The pipelines on the left, the highlighted one's reasons on the right (`p` moves to the next
pipeline from anywhere in the tab). A retired reason is no longer offered by the lose
dialog but stays on the deals lost for it: it is listed dimmed, marked "(retired)", and can
be brought back. Every change is one service call; the list is read again at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from funnel_tui.domain.errors import FunnelError
from funnel_tui.domain.models import LossReason, Pipeline
from funnel_tui.i18n import N_, _
from funnel_tui.render.safe import fill, safe_text
from funnel_tui.ui.notices import tell
from funnel_tui.ui.settings.pane import SettingsPane
from funnel_tui.ui.settings.pipeline_modals import NameModal, titled
from funnel_tui.ui.threads import call_back

if TYPE_CHECKING:
    from funnel_tui.services import Services


class LossReasonsPane(SettingsPane):
    """Loss reasons of each pipeline."""

    DEFAULT_CSS = """
    LossReasonsPane > Horizontal { height: 1fr; }
    LossReasonsPane #reasons-pipelines-box { width: 28; max-width: 40%; height: 1fr; }
    LossReasonsPane #reasons-list-box { width: 1fr; height: 1fr; margin-left: 1; }
    LossReasonsPane .list-title { color: $text-muted; padding-left: 1; }
    LossReasonsPane OptionList { height: 1fr; }
    LossReasonsPane #reasons-hint { color: $text-muted; height: auto; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add_reason", N_("Add"), id="reasons.add"),
        Binding("r", "rename_reason", N_("Rename"), id="reasons.rename"),
        Binding("x", "toggle_retired", N_("Retire / bring back"), id="reasons.retire"),
        Binding("p", "next_pipeline", N_("Next pipeline"), id="reasons.next-pipeline"),
    ]

    def __init__(self, services: Services, *, id: str | None = None) -> None:
        super().__init__(services, id=id)
        self.pipelines: list[Pipeline] = []
        """The unarchived pipelines, as last read."""
        self.pipeline_id: int | None = None
        """The pipeline whose reasons are listed."""
        self._want_reason: int | None = None
        """The reason to highlight after the next read (its id)."""
        self.shown: tuple[LossReason, ...] = ()
        """The reasons listed, in order."""

    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="reasons-pipelines-box"):
                yield Label(_("Pipelines"), classes="list-title")
                yield OptionList(id="reasons-pipelines")
            with Vertical(id="reasons-list-box"):
                yield Label(_("Loss reasons"), classes="list-title", id="reasons-title")
                yield OptionList(id="reasons-list")
        yield Static(
            _(
                "A retired reason is no longer offered when a deal is lost; "
                "the deals lost for it keep it."
            ),
            id="reasons-hint",
        )

    def on_mount(self) -> None:
        self.start_reading()

    # Reading

    def read(self) -> list[Pipeline]:
        return self.services.pipelines.list()

    def show(self, read: list[Pipeline]) -> None:
        pipelines = read
        self.pipelines = pipelines
        ids = [pipeline.id for pipeline in pipelines]
        if self.pipeline_id not in ids:
            self.pipeline_id = ids[0] if ids else None
        menu = self.query_one("#reasons-pipelines", OptionList)
        menu.clear_options()
        menu.add_options(
            Option(safe_text(pipeline.name), id=str(pipeline.id)) for pipeline in pipelines
        )
        if self.pipeline_id is not None:
            menu.highlighted = ids.index(self.pipeline_id)
        self._show_reasons()

    def on_show(self) -> None:
        """The tab was opened: its keys work at once."""
        focused = self.screen.focused
        if focused is None or self not in focused.ancestors:
            self.query_one("#reasons-list", OptionList).focus()

    def _show_reasons(self) -> None:
        reasons_list = self.query_one("#reasons-list", OptionList)
        keep = self._want_reason
        current = self.reason
        if keep is None and current is not None and current.pipeline_id == self.pipeline_id:
            keep = current.id
        self._want_reason = None
        pipeline = self.pipeline
        reasons = pipeline.loss_reasons if pipeline is not None else ()
        self.shown = reasons
        title = self.query_one("#reasons-title", Label)
        if pipeline is None:
            title.update(_("Loss reasons"))
        else:
            title.update(fill(_("Loss reasons of “{pipeline}”"), pipeline=pipeline.name))
        reasons_list.clear_options()
        reasons_list.add_options(_reason_option(reason) for reason in reasons)
        if reasons:
            index = 0
            for position, reason in enumerate(reasons):
                if reason.id == keep:
                    index = position
            reasons_list.highlighted = index
        self.refresh_bindings()

    @property
    def pipeline(self) -> Pipeline | None:
        return next((p for p in self.pipelines if p.id == self.pipeline_id), None)

    @property
    def reason(self) -> LossReason | None:
        """The highlighted reason."""
        index = self.query_one("#reasons-list", OptionList).highlighted
        if index is None or not 0 <= index < len(self.shown):
            return None
        return self.shown[index]

    @on(OptionList.OptionHighlighted, "#reasons-pipelines")
    def _pipeline_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        chosen = int(event.option.id or 0)
        if chosen != self.pipeline_id:
            self.pipeline_id = chosen
            self._show_reasons()

    @on(OptionList.OptionSelected, "#reasons-pipelines")
    def _pipeline_selected(self) -> None:
        self.query_one("#reasons-list", OptionList).focus()

    @on(OptionList.OptionSelected, "#reasons-list")
    def _reason_selected(self) -> None:
        self.action_rename_reason()

    # Changing

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "add_reason":
            return self.pipeline is not None
        if action in ("rename_reason", "toggle_retired"):
            return self.is_mounted and self.reason is not None
        if action == "next_pipeline":
            return len(self.pipelines) > 1
        return True

    def action_next_pipeline(self) -> None:
        if not self.pipelines:
            return
        ids = [pipeline.id for pipeline in self.pipelines]
        at = ids.index(self.pipeline_id) if self.pipeline_id in ids else -1
        self.pipeline_id = ids[(at + 1) % len(ids)]
        self.query_one("#reasons-pipelines", OptionList).highlighted = (at + 1) % len(ids)
        self._show_reasons()

    def action_add_reason(self) -> None:
        pipeline = self.pipeline
        if pipeline is None:
            return
        service = self.services.loss_reasons
        modal = NameModal(
            titled(_("New loss reason for “{pipeline}”"), pipeline=pipeline.name),
            _("Name"),
            "",
            lambda name: service.add(pipeline.id, name),
            placeholder=_("e.g. Too expensive"),
        )
        self.app.push_screen(modal, self._changed)

    def action_rename_reason(self) -> None:
        pipeline, reason = self.pipeline, self.reason
        if pipeline is None or reason is None:
            return
        service = self.services.loss_reasons
        modal = NameModal(
            titled(_("Rename the loss reason “{name}”"), name=reason.name),
            _("New name"),
            reason.name,
            lambda name: service.rename(pipeline.id, reason.id, name),
        )
        self._want_reason = reason.id
        self.app.push_screen(modal, self._changed)

    def _changed(self, reason: LossReason | None) -> None:
        if reason is not None:
            self._want_reason = reason.id  # the new or renamed reason stays highlighted
            self.reload()
        else:
            self._want_reason = None

    def action_toggle_retired(self) -> None:
        pipeline, reason = self.pipeline, self.reason
        if pipeline is None or reason is None:
            return
        self._want_reason = reason.id
        self._retire(pipeline.id, reason.id, reason.retired_at is None)

    @work(thread=True, group="reasons-write")
    def _retire(self, pipeline_id: int, reason_id: int, retire: bool) -> None:
        service = self.services.loss_reasons
        try:
            if retire:
                service.retire(pipeline_id, reason_id)
            else:
                service.restore(pipeline_id, reason_id)
        except FunnelError as err:
            call_back(self, tell, self, str(err), "warning")
            return
        call_back(self, self.reload)


def _reason_option(reason: LossReason) -> Option:
    """A reason's line: its name as plain text; a retired one dimmed, marked."""
    if reason.retired_at is None:
        return Option(safe_text(reason.name), id=str(reason.id))
    line = safe_text(reason.name, "dim")
    line.append_text(Text(" " + _("(retired)"), style="dim italic"))
    return Option(line, id=str(reason.id))
