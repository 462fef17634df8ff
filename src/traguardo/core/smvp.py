"""An SMVP written by a person (YAML, a form) read into :class:`~traguardo.core.model.Smvp`,
checked, and written back; and the presets an administration starts from.

The document is a mapping (docs/smvp.md describes every key)::

    nome: medie-semplici
    regola: smvp                 # default indicator rule and its parameters
    parametri: {}
    valore_mancante: zero        # zero | exclude
    non_misurabile: zero
    livelli:
      objective: {metodo: mean, decimali: 2, arrotondamento: half_up, arrotonda_prima: false}
      entity:    {metodo: mean, fonte: strategic, etichetta: "Performance organizzativa"}
      ...
    livelli_propri:              # levels the administration names itself
      - {chiave: valore_pubblico, etichetta: Valore pubblico, fonte: strategic,
         metodo: mean, gruppi: [{codice: VP1, etichetta: ..., membri: ["1", "2"]}]}
    premi: {tipo: bands, punti: [[60, 50], [90, 100]]}

Every problem is reported as :class:`SmvpError` naming the setting (``livelli.unit.metodo``)
and what is allowed there; nothing is guessed. Keys are Italian because the office writes
them; values are the stable slugs the code uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from traguardo.core.i18n import N_, _
from traguardo.core.levels import (
    PLAN_WEIGHTED,
    TVBL_LEVELS,
    WEIGHTED_METHODS,
    EntitySource,
    Group,
    Level,
    LevelKey,
    Method,
    Rounding,
    RoundingMode,
)
from traguardo.core.model import MissingPolicy, Smvp
from traguardo.core.payout import Payout, PayoutKind
from traguardo.core.rules import RULES, RuleConfigError, build_rule


class SmvpError(ValueError):
    """A setting that does not exist or does not fit, with where it is."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


_TOP_KEYS = frozenset(
    (
        "nome",
        "descrizione",
        "regola",
        "parametri",
        "valore_mancante",
        "non_misurabile",
        "livelli",
        "livelli_propri",
        "premi",
    )
)
_LEVEL_KEYS = frozenset(
    (
        "etichetta",
        "valutato",
        "metodo",
        "decimali",
        "arrotondamento",
        "arrotonda_prima",
        "pesi",
        "fattore",
        "fonte",
    )
)
_OWN_LEVEL_KEYS = _LEVEL_KEYS | {"chiave", "gruppi"}
MAX_PLACES = 6


def _choice(value: Any, allowed: type[Any], where: str) -> Any:
    try:
        return allowed(value)
    except ValueError:
        options = ", ".join(member.value for member in allowed)
        raise SmvpError(
            where,
            _("«{value}» non è ammesso; valori possibili: {options}").format(
                value=value, options=options
            ),
        ) from None


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise SmvpError(where, _("serve un numero, trovato «{value}»").format(value=value))
    try:
        number = (
            Decimal(str(value).replace(",", ".")) if isinstance(value, str) else Decimal(str(value))
        )
    except InvalidOperation:
        raise SmvpError(where, _("«{value}» non è un numero").format(value=value)) from None
    if not number.is_finite():
        raise SmvpError(where, _("«{value}» non è un numero finito").format(value=value))
    return number


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise SmvpError(where, _("serve sì/no (true/false), trovato «{value}»").format(value=value))
    return value


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SmvpError(where, _("serve un elenco di impostazioni chiave: valore"))
    return value


