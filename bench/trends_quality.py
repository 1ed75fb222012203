"""Planted-change benchmark of trend detection: timeliness and false alarms on a seeded market.

    .venv/bin/python bench/trends_quality.py [--seeds 200] [--seed-base 1000] [--freq W]

A market of ``--weekly-ads`` ads a week (20 segments, common weekly shocks, wobbling
shares) runs ``--weeks`` weeks; in planted runs the 5 % segment triples from week 30.
Reported: the share of planted runs detected within two periods of the rise (an "up"
alert on the target in the rise period or the next), the median delay, and false alarms
per 1,000 segment-periods on stable runs (every alert) and on planted runs (alerts on the
other segments). Tune on one seed range; report on another.
"""

from __future__ import annotations

import argparse
import statistics
import time

from vigil.trends.detect import DetectionParams, baselines, detect
from vigil.trends.periods import Freq
from vigil.trends.synthetic import Market, market_table, rise_period

DEFAULTS = DetectionParams()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--seed-base", type=int, default=1000)
    parser.add_argument("--freq", default="W", choices=["W", "D"])
    parser.add_argument("--weekly-ads", type=float, default=300.0)
    parser.add_argument("--weeks", type=int, default=43)
    parser.add_argument("--rise", type=float, default=3.0)
    parser.add_argument("--share", type=float, default=0.05)
    parser.add_argument("--market-cv", type=float, default=0.1)
    parser.add_argument("--share-cv", type=float, default=0.1)
    parser.add_argument("--max-p", type=float, default=DEFAULTS.max_p)
    parser.add_argument("--fdr", type=float, default=DEFAULTS.fdr)
    parser.add_argument("--window", type=int, default=DEFAULTS.window)
    parser.add_argument("--prior", type=float, default=DEFAULTS.dispersion_prior)
    args = parser.parse_args()
    freq = Freq(args.freq)
    params = DetectionParams(max_p=args.max_p, fdr=args.fdr, window=args.window, dispersion_prior=args.prior)
    planted = Market(weeks=args.weeks, weekly_ads=args.weekly_ads, target_share=args.share, rise=args.rise,
                     market_cv=args.market_cv, share_cv=args.share_cv)
    stable = Market(weeks=args.weeks, weekly_ads=args.weekly_ads, target_share=args.share, rise=1.0,
                    market_cv=args.market_cv, share_cv=args.share_cv)
    started = time.perf_counter()
    delays: list[int] = []
    detected = 0
    fa_planted = 0
    tested_planted = 0
    fa_stable = 0
    tested_stable = 0
    start_col = rise_period(planted, freq)
    for i in range(args.seeds):
        seed = args.seed_base + i
        table = market_table(planted, seed, freq)
        alerts = detect(table, params)
        hits = [table.period_starts().index(a.period_start) for a in alerts
                if a.segment == "target" and a.direction == "up" and table.period_starts().index(a.period_start) >= start_col]
        if hits:
            delay = min(hits) - start_col
            delays.append(delay)
            detected += delay <= (1 if freq is Freq.WEEK else 13)
        base = baselines(table, params)
        tested_cells = (~(base.p_count != base.p_count))  # not NaN
        tested_planted += int(tested_cells[1:-1].sum())
        fa_planted += sum(1 for a in alerts if a.segment not in {"target"})
        table = market_table(stable, seed + 1_000_000, freq)
        alerts = detect(table, params)
        base = baselines(table, params)
        tested_stable += int((~(base.p_count != base.p_count)).sum())
        fa_stable += len(alerts)
    elapsed = time.perf_counter() - started
    print(f"freq={freq.value} seeds={args.seed_base}..{args.seed_base + args.seeds - 1} weekly_ads={args.weekly_ads} "
          f"share={args.share} rise={args.rise} market_cv={args.market_cv} share_cv={args.share_cv} params={params}")
    print(f"detected within two periods: {detected}/{args.seeds} = {detected / args.seeds:.3f}")
    print(f"median delay (periods, detected runs): {statistics.median(delays) if delays else 'n/a'}; never detected: {args.seeds - len(delays)}")
    print(f"false alarms per 1000 segment-periods, stable runs: {1000 * fa_stable / max(tested_stable, 1):.3f} ({fa_stable}/{tested_stable})")
    print(f"false alarms per 1000 segment-periods, other segments of planted runs: {1000 * fa_planted / max(tested_planted, 1):.3f} ({fa_planted}/{tested_planted})")
    print(f"elapsed {elapsed:.1f} s")


if __name__ == "__main__":
    main()
