"""NLU and dialogue evaluation: our pipeline beside Rasa's default one, trained in the same run.

For each pipeline (config.yml, and tests/nlu/config-rasa-default.yml without spaCy):
trains an NLU model on data/nlu and tests it on the held-out set (tests/nlu/heldout.yml),
then runs a cross-validation on data/nlu. Then runs the test stories on the trained
assistant, and the held-out questions of the knowledge base (tests/nlu/savoirs_heldout.yml)
through its NLU: the share that gets the answer of its topic. Writes the reports under --out
and prints the side-by-side summary (intent macro-F1, entity F1 per entity, confusions) with
the ratio ours / default.

    python scripts/eval_nlu.py [--folds 3] [--epochs N] [--model models/model.tar.gz] [--out reports/eval]
                               [--heldout-only] [--pipeline ours|default]

--epochs overrides the epochs of every trained component (a short run for CI); the figures
in docs/benchmarks.md come from a run without it. --heldout-only skips the cross-validation and
the test stories (no trained assistant needed), --pipeline evaluates one pipeline only: together,
a quick check of the held-out figures while editing the training data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import ROOT
from scripts.benchlib import machine
from scripts.nlu_report import load, summary

PIPELINES = {
    "notre pipeline": ROOT / "config.yml",
    "défaut de Rasa": ROOT / "tests" / "nlu" / "config-rasa-default.yml",
}
SLUGS = {"notre pipeline": "ours", "défaut de Rasa": "rasa-default"}
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
FAQ_HELDOUT = ROOT / "tests" / "nlu" / "savoirs_heldout.yml"
STORIES = ROOT / "tests" / "test_stories.yml"


def rasa(*args: str) -> None:
    subprocess.run(
        [str(Path(sys.executable).with_name("rasa")), *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )


def with_epochs(config: Path, epochs: int | None, target: Path) -> Path:
    """The configuration, with every `epochs` set to the given number."""
    if epochs is None:
        return config
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    for component in data.get("pipeline") or []:
        if "epochs" in component:
            component["epochs"] = epochs
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def evaluate(name: str, config: Path, folds: int | None, epochs: int | None, out: Path) -> dict:
    """Trains the pipeline on data/nlu, tests it on the held-out set, then cross-validates it
    (unless `folds` is None)."""
    folder = out / SLUGS[name]
    folder.mkdir(parents=True, exist_ok=True)
    config = with_epochs(config, epochs, folder / "config.yml")
    started = time.perf_counter()
    rasa(
        "train", "nlu", "--config", str(config), "--nlu", "data/nlu", "--out", str(folder), "--fixed-model-name", "nlu"
    )
    trained_s = time.perf_counter() - started
    rasa("test", "nlu", "--model", str(folder / "nlu.tar.gz"), "--nlu", str(HELDOUT), "--out", str(folder / "heldout"))
    run = {"training_s": round(trained_s, 1), "heldout": folder / "heldout"}
    if folds is None:
        return run
    started = time.perf_counter()
    rasa(
        "test",
        "nlu",
        "--nlu",
        "data/nlu",
        "--cross-validation",
        "--folds",
        str(folds),
        "--config",
        str(config),
        "--out",
        str(folder / "cv"),
    )
    return run | {"cross_validation_s": round(time.perf_counter() - started, 1), "cv": folder / "cv"}


def heldout_size() -> int:
    """How many messages of the held-out set `rasa test nlu` reads (identical lines count once)."""
    from rasa.shared.nlu.training_data.loading import load_data

    return len(load_data(str(HELDOUT)).intent_examples)


def faq_topics(model: Path) -> dict:
    """The held-out questions of the knowledge base (tests/nlu/savoirs_heldout.yml) through the
    trained assistant's NLU: how many get the answer of their topic (intent faq, topic chosen
    by the ResponseSelector with at least bot.faq.FAQ_CONFIDENCE), and the misses."""
    import asyncio

    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data

    from actions.faq import selected_topic
    from bot.faq import FAQ_CONFIDENCE

    agent = Agent.load(str(model))
    questions = load_data(str(FAQ_HELDOUT)).intent_examples
    misses = []
    for question in questions:
        parsed = asyncio.run(agent.parse_message(question.get("text")))
        topic, confidence = selected_topic(parsed)
        intent = (parsed.get("intent") or {}).get("name")
        expected = question.get_full_intent().split("/", 1)[1]
        if intent != "faq" or topic != expected or confidence < FAQ_CONFIDENCE:
            got = f"faq/{topic} ({confidence:.2f})" if intent == "faq" else str(intent)
            misses.append({"question": question.get("text"), "attendu": expected, "obtenu": got})
    total = len(questions)
    return {
        "questions": total,
        "justes": total - len(misses),
        "exactitude": (total - len(misses)) / total,
        "erreurs": misses,
    }


def stories(model: Path, out: Path) -> dict:
    """`rasa test core` on the test stories: how many conversations are predicted entirely right."""
    target = out / "stories"
    rasa("test", "core", "--model", str(model), "--stories", str(STORIES), "--out", str(target))
    report = json.loads((target / "story_report.json").read_text(encoding="utf-8"))
    failed = target / "failed_test_stories.yml"
    failures = failed.read_text(encoding="utf-8").count("- story:") if failed.exists() else 0
    total = yaml.safe_load(STORIES.read_text(encoding="utf-8"))["stories"]
    return {
        "stories": len(total),
        "stories_failed": failures,
        "action_accuracy": report.get("accuracy"),
        "action_f1_macro": (report.get("macro avg") or {}).get("f1-score"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--epochs", type=int, help="override the epochs of every component (short runs)")
    parser.add_argument(
        "--model", type=Path, default=ROOT / "models" / "model.tar.gz", help="trained assistant for the stories"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "eval")
    parser.add_argument(
        "--heldout-only", action="store_true", help="the held-out set only: no cross-validation, no test stories"
    )
    parser.add_argument("--pipeline", choices=sorted(SLUGS.values()), help="evaluate this pipeline only")
    args = parser.parse_args(argv)
    if args.folds < 2:
        parser.error("--folds : au moins 2")
    if not args.heldout_only and not args.model.is_file():
        print(f"erreur : modèle introuvable : {args.model} (lancez « make train »)", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    folds = None if args.heldout_only else args.folds
    pipelines = {name: config for name, config in PIPELINES.items() if args.pipeline in (None, SLUGS[name])}
    runs = {}
    for name, config in pipelines.items():
        print(
            f"{name} : entraînement, jeu tenu à part"
            + ("" if folds is None else f", validation croisée en {folds} plis")
            + "…",
            flush=True,
        )
        runs[name] = evaluate(name, config, folds, args.epochs, args.out)
    kinds = [("heldout", f"jeu tenu à part ({heldout_size()} exemples)")]
    if folds is not None:
        kinds.append(("cv", f"validation croisée ({folds} plis)"))
    lines = [
        f"Machine : {machine()} ; {dt.date.today().isoformat()}"
        + (f" ; époques ramenées à {args.epochs} (essai court)" if args.epochs else ""),
        "",
        "| entraînement NLU seul | " + " | ".join(f"{n} : {runs[n]['training_s']} s" for n in runs) + " |",
        "|---|" + "---|" * len(runs),
    ]
    for kind, label in kinds:
        lines += ["", summary({f"{n}, {label}": load(run[kind]) for n, run in runs.items()}, ratio_column=True)]
    dialogue = None if folds is None else stories(args.model, args.out)
    if dialogue:
        lines += [
            "",
            f"Histoires de test (`rasa test core`) : {dialogue['stories'] - dialogue['stories_failed']} sur "
            f"{dialogue['stories']} entièrement justes ; exactitude des actions "
            f"{100 * (dialogue['action_accuracy'] or 0):.1f} %.",
        ]
    savoirs = None
    if args.model.is_file():
        print("questions de la base de savoirs : jeu tenu à part sur le modèle entraîné…", flush=True)
        savoirs = faq_topics(args.model)
        lines += [
            "",
            f"Questions de la base de savoirs (`tests/nlu/savoirs_heldout.yml`, modèle {args.model.name}) : "
            f"{savoirs['justes']} sur {savoirs['questions']} reçoivent la réponse de leur sujet, "
            f"soit {100 * savoirs['exactitude']:.1f} %.",
            *(
                f"- « {miss['question']} » : {miss['attendu']} attendu, {miss['obtenu']} obtenu"
                for miss in savoirs["erreurs"]
            ),
        ]
    text = "\n".join(lines) + "\n"
    print(text)
    (args.out / "summary.md").write_text(text, encoding="utf-8")
    (args.out / "summary.json").write_text(
        json.dumps(
            {
                "machine": machine(),
                "epochs": args.epochs,
                "folds": folds,
                "heldout_examples": heldout_size(),
                "stories": dialogue,
                "savoirs": savoirs,
                "training_s": {n: r["training_s"] for n, r in runs.items()},
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
