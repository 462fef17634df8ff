"""What blocks a change of a cycle's state: one list, whoever asks (page, OIV, command).

Each app that owns something a state change must wait for registers a *provider* here
(in its AppConfig.ready): open monitoring campaigns and values missing or not validated
(monitoring), open OIV checks (oiv), Relazione texts not written (reports). The plans
layer knows none of them: it only collects what they answer, so the layers stay one-way.

`blockers(cycle, target)` is the one function every caller uses; `states.transition`
refuses a blocked change unless the caller overrides it with a written reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from traguardo.plans.models import Cycle


@dataclass(frozen=True)
class Blocker:
    """Something that should be done before the change: a sentence, how many, where."""

    message: str
    count: int = 1
    url: str = ""


Provider = Callable[[Cycle, str], list[Blocker]]
NoticeProvider = Callable[[Cycle], list[Blocker]]

_providers: dict[str, Provider] = {}
_notices: dict[str, NoticeProvider] = {}


def register(name: str, provider: Provider) -> None:
    """Add (or replace, by name: ready() may run more than once) a provider."""
    _providers[name] = provider


def blockers(cycle: Cycle, target: str) -> list[Blocker]:
    """Everything that blocks moving `cycle` to `target`, in the providers' order."""
    found: list[Blocker] = []
    for provider in _providers.values():
        found.extend(provider(cycle, target))
    return found


def register_notice(name: str, provider: NoticeProvider) -> None:
    """Something the office must read on the state page (the OIV's "non validata")."""
    _notices[name] = provider


def notices(cycle: Cycle) -> list[Blocker]:
    found: list[Blocker] = []
    for provider in _notices.values():
        found.extend(provider(cycle))
    return found


def as_text(found: list[Blocker]) -> str:
    """The blockers as lines, for a command's output or an error message."""
    return "\n".join(f"- {b.message}" for b in found)
