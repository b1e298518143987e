#!/usr/bin/env python3
"""Ablation and time-to-accuracy tables (Markdown) from the run.json files that
`fern train --report DIR` writes.

usage: scripts/fer_tables.py NAME=DIR/run.json [NAME=DIR/run.json ...]

Each run is one row, named as given. The ablation table gives validation
accuracy at the end (plain, mirror-averaged, over ten crops) and the best
epoch's; the time-to-accuracy table the wall minutes of training until an
epoch's validation accuracy first reached 60% (where the 10-epoch ablation
runs differ), 65%, 68% and 70% (the issue's thresholds; DAWNBench's measure), or "-" where it never did, beside the minutes at the run's median
epoch time (the recorded ones include anything else the machine did)."""
import json
import statistics
import sys

THRESHOLDS = (0.60, 0.65, 0.68, 0.70)


def load(argument):
    name, _, path = argument.partition("=")
    if not path:
        sys.exit(f"fer_tables: expected NAME=PATH/run.json, got {argument!r}")
    with open(path) as file:
        return name, json.load(file)


def label(name, run):
    """The run's name, and the test-time augmentation its epochs were scored with (--tta) if any:
    then "best epoch %" and the minutes to each threshold read averaged scores. (An ensemble's
    run.json has no epochs; its testTimeAugmentation is its submission's.)"""
    tta = run.get("testTimeAugmentation") or "none"
    return name if tta == "none" or not run.get("epochs") else f"{name} (epochs scored {tta})"


def percent(value):
    return "-" if value is None else f"{100 * value:.2f}"


def ablation(runs):
    """One row per run; "vs first" is its plain validation accuracy minus the first run's, in
    points (with the recipe first and each other run the recipe less one trick, minus that
    trick's gain)."""
    lines = ["| run | precision | epochs | validation % | vs first | mirror % | ten crops % | best epoch % | training minutes |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    first = runs[0][1]["validation"]["accuracy"]
    for name, run in runs:
        epochs = run.get("epochs") or []
        best = max((e["validationAccuracy"] for e in epochs if e.get("validationAccuracy") is not None), default=None)
        scores = run["validation"]
        minutes = run.get("trainingMinutes")
        precision = (run.get("kernels") or {}).get("conv_precision", "f32")
        lines.append(f"| {label(name, run)} | {precision} | {len(epochs) or '-'} | {percent(scores['accuracy'])} "
                     f"| {100 * (scores['accuracy'] - first):+.2f} | {percent(scores['mirrorAccuracy'])} "
                     f"| {percent(scores['tenCropAccuracy'])} | {percent(best)} | {'-' if minutes is None else f'{minutes:.0f}'} |")
    return "\n".join(lines)


def time_to_accuracy(runs):
    """Each threshold's cell: the recorded wall minutes until an epoch first reached it, and in
    brackets the epoch and the minutes at the run's median epoch time (what an undisturbed run
    takes: the recorded minutes include whatever else the machine did, a paused run's pause too)."""
    header = " | ".join(f"minutes to {round(100 * t)}%" for t in THRESHOLDS)
    lines = [f"| run | median epoch s | {header} |", "|---|---:|" + "---:|" * len(THRESHOLDS)]
    for name, run in runs:
        epochs = run.get("epochs") or []
        median = statistics.median(e["seconds"] for e in epochs) if epochs else None
        for row, key in scores_of_epochs(name, run):
            cells = []
            for threshold in THRESHOLDS:
                reached = next((e for e in epochs if (e.get(key) or 0) >= threshold), None)
                cells.append("-" if reached is None else
                             f"{reached['minutesSoFar']:.0f} (epoch {reached['epoch']}; {reached['epoch'] * median / 60:.0f} undisturbed)")
            lines.append(f"| {row} | {'-' if median is None else f'{median:.0f}'} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def scores_of_epochs(name, run):
    """The time table's rows for a run: its epochs' validation accuracy, and where they were
    scored with test-time augmentation and the plain score was kept beside (plainValidationAccuracy), that too."""
    rows = [(label(name, run), "validationAccuracy")]
    if any(e.get("plainValidationAccuracy") is not None for e in run.get("epochs") or []):
        rows.append((f"{name} (epochs scored plain)", "plainValidationAccuracy"))
    return rows


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    runs = [load(argument) for argument in sys.argv[1:]]
    cpus = sorted({run.get("cpu", "unknown") for _, run in runs})
    print(f"CPU: {', '.join(cpus)}\n")
    print(ablation(runs))
    print()
    print(time_to_accuracy(runs))


if __name__ == "__main__":
    main()
