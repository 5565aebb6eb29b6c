"""Summarises `rasa test nlu` reports as Markdown: intent F1, entity F1 per entity, confusions.

    python scripts/nlu_report.py NAME=REPORT_DIR [NAME=REPORT_DIR …] [--ratio] [--markdown FILE]

Each REPORT_DIR holds the `intent_report.json` and the entity extractor's report
(`DIETClassifier_report.json`, `CRFEntityExtractor_report.json`) that
`rasa test nlu --out REPORT_DIR` writes (held-out set or cross-validation). With --ratio
and two reports, a last column gives the first figure divided by the second.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

SUMMARY_KEYS = {"accuracy", "macro avg", "weighted avg", "micro avg"}
TOP_CONFUSIONS = 8
ENTITY_REPORTS = ("DIETClassifier_report.json", "CRFEntityExtractor_report.json")


def load(directory: Path) -> tuple[dict, dict]:
    intents = json.loads((directory / "intent_report.json").read_text(encoding="utf-8"))
    entity_file = next((directory / name for name in ENTITY_REPORTS if (directory / name).exists()), None)
    entities = json.loads(entity_file.read_text(encoding="utf-8")) if entity_file else {}
    return intents, entities


def pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}"


def ratio(values: list[float | None]) -> str:
    first, second = values
    return "—" if first is None or not second else f"{first / second:.2f}"


def summary(reports: dict[str, tuple[dict, dict]], ratio_column: bool = False) -> str:
    names = list(reports)
    with_ratio = ratio_column and len(names) == 2
    header = names + (["rapport"] if with_ratio else [])
    lines = ["| mesure | " + " | ".join(header) + " |", "|---|" + "---|" * len(header)]

    def row(label, pick):
        values = [pick(*reports[n]) for n in names]
        cells = [pct(v) for v in values] + ([ratio(values)] if with_ratio else [])
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    row("intentions : F1 macro (%)", lambda i, e: i["macro avg"]["f1-score"])
    row("intentions : F1 pondéré (%)", lambda i, e: i["weighted avg"]["f1-score"])
    row("intentions : exactitude (%)", lambda i, e: i["accuracy"])
    row("entités : F1 micro (%)", lambda i, e: (e.get("micro avg") or {}).get("f1-score"))
    row("entités : F1 macro (%)", lambda i, e: (e.get("macro avg") or {}).get("f1-score"))
    entities = sorted({k for _, e in reports.values() for k in e if k not in SUMMARY_KEYS and k != "no_entity"})
    for entity in entities:
        row(f"entité `{entity}` : F1 (%)", lambda i, e, entity=entity: (e.get(entity) or {}).get("f1-score"))
    for name in names:
        intents = reports[name][0]
        confusions = sorted(
            (
                (count, intent, other)
                for intent, values in intents.items()
                if intent not in SUMMARY_KEYS
                for other, count in (values.get("confused_with") or {}).items()
            ),
            reverse=True,
        )
        if confusions:
            lines.append("")
            lines.append(
                f"Confusions les plus fréquentes ({name}) : "
                + " ; ".join(f"{intent} → {other} ({count})" for count, intent, other in confusions[:TOP_CONFUSIONS])
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+", metavar="NAME=REPORT_DIR")
    parser.add_argument("--ratio", action="store_true", help="with two reports: a column first / second")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    reports = {}
    for item in args.reports:
        name, _, directory = item.partition("=")
        try:
            reports[name] = load(Path(directory))
        except (OSError, ValueError) as error:
            print(f"erreur : rapport illisible dans {directory} : {error}", file=sys.stderr)
            return 1
    table = summary(reports, args.ratio)
    print(table)
    if args.markdown:
        args.markdown.write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
