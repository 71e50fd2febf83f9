"""Option values that need no conversion pass through without typer's pydantic machinery.

typer (0.2x) converts every option value through a pydantic ``TypeAdapter`` it builds on first
use, even a default or a plain string for a ``str`` option: importing pydantic and building the
adapters was a fifth of a short command's start-up. Here the values whose conversion is the
identity (a ``str`` for a ``str`` option, a default already of the option's type, a path) are
returned as they are; any other value goes to typer's own conversion, unchanged. With a typer
without this machinery (older versions on top of click), nothing is changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

try:  # typer's private runtime-coercion layer (typer >= 0.2x)
    from typer._coercion import RuntimeParam, build_runtime_param
    from typer._param_types import coerce_cli_path
except ImportError:  # pragma: no cover - older typer: click converts, nothing to do
    RuntimeParam = None


def quick_coercion(params: list[Any]) -> None:
    """Give each typer parameter of ``params`` the pass-through conversion (see the module docstring)."""
    if RuntimeParam is None:
        return
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", 0) is not None:
            continue  # not a typer parameter, or its conversion is already built
        if descriptor.file_annotation is None and descriptor.parameter_info.parser is None:
            param._runtime_param = _PassThrough(annotation=descriptor.annotation,
                                                parameter_info=descriptor.parameter_info)


if RuntimeParam is not None:
    @dataclass(frozen=True)
    class _PassThrough(RuntimeParam):
        """The identity where typer's conversion would be one; typer's own conversion otherwise."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            quick = _identity(self.annotation, self.parameter_info, value)
            if quick is not _NO:
                return quick
            if _is_path(self.annotation) and isinstance(value, str) and value:
                path_type = self.parameter_info.path_type or self.annotation
                # typer turns the text into a path with pydantic, then checks it here
                return coerce_cli_path(path_type(value), self.parameter_info, path_type=path_type, param=param,
                                       ctx=ctx)
            typer_own = param._runtime_param = build_runtime_param(param.type_descriptor)
            return typer_own._coerce_value(value, param=param, ctx=ctx)


_NO = object()


def _is_path(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, Path)


def _identity(annotation: Any, info: Any, value: Any) -> Any:
    """``value`` when typer's conversion would return it unchanged, else ``_NO``."""
    if annotation is str and type(value) is str:
        return value
    if annotation in (int, float) and type(value) is annotation and info.min is None and info.max is None:
        return value
    if isinstance(annotation, type) and issubclass(annotation, Enum) and isinstance(value, annotation):
        return value
    if get_origin(annotation) is list and get_args(annotation) == (str,) and isinstance(value, (list, tuple)) \
            and all(type(v) is str for v in value):
        return list(value)
    return _NO
