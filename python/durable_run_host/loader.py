"""Loads the user's agent file and builds its Flink Agents plan.

The file is imported under its own module name (``my_agent`` for ``my_agent.py``), as Flink
Agents would import it, so function ids (``my_agent.charge``) are the reference's. Actions are
found by the package's own plan (``AgentPlan.from_agent``), which reads the ``@action`` metadata.
"""

from __future__ import annotations

import importlib
import inspect
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any


class LoadError(Exception):
    """The agent cannot be loaded; ``kind``, ``file`` and ``line`` go to the worker as they are."""

    def __init__(
        self, kind: str, message: str, file: str | None = None, line: int | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.file = file
        self.line = line


@dataclass
class LoadedAgent:
    """An agent instance, its plan, and the module it came from."""

    name: str
    agent: Any
    plan: Any
    module: ModuleType


def _import(path: Path) -> ModuleType:
    folder = str(path.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    name = path.stem
    try:
        return importlib.import_module(name)
    except SyntaxError as error:
        where = f"{error.filename}:{error.lineno}"
        raise LoadError(
            "compile", f"{where}: {error.msg}", error.filename or str(path), error.lineno
        ) from None
    except Exception as error:  # noqa: BLE001 - any import-time failure is the agent's
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(path)]
        line = frames[-1].lineno if frames else None
        text = "".join(traceback.format_exception(error))
        raise LoadError(
            "agent", f"the agent {path} failed while loading:\n{text}", str(path), line
        ) from None


def _agent_classes(module: ModuleType, base: type) -> list[type]:
    return [
        value
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, base)
        and value is not base
        and value.__module__ == module.__name__
    ]


def load_agent(program: str, class_name: str | None) -> LoadedAgent:
    """The agent class of ``program`` (its only one, or ``class_name``), made and planned."""
    from flink_agents.api.agents.agent import Agent
    from flink_agents.plan.agent_plan import AgentPlan
    from flink_agents.plan.configuration import AgentConfiguration

    path = Path(program).resolve()
    if not path.is_file():
        raise LoadError(
            "agent", f'the agent file {path} does not exist; check "program"', str(path)
        )
    module = _import(path)
    classes = _agent_classes(module, Agent)
    found = ", ".join(c.__name__ for c in classes) or "none"
    if class_name is not None:
        chosen = [c for c in classes if c.__name__ == class_name]
        if not chosen:
            raise LoadError(
                "agent",
                f"{path} has no Agent subclass named {class_name} (found: {found}); "
                f'write "{path.name}:NAME" with one of those',
                str(path),
            )
    elif len(classes) != 1:
        what = "no Agent subclass" if not classes else f"{len(classes)} Agent subclasses ({found})"
        raise LoadError(
            "agent",
            f"{path} defines {what}; a Python agent file must define exactly one subclass of "
            f'flink_agents.api.agents.agent.Agent, or name one: "{path.name}:ClassName"',
            str(path),
        )
    else:
        chosen = classes
    cls = chosen[0]
    try:
        agent = cls()
        plan = AgentPlan.from_agent(agent, AgentConfiguration())
    except Exception as error:  # noqa: BLE001 - a bad action signature, a bad resource
        line = inspect.getsourcelines(cls)[1]
        raise LoadError(
            "agent", f"{path}: the agent {cls.__name__} is not valid: {error}", str(path), line
        ) from None
    return LoadedAgent(cls.__name__, agent, plan, module)
