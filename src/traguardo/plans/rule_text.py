"""An indicator's own scoring rule and its parameters, written the way a person writes them.

The plan template's "Regola" / "Parametri" columns and the plan editor's fields use one
form (docs/import-export.md, "Regola e parametri"):

- the rule is its slug (``higher_is_better``, ``bands``…, :data:`traguardo.core.rules.RULES`);
  empty means the SMVP's default rule;
- the parameters are ``name=value`` pairs separated by ``;``: ``tetto=120; soglia=60``,
  ``fasce=60:50, 90:100; interpola=sì``. Names may be written in Italian (as the template
  writes them) or as the core names them (``cap=120``); numbers the Italian way
  (``33,5``); bands as ``threshold:score`` pairs separated by a comma and a space. A
  YAML/JSON mapping (``{cap: 120}``) is accepted too.

The parameters are stored as the core reads them (``Indicator.rule_params``: core names,
numbers as JSON integers or dot-decimal strings) and checked by building the rule
(:func:`traguardo.core.rules.build_rule`), so what is accepted here scores.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import yaml
from django.utils.translation import gettext as _

from traguardo.core.numbers import NumberFormatError, format_exact, parse_number
from traguardo.core.rules import RULES, RuleConfigError, build_rule


class RuleTextError(ValueError):
    """A rule or parameters that cannot be read or do not fit the rule."""


# Italian names of the parameters (core name -> Italian name). "fasce" is the Italian of
# both the bands rule's ``bands`` and the SMVP rule's own ``fasce``.
ITALIAN = {
    "cap": "tetto",
    "floor": "soglia",
    "tolerance": "tolleranza",
    "above": "oltre",
    "bands": "fasce",
    "fasce": "fasce",
    "interpolate": "interpola",
    "equal_means": "uguale",
    "range_above": "oltre_intervallo",
}
NUMBERS = frozenset(("cap", "floor", "tolerance"))
BANDS = frozenset(("bands", "fasce"))
FLAGS = frozenset(("interpolate",))
# Choice parameters: core value -> Italian word.
CHOICES = {
    "above": {"full": "pieno", "proportional": "proporzionale"},
    "range_above": {"full": "pieno", "proportional": "proporzionale"},
    "equal_means": {"at_least": "almeno", "exact": "esatto"},
}
YES = frozenset(("si", "sì", "yes", "true", "vero", "1"))
NO = frozenset(("no", "false", "falso", "0"))


def rule_choices() -> list[tuple[str, str]]:
    """(slug, Italian label) of every registered rule but the SMVP's own, by label."""
    out = [(slug, _(factory.label)) for slug, factory in RULES.items()]  # type: ignore[attr-defined]
    return sorted(out, key=lambda pair: pair[1].lower())


def rule_label(slug: str) -> str:
    factory = RULES.get(slug)
    return _(factory.label) if factory is not None else slug  # type: ignore[attr-defined]


def allowed_rules() -> str:
    """The registered rules as a message lists them: ``bands (Fasce di punteggio), …``."""
    return ", ".join(f"{slug} ({label})" for slug, label in rule_choices())


def parameter_names(slug: str) -> list[str]:
    """The core names of the parameters a rule takes (its constructor's arguments)."""
    factory = RULES.get(slug)
    if factory is None:
        return []
    return [name for name in inspect.signature(factory).parameters if name != "self"]


def read_rule(text: str) -> str:
    """A rule cell: empty (the SMVP's default), a slug, or a rule's label."""
    cleaned = text.strip()
    if not cleaned:
        return ""
    if cleaned in RULES:
        return cleaned
    wanted = cleaned.lower()
    for slug, label in rule_choices():
        if wanted in (slug.lower(), label.lower(), str(RULES[slug].label).lower()):  # type: ignore[attr-defined]
            return slug
    raise RuleTextError(
        _("regola «{rule}» sconosciuta: le regole ammesse sono {allowed}").format(
            rule=cleaned, allowed=allowed_rules()
        )
    )


