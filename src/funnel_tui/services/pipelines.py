"""Pipelines: create from templates or specs, list, find by name or id."""

from __future__ import annotations

import builtins

from funnel_tui.domain.errors import NotFoundError
from funnel_tui.domain.models import Pipeline, PipelineSpec
from funnel_tui.domain.pipeline_rules import check_name_free, check_pipeline_spec
from funnel_tui.domain.templates import template_spec
from funnel_tui.i18n import _
from funnel_tui.services.context import ServiceContext


class PipelineService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def create(self, spec: PipelineSpec) -> Pipeline:
        check_pipeline_spec(spec)
        with self._context.store.write() as uow:
            # Unique among the unarchived pipelines (an archived one may share a name).
            taken = (pipeline.name for pipeline in uow.pipelines.list())
            check_name_free("pipeline", spec.name, taken, "pipeline")
            pipeline = uow.pipelines.add(spec, self._context.clock())
            uow.commit()
        return pipeline

    def create_from_template(self, key: str, lang: str = "en", name: str | None = None) -> Pipeline:
        return self.create(template_spec(key, lang, name))

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

    def list(self) -> builtins.list[Pipeline]:
        with self._context.store.read() as uow:
            return uow.pipelines.list()

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
