"""`funnel pipeline`: list the pipelines with their stages, and add one from a template."""

from __future__ import annotations

import json
import sys

import click
from rich.text import Text

from funnel_tui.cli.base import FORMAT, open_services_for, say, shown_kind
from funnel_tui.domain.models import Pipeline, Stage
from funnel_tui.domain.templates import LANGUAGES, TEMPLATES
from funnel_tui.i18n import _, ngettext
from funnel_tui.render.safe import fill, safe_json, safe_text


@click.group(name="pipeline")
def pipeline() -> None:
    """Pipelines and their stages."""


@pipeline.command(name="list")
@FORMAT
@click.pass_context
def list_(ctx: click.Context, fmt: str) -> None:
    """Pipelines in board order, each with its stages."""
    with open_services_for(ctx) as services:
        pipelines = services.pipelines.list()
    if fmt == "json":
        # Control characters come out \u-escaped: JSON is safe to print as it is.
        document = [_pipeline_json(p) for p in pipelines]
        sys.stdout.write(safe_json(json.dumps(document, ensure_ascii=False, indent=2)) + "\n")
        return
    if not pipelines:
        say(_("No pipelines yet: `funnel pipeline add --template b2b` adds one."))
    for shown in pipelines:
        say(Text(f"#{shown.id} ", style="dim"), safe_text(shown.name, "bold"))
        for stage in shown.stages:
            say("  ", _stage_line(stage))


@pipeline.command(name="add")
@click.argument("name", required=False)
@click.option(
    "--template",
    type=click.Choice(sorted(TEMPLATES)),
    required=True,
    help="Stages to start from; 'refusals' holds conditional refusals until a revival date.",
)
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True)
@click.pass_context
def add(ctx: click.Context, name: str | None, template: str, lang: str) -> None:
    """Add a pipeline made from a built-in template (NAME: the template's own by default)."""
    with open_services_for(ctx, create=True) as services:
        added = services.pipelines.create_from_template(template, lang, name)
    say(
        fill(
            _("Added pipeline #{number} {name}:"),
            number=added.id,
            name=safe_text(added.name, "bold"),
        )
    )
    for stage in added.stages:
        say("  ", _stage_line(stage))


def _stage_line(stage: Stage) -> Text:
    line = safe_text(stage.name)
    notes = [shown_kind(stage.kind.value)]
    if stage.is_open:
        notes.append(_("{percent} %").format(percent=stage.probability))
        if stage.is_key:
            notes.append(_("key stage"))
        if stage.on_hold:
            notes.append(_("holds deals until their revival date"))
        elif stage.rot_days:
            notes.append(
                ngettext("rots after {n} d", "rots after {n} d", stage.rot_days).format(
                    n=stage.rot_days
                )
            )
    line.append(f"  ({', '.join(notes)})", style="dim")
    return line


def _pipeline_json(shown: Pipeline) -> dict[str, object]:
    return {
        "id": shown.id,
        "name": shown.name,
        "stages": [
            {
                "id": stage.id,
                "name": stage.name,
                "kind": stage.kind.value,
                "probability": stage.probability,
                "key": stage.is_key,
                "rot_days": stage.rot_days,
                "on_hold": stage.on_hold,
            }
            for stage in shown.stages
        ],
    }