def _core_name(slug: str, name: str) -> str:
    names = parameter_names(slug)
    wanted = name.strip().lower().replace(" ", "_")
    for core in names:
        if wanted in (core, ITALIAN.get(core, core)):
            return core
    shown = ", ".join(ITALIAN.get(n, n) for n in names) or _("nessuno")
    raise RuleTextError(
        _("parametro «{name}» sconosciuto per la regola «{rule}» (ammessi: {allowed})").format(
            name=name.strip(), rule=slug, allowed=shown
        )
    )


def _stored_number(value: Decimal) -> int | str:
    """A number as the JSON field keeps it: an integer, or a dot-decimal string."""
    if value == value.to_integral_value():
        return int(value)
    return format(value.normalize(), "f")


def _number(name: str, text: str) -> int | str:
    try:
        return _stored_number(parse_number(text))
    except NumberFormatError as exc:
        raise RuleTextError(
            _("parametro «{name}»: {problem}").format(name=name, problem=exc)
        ) from None


def _bands(name: str, text: str) -> list[list[int | str]]:
    pairs = [p for p in re.split(r",\s+|\s+", text.strip()) if p]
    out: list[list[int | str]] = []
    for pair in pairs:
        parts = pair.split(":")
        if len(parts) != 2:
            raise RuleTextError(
                _(
                    "parametro «{name}»: «{pair}» non è una fascia: scrivi soglia:punteggio, "
                    "le fasce separate da una virgola e uno spazio (ad es. 60:50, 90:100)"
                ).format(name=name, pair=pair)
            )
        out.append([_number(name, parts[0]), _number(name, parts[1])])
    if not out:
        raise RuleTextError(
            _("parametro «{name}»: serve almeno una fascia soglia:punteggio").format(name=name)
        )
    return out


def _value(slug: str, core: str, name: str, text: str) -> Any:
    cleaned = text.strip()
    if core in NUMBERS:
        return _number(name, cleaned)
    if core in BANDS:
        return _bands(name, cleaned)
    if core in FLAGS:
        if cleaned.lower() in YES:
            return True
        if cleaned.lower() in NO:
            return False
        raise RuleTextError(_("parametro «{name}»: atteso «sì» o «no»").format(name=name))
    if core in CHOICES:
        for value, word in CHOICES[core].items():
            if cleaned.lower() in (value, word):
                return value
        allowed = ", ".join(CHOICES[core].values())
        raise RuleTextError(
            _("parametro «{name}»: atteso uno tra {allowed}").format(name=name, allowed=allowed)
        )
    return cleaned


