"""The footer pages' texts: the model text of each page, and how a text becomes HTML.

The model texts are documents of an Italian administration, written in Italian whatever
the interface language (as the Relazione is): content the office edits, not interface.
The accessibility statement follows the headings of AgID's model (Linee guida
sull'accessibilità degli strumenti informatici, allegato 1); the statement itself is
compiled on AgID's form.agid.gov.it, and this page carries its text and its link.

A text is plain: "## " starts a heading, a blank line ends a paragraph, "- " starts a
list item. Everything is escaped; no HTML is ever stored or rendered from a text.
"""

from __future__ import annotations

from dataclasses import dataclass

from traguardo.organisation.models import Entity
from traguardo.web.models import SitePageKind

_ACCESSIBILITY = """\
{name} si impegna a rendere il proprio sito web accessibile, conformemente al decreto \
legislativo 10 agosto 2004, n. 4 e alla direttiva (UE) 2016/2102. La presente \
dichiarazione di accessibilità si applica a {site}.

## Stato di conformità
Questo sito web è [conforme / parzialmente conforme / non conforme] ai requisiti previsti \
dall'allegato A alla norma UNI CEI EN 301549, in applicazione delle Linee guida AgID \
sull'accessibilità degli strumenti informatici.

## Contenuti non accessibili
I contenuti di seguito elencati non sono accessibili per i seguenti motivi:
- inosservanza della legge 4/2004: [descrivere i contenuti e i requisiti non rispettati];
- onere sproporzionato: [indicare i contenuti per i quali si invoca la deroga];
- contenuti non rientranti nell'ambito della legislazione applicabile: [indicarli].

## Redazione della dichiarazione di accessibilità
La presente dichiarazione è stata redatta il [data] tramite [autovalutazione / \
valutazione di una terza parte] ed è stata riesaminata l'ultima volta il [data].

## Meccanismo di feedback e recapiti
Per segnalare casi di mancata conformità o chiedere informazioni e contenuti esclusi \
dall'ambito di applicazione della direttiva scrivere a [indirizzo di posta elettronica \
del responsabile per l'accessibilità].

## Procedura di attuazione
In caso di risposta insoddisfacente o di mancata risposta, nel termine di trenta giorni, \
alla notifica o alla richiesta, l'interessato può inoltrare una segnalazione ad AgID \
tramite il modulo pubblicato su form.agid.gov.it.

## Informazioni sul sito
Il sito è realizzato con Traguardo, software libero per il ciclo della performance, \
costruito sul kit Bootstrap Italia di Designers Italia. Data di pubblicazione: [data].

## Informazioni sulla struttura
Responsabile per l'accessibilità: [nome e recapiti]. Numero di dipendenti con disabilità: \
[numero]. Numero di postazioni di lavoro per dipendenti con disabilità: [numero].
"""

_PRIVACY = """\
Informativa ai sensi degli articoli 13 e 14 del Regolamento (UE) 2016/679 (GDPR) sul \
trattamento dei dati personali nel sistema di gestione del ciclo della performance.

## Titolare del trattamento
{name}. Recapiti: [indirizzo, PEC].

## Responsabile della protezione dei dati
[Nome e recapiti del responsabile della protezione dei dati (RPD/DPO)].

## Finalità e base giuridica
I dati sono trattati per la gestione del ciclo della performance previsto dal decreto \
legislativo 27 ottobre 2009, n. 150 (piano, monitoraggio, misurazione e valutazione, \
relazione sulla performance), in esecuzione di compiti di interesse pubblico.

## Dati trattati
Dati identificativi e di contatto del personale, ruoli, obiettivi assegnati, valutazioni \
individuali e premi. Le pagine pubbliche non mostrano dati personali.

## Conservazione
[Periodo di conservazione dei dati].

## Diritti degli interessati
Gli interessati possono chiedere l'accesso ai dati, la rettifica, la limitazione del \
trattamento o opporsi, e proporre reclamo al Garante per la protezione dei dati personali.

## Cookie
Il sito usa soltanto cookie tecnici, necessari per l'accesso dell'area riservata e per la \
scelta della lingua; non usa cookie di profilazione né strumenti di terze parti.
"""

_LEGAL = """\
## Titolarità del sito
Il sito è gestito da {name}.

## Contenuti
I contenuti pubblicati (piano, risultati e relazione sulla performance) sono dati di tipo \
aperto ai sensi del decreto legislativo 14 marzo 2013, n. 33, riutilizzabili citando la \
fonte, salvo diversa indicazione.

## Software
Traguardo è software libero distribuito con licenza EUPL-1.2.
"""

_CONTACTS = """\
## {name}
Indirizzo: [indirizzo della sede].
PEC: [indirizzo di posta elettronica certificata].

## Ufficio performance
[Ufficio o struttura tecnica permanente, telefono e indirizzo di posta elettronica].
"""

_DEFAULTS = {
    SitePageKind.ACCESSIBILITY: _ACCESSIBILITY,
    SitePageKind.PRIVACY: _PRIVACY,
    SitePageKind.LEGAL: _LEGAL,
    SitePageKind.CONTACTS: _CONTACTS,
}


def default_text(kind: SitePageKind, entity: Entity) -> str:
    """The model text of `kind`, with the administration's name (and site) filled in."""
    site = entity.website or "questo sito"
    return _DEFAULTS[kind].format(name=entity.name, site=site)


@dataclass(frozen=True)
class Block:
    kind: str  # "h2", "p" or "ul"
    lines: tuple[str, ...]


def blocks(text: str) -> list[Block]:
    """The text's headings, paragraphs and lists, in order (the template escapes them)."""
    out: list[Block] = []
    current: list[str] = []
    current_kind = "p"

    def flush() -> None:
        nonlocal current
        if current:
            out.append(Block(current_kind, tuple(current)))
        current = []

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            out.append(Block("h2", (line[3:].strip(),)))
        elif line.startswith("- "):
            if current_kind != "ul":
                flush()
                current_kind = "ul"
            current.append(line[2:].strip())
        else:
            if current_kind != "p":
                flush()
                current_kind = "p"
            current.append(line)
    flush()
    return out
