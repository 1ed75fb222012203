"""``vigil eval risk``, ``vigil eval jobs`` and ``vigil train jobs``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from vigil.cli.common import get_settings, open_output, stderr_console
from vigil.cli.groups import eval_app, train_app
from vigil.errors import ConfigError, InputError

#: The labelled multilingual set shipped with the tests, used when no path is given.
DEFAULT_LABELLED = Path("tests/data/risk_labelled.jsonl")


def default_emscad_dir() -> Path:
    """``../shared/data/emscad`` next to the checkout (or the working directory)."""
    here = Path(__file__).resolve()
    for base in (Path.cwd(), *here.parents):
        candidate = base.parent / "shared" / "data" / "emscad"
        if candidate.is_dir():
            return candidate
    return Path.cwd().parent / "shared" / "data" / "emscad"


def resolve_emscad_dir(option: Path | None, configured: Path | None) -> Path:
    path = option or configured or default_emscad_dir()
    if not path.is_dir():
        raise InputError(
            f"EMSCAD data not found at {path}: pass --data-dir DIR or set VIGIL_EMSCAD_DIR "
            "(the directory holding emscad_fraudulent.csv and emscad_sample_raw.csv)"
        )
    return path


def _emit(result: dict[str, Any], as_json: bool, output: Path | None) -> None:
    from vigil.scoring.evaluate import format_report

    with open_output(output) as out:
        if as_json:
            out.write(json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        else:
            out.write(format_report(result) + "\n")


def register(app: typer.Typer) -> None:
    del app  # these commands live on the shared ``eval`` and ``train`` groups

    @eval_app.command("risk")
    def eval_risk(
        ctx: typer.Context,
        path: Annotated[
            Path, typer.Argument(help="Labelled JSONL (documents with labels.suspicious).")
        ] = DEFAULT_LABELLED,
        as_json: Annotated[bool, typer.Option("--json", help="Write the full report as JSON.")] = False,
        output: Annotated[
            Path | None, typer.Option("-o", "--output", help="Write the report here instead of stdout.")
        ] = None,
        fit_calibration: Annotated[
            bool, typer.Option("--fit-calibration", help="Also print the Platt calibration each model would need.")
        ] = False,
    ) -> None:
        """Measure risk scores on labelled documents: ROC AUC, PR-AUC, precision at k, calibration, bias."""
        from vigil.contract import Analysis
        from vigil.pipeline import build_pipeline
        from vigil.scoring import load_scorer
        from vigil.scoring.evaluate import fit_calibration as fit
        from vigil.scoring.evaluate import read_labelled, report, score_labelled

        settings = get_settings(ctx)
        rows = read_labelled(path)
        pipeline = build_pipeline(settings)
        scorer = pipeline.scorer or load_scorer(settings)

        def analyze(document: Any) -> Analysis:
            result = pipeline.run(document)
            out = result.to_contract()
            out["risk"] = scorer.score(document, out["indicators"], out["entities"], result.lang)
            return out

        stderr_console.print(f"scoring {len(rows)} labelled documents")
        items = score_labelled(rows, analyze)
        result = report(items)
        if fit_calibration:
            result["calibration_fit"] = fit(items)
            for model, values in result["calibration_fit"].items():
                stderr_console.print(
                    f"{model}: scale x{values['scale']:.4f}, then shift {values['shift']:+.4f} (n={values['n']:.0f}); "
                    f"after it, precision >= 0.9 from {values['high']:.3f}, >= 0.6 from {values['medium']:.3f}"
                )
        _emit(result, as_json, output)

    @eval_app.command("jobs")
    def eval_jobs(
        ctx: typer.Context,
        data_dir: Annotated[Path | None, typer.Option(help="EMSCAD directory. [env: VIGIL_EMSCAD_DIR]")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Write the full report as JSON.")] = False,
        output: Annotated[
            Path | None, typer.Option("-o", "--output", help="Write the report here instead of stdout.")
        ] = None,
        limit: Annotated[
            int | None, typer.Option(help="Use only the first N rows of each class (quick check).")
        ] = None,
    ) -> None:
        """Evaluate the job-ad model on EMSCAD with a split by near-duplicate family, never by row."""
        from vigil.scoring.evaluate import job_report
        from vigil.scoring.models import load_job_text
        from vigil.scoring.train import DEFAULT_SEED

        settings = get_settings(ctx)
        directory = resolve_emscad_dir(data_dir, getattr(settings, "emscad_dir", None))
        shipped = load_job_text()
        c = float(_training_value(shipped.source, "c", 10.0))
        stderr_console.print(f"cross-validating the job model on {directory} (5 folds by family)")
        thresholds = {"high": shipped.thresholds.high, "medium": shipped.thresholds.medium}
        calibration = (shipped.scale, shipped.shift)
        _emit(job_report(directory, c, DEFAULT_SEED, limit, thresholds, calibration), as_json, output)

    @train_app.command("jobs")
    def train_jobs(
        ctx: typer.Context,
        data_dir: Annotated[Path | None, typer.Option(help="EMSCAD directory. [env: VIGIL_EMSCAD_DIR]")] = None,
        output: Annotated[
            Path | None, typer.Option("-o", "--output", help="Model file to write; default the shipped one.")
        ] = None,
        seed: Annotated[int | None, typer.Option(help="Seed of the family-grouped folds.")] = None,
        limit: Annotated[
            int | None, typer.Option(help="Use only the first N rows of each class (quick check).")
        ] = None,
    ) -> None:
        """Train the job-ad fraud model on EMSCAD and write it as JSON (reproduces the shipped model)."""
        from vigil.scoring.models import JOB_TEXT_FILE, models_dir
        from vigil.scoring.train import DEFAULT_SEED, train_job_model, write_model

        settings = get_settings(ctx)
        directory = resolve_emscad_dir(data_dir, getattr(settings, "emscad_dir", None))
        target = output or models_dir() / JOB_TEXT_FILE
        stderr_console.print(f"training the job model on {directory}")
        model = train_job_model(directory, seed=DEFAULT_SEED if seed is None else seed, limit=limit)
        try:
            write_model(model, target)
        except OSError as exc:
            raise ConfigError(f"cannot write model to {target}: {exc.strerror}") from exc
        training = model["training"]
        stderr_console.print(
            f"wrote {target}: {training['rows']} rows, {training['families']} families, "
            f"C={training['c']}, family-CV ROC AUC {training['cv_by_c'][str(training['c'])]['roc_auc']}"
        )


def _training_value(_source: str, key: str, default: float) -> float:
    from vigil.scoring.models import JOB_TEXT_FILE, models_dir

    raw = json.loads((models_dir() / JOB_TEXT_FILE).read_text(encoding="utf-8"))
    value = raw.get("training", {}).get(key, default)
    return float(value) if isinstance(value, int | float) else default