def _unknown(data: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    for key in data:
        if key not in allowed:
            raise SmvpError(
                f"{where}{key}",
                _("impostazione sconosciuta; ammesse: {keys}").format(
                    keys=", ".join(sorted(allowed))
                ),
            )


def _level(data: Mapping[str, Any], base: Level, where: str, *, own: bool = False) -> Level:
    _unknown(data, _OWN_LEVEL_KEYS if own else _LEVEL_KEYS, where + ".")
    method = _choice(data.get("metodo", base.method), Method, f"{where}.metodo")
    places = data.get("decimali", base.rounding.places)
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= MAX_PLACES:
        raise SmvpError(
            f"{where}.decimali",
            _("serve un numero intero di decimali da 0 a {max}").format(max=MAX_PLACES),
        )
    rounding = Rounding(
        places,
        _choice(
            data.get("arrotondamento", base.rounding.mode), RoundingMode, f"{where}.arrotondamento"
        ),
        _bool(data.get("arrotonda_prima", base.rounding.before_next), f"{where}.arrotonda_prima"),
    )
    weights_in = _mapping(data.get("pesi", dict(base.weights)), f"{where}.pesi")
    weights = {
        str(key): _decimal(value, f"{where}.pesi.{key}") for key, value in weights_in.items()
    }
    for key, weight in weights.items():
        if weight < 0:
            raise SmvpError(f"{where}.pesi.{key}", _("un peso non può essere negativo"))
    factor = _decimal(data.get("fattore", base.factor), f"{where}.fattore")
    if method is Method.FIXED_TOTAL and factor <= 0:
        raise SmvpError(f"{where}.fattore", _("il fattore del totale fisso deve essere positivo"))
    label = data.get("etichetta", base.label)
    if not isinstance(label, str) or not label.strip():
        raise SmvpError(f"{where}.etichetta", _("serve un nome non vuoto"))
    return Level(
        base.key,
        label.strip(),
        _bool(data.get("valutato", base.scored), f"{where}.valutato"),
        method,
        rounding,
        weights,
        factor,
        str(data.get("fonte", base.source) or ""),
        base.groups,
    )


def _check_level(level: Level, where: str, has_blocks: bool | None) -> None:
    """What a method needs at this level; `has_blocks` None: not known yet (no plan)."""
    if level.key == LevelKey.ENTITY:
        source = _choice(level.source or EntitySource.BLOCKS, EntitySource, f"{where}.fonte")
        if source is EntitySource.BLOCKS and has_blocks is False:
            raise SmvpError(
                f"{where}.fonte",
                _(
                    "«blocks» richiede la tabella della performance di ente (blocchi), "
                    "che il piano non ha"
                ),
            )
    if level.method in WEIGHTED_METHODS and level.key not in PLAN_WEIGHTED:
        weighted_by_plan = level.key == LevelKey.ENTITY and (level.source or "blocks") == "blocks"
        if not weighted_by_plan and not level.weights:
            raise SmvpError(
                f"{where}.pesi",
                _(
                    "il metodo «{method}» richiede i pesi, che a questo livello il piano non ha: "
                    "indicarli in «pesi» (codice: peso) o usare «mean», «minimum» o «fixed_total»"
                ).format(method=level.method.value),
            )


def parse_smvp(data: Any, *, has_blocks: bool | None = None) -> Smvp:
    """The SMVP `data` describes, on top of Treviso-Belluno's defaults for what it omits."""
    root = _mapping(data, "smvp")
    _unknown(root, _TOP_KEYS, "")
    rule = root.get("regola", "smvp")
    params = _mapping(root.get("parametri", {}), "parametri")
    if rule not in RULES:
        raise SmvpError(
            "regola",
            _("regola «{rule}» sconosciuta; regole disponibili: {rules}").format(
                rule=rule, rules=", ".join(sorted(RULES))
            ),
        )
    try:
        build_rule(rule, params)
    except RuleConfigError as exc:
        raise SmvpError("parametri", str(exc)) from None
    levels_in = _mapping(root.get("livelli", {}), "livelli")
    known = {level.key: level for level in TVBL_LEVELS}
    for key in levels_in:
        if key not in known:
            raise SmvpError(
                f"livelli.{key}",
                _("livello sconosciuto; livelli: {keys}").format(keys=", ".join(known)),
            )
    levels = []
    for base in TVBL_LEVELS:
        where = f"livelli.{base.key}"
        level = _level(_mapping(levels_in.get(base.key, {}), where), base, where)
        _check_level(level, where, has_blocks)
        levels.append(level)
    own_in = root.get("livelli_propri", [])
    if not isinstance(own_in, list):
        raise SmvpError("livelli_propri", _("serve un elenco di livelli"))
    taken: set[str] = set(known)
    for index, raw_item in enumerate(own_in, start=1):
        where = f"livelli_propri[{index}]"
        item = _mapping(raw_item, where)
        own_key = item.get("chiave")
        if not isinstance(own_key, str) or not own_key.strip() or own_key in taken:
            raise SmvpError(f"{where}.chiave", _("serve una chiave nuova e non vuota"))
        taken.add(own_key)
        source = _choice(item.get("fonte"), LevelKey, f"{where}.fonte")
        groups = []
        groups_in = item.get("gruppi", [])
        if not isinstance(groups_in, list) or not groups_in:
            raise SmvpError(f"{where}.gruppi", _("serve almeno un gruppo"))
        for g_index, group in enumerate(groups_in, start=1):
            g_where = f"{where}.gruppi[{g_index}]"
            group = _mapping(group, g_where)
            members = group.get("membri", [])
            if not isinstance(members, list) or not members:
                raise SmvpError(f"{g_where}.membri", _("serve almeno un membro"))
            groups.append(
                Group(
                    str(group.get("codice", g_index)),
                    str(group.get("etichetta", "")),
                    tuple(str(m) for m in members),
                )
            )
        base = Level(own_key, str(item.get("etichetta", own_key)), source=source.value)
        level = _level(
            {k: v for k, v in item.items() if k not in ("chiave", "gruppi", "fonte")},
            base,
            where,
            own=True,
        )
        level = Level(
            level.key,
            level.label,
            level.scored,
            level.method,
            level.rounding,
            level.weights,
            level.factor,
            source.value,
            tuple(groups),
        )
        _check_level(level, where, has_blocks)
        levels.append(level)
    return Smvp(
        rule,
        dict(params),
        _choice(root.get("valore_mancante", "zero"), MissingPolicy, "valore_mancante"),
        _choice(root.get("non_misurabile", "zero"), MissingPolicy, "non_misurabile"),
        tuple(levels),
        _payout(root.get("premi", {})),
        str(root.get("nome", "")),
    )


def _payout(data: Any) -> Payout:
    data = _mapping(data, "premi")
    _unknown(data, frozenset(("tipo", "punti")), "premi.")
    kind = _choice(data.get("tipo", "proportional"), PayoutKind, "premi.tipo")
    raw = data.get("punti", [])
    if not isinstance(raw, list):
        raise SmvpError("premi.punti", _("serve un elenco di coppie [risultato %, punti]"))
    points = []
    for index, pair in enumerate(raw, start=1):
        where = f"premi.punti[{index}]"
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise SmvpError(where, _("serve una coppia [risultato %, punti]"))
        points.append((_decimal(pair[0], where), _decimal(pair[1], where)))
    points.sort()
    if len({a for a, _p in points}) != len(points):
        raise SmvpError("premi.punti", _("due coppie con lo stesso risultato"))
    if kind is not PayoutKind.PROPORTIONAL and not points:
        raise SmvpError(
            "premi.punti", _("il tipo «{kind}» richiede i punti").format(kind=kind.value)
        )
    return Payout(kind, tuple(points))


def smvp_to_dict(smvp: Smvp) -> dict[str, Any]:
    """The document :func:`parse_smvp` reads back into the same Smvp (round trip)."""
    defaults = {level.key: level for level in TVBL_LEVELS}
    levels: dict[str, Any] = {}
    own: list[dict[str, Any]] = []
    for level in smvp.levels:
        entry: dict[str, Any] = {
            "etichetta": level.label,
            "valutato": level.scored,
            "metodo": level.method.value,
            "decimali": level.rounding.places,
            "arrotondamento": level.rounding.mode.value,
            "arrotonda_prima": level.rounding.before_next,
        }
        if level.weights:
            entry["pesi"] = {k: _plain(v) for k, v in level.weights.items()}
        if level.method is Method.FIXED_TOTAL or level.factor != 1:
            entry["fattore"] = _plain(level.factor)
        # Plain strings, not the enums: yaml.safe_dump and JSON write them as they are.
        if level.key in defaults:
            if level.source:
                entry["fonte"] = str(level.source)
            levels[str(level.key)] = entry
        else:
            own.append(
                {
                    "chiave": str(level.key),
                    **entry,
                    "fonte": str(level.source),
                    "gruppi": [
                        {"codice": g.code, "etichetta": g.label, "membri": list(g.members)}
                        for g in level.groups
                    ],
                }
            )
    document: dict[str, Any] = {
        "nome": smvp.name,
        "regola": smvp.rule,
        "parametri": _plain_tree(dict(smvp.params)),
        "valore_mancante": smvp.missing_value.value,
        "non_misurabile": smvp.not_measurable.value,
        "livelli": levels,
    }
    if own:
        document["livelli_propri"] = own
    document["premi"] = {
        "tipo": smvp.payout.kind.value,
        "punti": [[_plain(a), _plain(p)] for a, p in smvp.payout.points],
    }
    return document


def _plain(value: Decimal) -> int | float | str:
    """A Decimal as YAML writes it plainly: an int when whole, else its exact string."""
    if value == value.to_integral_value():
        return int(value)
    return format(value.normalize(), "f")


def _plain_tree(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_tree(v) for v in value]
    if isinstance(value, Decimal):
        return _plain(value)
    return value


# --- Presets ------------------------------------------------------------------------------
PRESET_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "treviso-belluno-2019": N_(
            "Camera di Commercio di Treviso-Belluno 2019: obiettivi media ponderata degli "
            "indicatori, settori e aree media semplice, ente Σ A × B sui blocchi dell'Allegato B"
        ),
        "medie-semplici": N_(
            "Medie semplici a ogni livello, senza pesi: obiettivi, settori, obiettivi annuali e "
            "strategici, ente media degli obiettivi strategici"
        ),
        "medie-ponderate": N_(
            "Medie ponderate dove il piano dà i pesi (indicatori negli obiettivi e nei blocchi, "
            "blocchi nell'ente), medie semplici altrove; ogni risultato arrotondato a 1 decimale "
            "prima del livello successivo"
        ),
        "fasce": N_(
            "Indicatori a fasce di raggiungimento (sotto 60% zero, 60-89% metà, da 90% pieno), "
            "medie semplici, premi a fasce"
        ),
    }
)

