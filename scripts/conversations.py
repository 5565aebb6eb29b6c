"""Real transcripts of the running assistant, one conversation per way people talk.

    python scripts/conversations.py                      # writes docs/conversations.md
    python scripts/conversations.py --say "bonjour" --say "cariste à Lens"   # one ad hoc conversation

Starts the action server and the Rasa server (the trained model, the demo catalog in a temporary
SQLite file, BOT_TODAY fixed so that the demo sessions are upcoming), talks over the REST channel
and writes what each side said. Nothing here is written by hand: rerun it after a change.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import ROOT
from scripts.benchlib import DEMO_TODAY, import_demo_catalog
from serve.servers import Servers, free_port

TODAY = DEMO_TODAY
OUTPUT = ROOT / "docs" / "conversations.md"

# (style, what the person types, in order). Each list is one conversation.
STYLES: list[tuple[str, list[str]]] = [
    (
        "Tout dans un long message",
        [
            "Bonjour, alors voilà, je suis au chômage depuis six mois, j'habite Dunkerque et j'aimerais devenir "
            "pilote de ligne de production de batteries. Je peux me déplacer à 25 km maximum, j'ai le bac. "
            "Vous avez des formations ?"
        ],
    ),
    ("Une correction après les résultats", ["cariste à lens", "ah non pardon, je me suis trompé, j'habite à béthune"]),
    ("Une réponse dans le désordre", ["je cherche une formation", "je suis demandeuse d'emploi", "j'habite à Liévin"]),
    (
        "Des boutons tapés à la main",
        [
            "je voudrais devenir technicien de maintenance des batteries",
            "demandeur ou demandeuse d'emploi",
            "Lens",
            "peu importe",
            "bac+2",
        ],
    ),
    ("Un homonyme de la région", ["DE bac St Omer N1101", "Saint-Omer (Calvados)", "en fait 50 km"]),
    ("Sans accents, en abrégé", ["jsui o chomage jhabite 62300 jveu etre cariste", "30km", "g pa de diplome"]),
    (
        "Je ne sais pas quel métier",
        ["je cherche une formation", "au chomage a arras", "je sais pas", "La logistique et les engins"],
    ),
    ("Une personne en reconversion", ["je suis soudeur et je veux changer de métier", "j'habite à Douai"]),
    (
        "Un collégien",
        ["je suis en 3ème et je veux devenir pilote de ligne", "Voir les formations près de chez moi", "Lens"],
    ),
    (
        "Avec des critères",
        ["je cherche une formation de pilote de ligne à Lens à partir de septembre", "peu importe la date"],
    ),
    (
        "Des questions de tous les jours",
        [
            "je suis une femme, est-ce que je peux travailler dans une usine de batteries ?",
            "est-ce que c'est dangereux de travailler avec des batteries ?",
        ],
    ),
]


def start(folder: Path) -> Servers:
    env = {"BOT_DATABASE_URL": f"sqlite:///{folder / 'catalog.sqlite3'}", "BOT_TODAY": TODAY}
    import_demo_catalog(env)
    return Servers(
        rasa_port=free_port(),
        actions_port=free_port(),
        web_port=free_port(),
        env=env,
        log_dir=folder / "logs",
        with_web=False,
    ).start()


def talk(client: httpx.Client, lines: list[str]) -> list[tuple[str, list[dict]]]:
    sender = str(uuid.uuid4())
    exchanges = []
    for line in lines:
        reply = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": line})
        reply.raise_for_status()
        exchanges.append((line, reply.json()))
    return exchanges


def markdown(style: str, exchanges: list[tuple[str, list[dict]]]) -> str:
    out = [f"## {style}", ""]
    for said, answers in exchanges:
        out += [f"> **Personne** : {said}", ">"]
        for answer in answers:
            if answer.get("text"):
                out += [
                    f"> **Assistant** : {line}" if n == 0 else f"> {line}"
                    for n, line in enumerate(answer["text"].split("\n"))
                ]
            if answer.get("buttons"):
                out.append("> *Boutons* : " + " · ".join(f"[{b['title']}]" for b in answer["buttons"]))
            custom = answer.get("custom") or {}
            if custom.get("type") == "sessions":
                where = f"{custom['metier']['rome']}, {custom['commune']['nom']}, {custom['rayon_km']:g} km"
                out.append(f"> *Cartes* : {len(custom['sessions'])} session(s) ({where})")
            elif custom.get("type") == "parcours":
                out.append(f"> *Parcours* : {len(custom['etapes'])} étape(s)")
            out.append(">")
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--say", action="append", help="one message of an ad hoc conversation (repeatable)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        servers = start(Path(folder))
        try:
            with httpx.Client(base_url=servers.rasa_url, timeout=60) as client:
                if args.say:
                    print(markdown("Conversation", talk(client, args.say)))
                    return 0
                parts = [
                    "# Conversations réelles",
                    "",
                    "Écrites par `python scripts/conversations.py` à partir de l'assistant en marche (modèle entraîné, "
                    f"catalogue de démonstration, date du jour {TODAY}) : une conversation par façon de parler. "
                    "Rien n'est écrit à la main : relancez le script après un changement.",
                    "",
                ]
                parts += [markdown(style, talk(client, lines)) for style, lines in STYLES]
                OUTPUT.write_text("\n".join(parts), encoding="utf-8")
                print(f"écrit : {OUTPUT.relative_to(ROOT)}")
        finally:
            servers.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