def _from_mapping(slug: str, data: Mapping[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, raw in data.items():
        core = _core_name(slug, str(key))
        if core in BANDS and isinstance(raw, list):
            text = ", ".join(
                ":".join(str(x) for x in pair) if isinstance(pair, list) else str(pair)
                for pair in raw
            )
        elif isinstance(raw, bool):
            text = "sì" if raw else "no"
        else:
            text = str(raw)
            if isinstance(raw, float):
                text = text.replace(".", ",")
        out[core] = _value(slug, core, str(key), text)
    return out


def parse_params(slug: str, text: str) -> dict[str, Any]:
    """The parameters of `slug` as written (``tetto=120; soglia=60``), in the core's names.

    Raises :class:`RuleTextError` naming the parameter; does not build the rule
    (:func:`check_rule` does)."""
    cleaned = text.strip()
    if not cleaned:
        return {}
    if cleaned.startswith("{"):
        try:
            data = yaml.safe_load(cleaned)
        except yaml.YAMLError:
            data = None
        if not isinstance(data, dict):
            raise RuleTextError(
                _("parametri «{text}»: la forma {{nome: valore}} non si legge").format(text=cleaned)
            )
        return _from_mapping(slug, data)
    out: dict[str, Any] = {}
    for part in cleaned.split(";"):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise RuleTextError(
                _(
                    "parametri: «{part}» non è nella forma nome=valore (ad es. tetto=120; "
                    "soglia=60)"
                ).format(part=part.strip())
            )
        core = _core_name(slug, name)
        if core in out:
            raise RuleTextError(_("parametro «{name}» ripetuto").format(name=name.strip()))
        out[core] = _value(slug, core, name.strip(), value)
    return out


def check_rule(
    slug: str, params: Mapping[str, Any], default_rule: str, default_params: Mapping[str, Any]
) -> None:
    """Build the rule the engine would build for an indicator (``RuleBook.for_indicator``):
    empty `slug` with parameters means the SMVP's default rule with them on top."""
    effective = slug or default_rule
    merged = {**default_params, **params} if effective == default_rule else dict(params)
    factory = RULES.get(effective)
    if factory is not None:
        for name, parameter in inspect.signature(factory).parameters.items():
            if parameter.default is inspect.Parameter.empty and name not in merged:
                raise RuleTextError(
                    _("la regola «{rule}» richiede il parametro «{name}»").format(
                        rule=effective, name=ITALIAN.get(name, name)
                    )
                )
    try:
        build_rule(effective, merged)
    except RuleConfigError as exc:
        raise RuleTextError(str(exc)) from None


def read(
    rule_text: str,
    params_text: str,
    default_rule: str = "smvp",
    default_params: Mapping[str, Any] | None = None,
) -> tuple[str, dict[str, Any]]:
    """Both cells read and checked together: (slug or "", parameters in core names)."""
    slug = read_rule(rule_text)
    params = parse_params(slug or default_rule, params_text)
    check_rule(slug, params, default_rule, default_params or {})
    return slug, params


def _shown_number(value: Any) -> str:
    try:
        return format_exact(value if isinstance(value, Decimal) else Decimal(str(value)))
    except ArithmeticError:
        return str(value)


def _shown(core: str, value: Any, italian: bool) -> str:
    if core in NUMBERS:
        return _shown_number(value)
    if core in BANDS and isinstance(value, (list, tuple)):
        return ", ".join(
            ":".join(_shown_number(x) for x in pair)
            if isinstance(pair, (list, tuple))
            else str(pair)
            for pair in value
        )
    if core in FLAGS:
        return ("sì" if value else "no") if italian else ("yes" if value else "no")
    if core in CHOICES and italian:
        return CHOICES[core].get(str(value), str(value))
    return str(value)


def format_params(params: Mapping[str, Any] | None, language: str = "it") -> str:
    """The stored parameters as the template writes them: ``tetto=120; soglia=60``
    (core names in English templates); :func:`parse_params` reads it back."""
    italian = language == "it"
    parts = []
    for core, value in (params or {}).items():
        name = ITALIAN.get(core, core) if italian else core
        parts.append(f"{name}={_shown(core, value, italian)}")
    return "; ".join(parts)


def describe(slug: str, params: Mapping[str, Any] | None) -> str:
    """The rule in words, for the indicator's page: "Fasce di punteggio: dal 60% del
    target vale 50, dal 90% vale 100"."""
    label = rule_label(slug) if slug else _("Regola predefinita dell'SMVP")
    words = []
    for core, value in (params or {}).items():
        shown = _shown(core, value, italian=True)
        if core == "cap":
            words.append(_("grado massimo {value}%").format(value=shown))
        elif core == "floor":
            words.append(_("sotto il {value}% del target vale 0").format(value=shown))
        elif core == "tolerance":
            words.append(_("tolleranza {value}").format(value=shown))
        elif core in ("above", "range_above"):
            words.append(
                _("oltre l'intervallo: pieno")
                if value == "full"
                else _("oltre l'intervallo: proporzionale")
            )
        elif core in BANDS and isinstance(value, (list, tuple)):
            bands = []
            for pair in value:
                if isinstance(pair, (list, tuple)) and len(pair) == 2:
                    bands.append(
                        _("dal {threshold}% vale {score}").format(
                            threshold=_shown_number(pair[0]), score=_shown_number(pair[1])
                        )
                    )
            words.append(_("fasce: {bands}").format(bands=", ".join(bands)))
        elif core == "interpolate":
            words.append(
                _("punteggio interpolato tra le fasce") if value else _("punteggio a gradini")
            )
        elif core == "equal_means":
            words.append(
                _("«= n» letto come «almeno n»")
                if value == "at_least"
                else _("«= n» letto come valore esatto")
            )
        else:
            words.append(f"{core} {value}")
    return f"{label}: {'; '.join(words)}" if words else label