PRESETS: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        "treviso-belluno-2019": {"nome": "treviso-belluno-2019"},
        "medie-semplici": {
            "nome": "medie-semplici",
            "livelli": {
                "objective": {"metodo": "mean"},
                "annual": {"valutato": True, "metodo": "mean"},
                "strategic": {"valutato": True, "metodo": "mean"},
                "block": {"valutato": False},
                "entity": {
                    "metodo": "mean",
                    "fonte": "strategic",
                    "etichetta": "Performance organizzativa dell'ente",
                },
            },
        },
        "medie-ponderate": {
            "nome": "medie-ponderate",
            "livelli": {
                **{
                    key: {"metodo": "weighted_mean", "decimali": 1, "arrotonda_prima": True}
                    for key in ("objective", "block")
                },
                **{
                    key: {"metodo": "mean", "decimali": 1, "arrotonda_prima": True}
                    for key in ("unit", "area", "card")
                },
                "indicator": {"decimali": 1, "arrotonda_prima": True},
                "annual": {
                    "valutato": True,
                    "metodo": "mean",
                    "decimali": 1,
                    "arrotonda_prima": True,
                },
                "strategic": {
                    "valutato": True,
                    "metodo": "mean",
                    "decimali": 1,
                    "arrotonda_prima": True,
                },
                "entity": {"metodo": "weighted_mean", "fonte": "blocks", "decimali": 1},
            },
        },
        "fasce": {
            "nome": "fasce",
            "regola": "smvp",
            "parametri": {"fasce": [[60, 50], [90, 100]]},
            "livelli": {
                "objective": {"metodo": "mean"},
                "annual": {"valutato": True, "metodo": "mean"},
                "strategic": {"valutato": True, "metodo": "mean"},
                "block": {"valutato": False},
                "entity": {"metodo": "mean", "fonte": "strategic"},
            },
            "premi": {"tipo": "bands", "punti": [[60, 60], [80, 80], [95, 100]]},
        },
    }
)


def preset(name: str) -> Smvp:
    if name not in PRESETS:
        raise SmvpError(
            "preset",
            _("«{name}» non è un preset; preset disponibili: {names}").format(
                name=name, names=", ".join(PRESETS)
            ),
        )
    return parse_smvp(PRESETS[name])
