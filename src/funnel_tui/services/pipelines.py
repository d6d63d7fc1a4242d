"""Pipelines: create (from a template, a spec or empty), rename, archive, reorder; list and
find by name or id. Reshaping a pipeline is a lead's job once the team has a lead."""

from __future__ import annotations

import builtins

from funnel_tui.domain.errors import NotFoundError, ValidationError
from funnel_tui.domain.models import Pipeline, PipelineSpec
from funnel_tui.domain.pipeline_rules import check_name_free, check_pipeline_spec, clean_label
from funnel_tui.domain.templates import empty_spec, template_spec
from funnel_tui.i18n import _
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.ports import UnitOfWork
from funnel_tui.services.users import require_lead


class PipelineService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def create(self, spec: PipelineSpec, *, as_lead: bool = False) -> Pipeline:
        """A new pipeline, last in the board's order. `as_lead`: refused to a rep of a team
        (the settings screen; `funnel pipeline add` and imports set a pipeline up as before)."""
        check_pipeline_spec(spec)
        with self._context.store.write() as uow:
            if as_lead:
                require_lead(uow, self._context, "change pipelines")
            # Unique among the unarchived pipelines (an archived one may share a name).
            taken = (pipeline.name for pipeline in uow.pipelines.list())
            check_name_free("pipeline", spec.name, taken, "pipeline")
            pipeline = uow.pipelines.add(spec, self._context.clock())
            uow.commit()
        return pipeline

    def create_from_template(
        self, key: str, lang: str = "en", name: str | None = None, *, as_lead: bool = False
    ) -> Pipeline:
        return self.create(template_spec(key, lang, name), as_lead=as_lead)

    def create_empty(self, name: str, lang: str = "en") -> Pipeline:
        """A pipeline to shape by hand: one open stage, won, lost, the usual loss reasons."""
        return self.create(empty_spec(name, lang), as_lead=True)

    def rename(self, pipeline_id: int, name: str) -> Pipeline:
        """Rename; deals, history and plans follow the pipeline, not its name."""
        cleaned = clean_label("pipeline", name)
        with self._context.store.write() as uow:
            require_lead(uow, self._context, "change pipelines")
            pipeline = _pipeline(uow, pipeline_id)
            others = (p.name for p in uow.pipelines.list() if p.id != pipeline_id)
            check_name_free("pipeline", cleaned, others, "pipeline")
            renamed = uow.pipelines.update(
                pipeline_id, name=cleaned, archived_at=pipeline.archived_at
            )
            uow.commit()
        return renamed

    def archive(self, pipeline_id: int) -> Pipeline:
        """Take a pipeline off the board and the pickers. Its deals, history and plans stay
        (reports of the past still count them); `restore` brings it back."""
        with self._context.store.write() as uow:
            require_lead(uow, self._context, "change pipelines")
            pipeline = _pipeline(uow, pipeline_id)
            if pipeline.archived_at is not None:
                return pipeline
            if [p.id for p in uow.pipelines.list()] == [pipeline_id]:
                raise ValidationError(
                    "pipeline",
                    _(
                        "{pipeline} is the only pipeline left: add another before archiving it"
                    ).format(pipeline=repr(pipeline.name)),
                )
            archived = uow.pipelines.update(
                pipeline_id, name=pipeline.name, archived_at=self._context.clock()
            )
            uow.commit()
        return archived

    def restore(self, pipeline_id: int) -> Pipeline:
        """Bring an archived pipeline back (its name must not be taken meanwhile)."""
        with self._context.store.write() as uow:
            require_lead(uow, self._context, "change pipelines")
            pipeline = _pipeline(uow, pipeline_id)
            if pipeline.archived_at is None:
                return pipeline
            taken = (p.name for p in uow.pipelines.list())
            check_name_free("pipeline", pipeline.name, taken, "pipeline")
            restored = uow.pipelines.update(pipeline_id, name=pipeline.name, archived_at=None)
            uow.commit()
        return restored

    def move(self, pipeline_id: int, step: int) -> builtins.list[Pipeline]:
        """Move a pipeline `step` places later (earlier if negative) in the board's order,
        archived ones included (they keep their place for when they come back). The
        pipelines in their new order; unchanged at either end."""
        with self._context.store.write() as uow:
            require_lead(uow, self._context, "change pipelines")
            pipelines = uow.pipelines.list(include_archived=True)
            ids = [p.id for p in pipelines]
            if pipeline_id not in ids:
                raise NotFoundError(_("no pipeline #{pipeline}").format(pipeline=pipeline_id))
            index = ids.index(pipeline_id)
            target = max(0, min(len(ids) - 1, index + step))
            ids.insert(target, ids.pop(index))
            uow.pipelines.reorder(ids)
            reordered = uow.pipelines.list(include_archived=True)
            uow.commit()
        return reordered

    def first_or_default(self, lang: str) -> tuple[Pipeline, bool]:
        """The first pipeline; in a database without any, a new B2B one. True if created."""
        with self._context.store.write() as uow:
            pipelines = uow.pipelines.list()
            if pipelines:
                return pipelines[0], False
            spec = template_spec("b2b", lang)
            check_pipeline_spec(spec)
            pipeline = uow.pipelines.add(spec, self._context.clock())
            uow.commit()
        return pipeline, True

    def list(self, *, include_archived: bool = False) -> builtins.list[Pipeline]:
        with self._context.store.read() as uow:
            return uow.pipelines.list(include_archived=include_archived)

    def get(self, pipeline_id: int) -> Pipeline:
        """A pipeline by id, archived or not."""
        with self._context.store.read() as uow:
            return _pipeline(uow, pipeline_id)

    def find(self, name_or_id: str | None) -> Pipeline:
        """A pipeline by name (any case) or number; None means the first one."""
        with self._context.store.read() as uow:
            if name_or_id is None:
                pipelines = uow.pipelines.list()
                if not pipelines:
                    raise NotFoundError(
                        _("there are no pipelines yet (`funnel demo` creates sample ones)")
                    )
                return pipelines[0]
            found = uow.pipelines.by_name(name_or_id)
            if found is None and name_or_id.strip().isdigit():
                found = uow.pipelines.get(int(name_or_id))
            if found is None:
                names = ", ".join(p.name for p in uow.pipelines.list()) or _("none yet")
                raise NotFoundError(
                    _("no pipeline {name} (pipelines: {names})").format(
                        name=repr(name_or_id), names=names
                    )
                )
            return found


def _pipeline(uow: UnitOfWork, pipeline_id: int) -> Pipeline:
    pipeline = uow.pipelines.get(pipeline_id)
    if pipeline is None:
        raise NotFoundError(_("no pipeline #{pipeline}").format(pipeline=pipeline_id))
    return pipeline


def pipeline_to_change(uow: UnitOfWork, context: ServiceContext, pipeline_id: int) -> Pipeline:
    """The pipeline a settings change is about, once the actor is known to be allowed to
    change it (a lead, or anyone while the team has none)."""
    require_lead(uow, context, "change pipelines")
    return _pipeline(uow, pipeline_id)
