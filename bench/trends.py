"""Time trends over a year of 1,000,000 ads across all segments.

    .venv/bin/python bench/trends.py [--ads 1000000] [--repeat 3] [--extract-sample 20000]

Two figures, reported separately (medians over ``--repeat`` runs):

* **aggregation + detection**: synthetic analysed ads are reduced to (day, segment ids)
  arrays directly (numpy), then counted into a table and run through detection, weekly and
  daily, over ~450 segments (indicators, platforms, kinds, languages, 300 cities, countries,
  sectors, origin terms);
* **segment extraction**: the pure per-document function (normalization, origin terms,
  sectors, places) on a sample of synthetic pre-analysed records, reported per document and
  extrapolated to the full count (single process; it parallelises per document).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from vigil.documents import Document
from vigil.trends.detect import DetectionParams, detect
from vigil.trends.periods import Freq
from vigil.trends.segments import build_segmenter, document_day
from vigil.trends.series import build_table
from vigil.trends.synthetic import START_DAY

INDICATORS = ["third_party", "new_arrival", "movement", "youth", "nationality", "crisis_context", "language_barrier",
              "multiple_workers", "unsafe_services", "always_available", "high_pay_low_skill", "no_requirements",
              "travel_housing_provided", "upfront_fee", "document_retention", "messenger_only", "urgency",
              "appearance_requirements", "vague_employer", "targets_ukrainians", "high_risk_sector"]
KINDS = ["sex_ad", "job_ad", "forum_post", "social_post", "classified", "other"]
LANGS = ["uk", "ru", "en", "pl", "de", "cs", "sk", "ro", "hu", "fr", "it", "es", "nl"]
TEXTS = {
    "uk": "Молода українка, нова в місті, тільки цього тижня. Пиши в телеграм.",
    "ru": "Новенькая славянка, 22 года, выезд и апартаменты. Звони.",
    "en": "Independent companion in town this week, discreet and friendly. Text me.",
    "pl": "Praca na budowie w Niemczech, zakwaterowanie zapewnione, wysoka pensja.",
    "de": "Erntehelfer gesucht, Unterkunft gestellt, sofort Arbeit, gute Bezahlung.",
}


def segment_names() -> list[str]:
    names = [f"indicator:{i}" for i in INDICATORS]
    names += [f"platform:board{i}.example" for i in range(50)]
    names += [f"kind:{k}" for k in KINDS] + [f"lang:{lang}" for lang in LANGS]
    names += [f"city:City{i}" for i in range(300)] + [f"country:C{i}" for i in range(30)]
    names += [f"sector:s{i}" for i in range(9)] + [f"term:t{i}" for i in range(4)]
    return names


def synthetic_arrays(n_ads: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Day per ad and (segment, ad) pairs, as an analysed year of ads would give."""
    rng = np.random.default_rng(seed)
    names = segment_names()
    index = {name: i for i, name in enumerate(names)}
    days = START_DAY + rng.integers(0, 365, n_ads)
    ads = np.arange(n_ads)

    def pick(prefix: str, count: int, weights: np.ndarray | None = None) -> np.ndarray:
        ids = np.array([index[n] for n in names if n.startswith(prefix)])[:count]
        p = None if weights is None else weights / weights.sum()
        return ids[rng.choice(len(ids), n_ads, p=p)]

    zipf = 1.0 / np.arange(1, 301)
    pairs = [
        (pick("kind:", 6), ads), (pick("lang:", 13), ads), (pick("platform:", 50, 1.0 / np.arange(1, 51)), ads),
        (pick("city:", 300, zipf), ads), (pick("country:", 30, 1.0 / np.arange(1, 31)), ads),
    ]
    for _ in range(2):  # about two indicators per ad, some with none
        has = rng.random(n_ads) < 0.7
        pairs.append((pick("indicator:", len(INDICATORS))[has], ads[has]))
    for prefix, rate in (("sector:", 0.3), ("term:", 0.08)):
        has = rng.random(n_ads) < rate
        pairs.append((pick(prefix, 9)[has], ads[has]))
    seg = np.concatenate([p[0] for p in pairs])
    doc = np.concatenate([p[1] for p in pairs])
    # One ad can draw the same indicator twice; count it once, as the segmenter does.
    key = np.unique(seg.astype(np.int64) * n_ads + doc)
    return days.astype(np.int64), key // n_ads, key % n_ads, names


def time_aggregation(n_ads: int, repeat: int) -> None:
    days, seg, doc, names = synthetic_arrays(n_ads, 7)
    print(f"{n_ads:,} ads, {len(names)} segments, {seg.size:,} (segment, ad) pairs")
    for freq in (Freq.WEEK, Freq.DAY):
        agg, det, alerts = [], [], 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            table = build_table(days, seg, doc, names, freq)
            t1 = time.perf_counter()
            alerts = len(detect(table, DetectionParams()))
            t2 = time.perf_counter()
            agg.append(t1 - t0)
            det.append(t2 - t1)
        print(f"  freq={freq.value}: {table.values.shape[0]} rows x {table.n_periods} periods; aggregation "
              f"{statistics.median(agg):.2f} s, detection {statistics.median(det):.2f} s, total "
              f"{statistics.median(agg) + statistics.median(det):.2f} s (median of {repeat}); alerts on this stable market: {alerts}")


def time_extraction(sample: int, n_ads: int, repeat: int) -> None:
    rng = np.random.default_rng(11)
    segmenter = build_segmenter()
    langs = list(TEXTS)
    docs: list[tuple[Document, dict[str, object]]] = []
    for i in range(sample):
        lang = langs[i % len(langs)]
        doc = Document(id=str(i), text=TEXTS[lang] + f" #{i}", kind=KINDS[i % 2], platform=f"board{i % 50}.example",
                       lang=lang, posted_at=None, captured_at=None, location=["Warsaw", "Berlin", "Kyiv", "Praha"][i % 4])
        analysis = {"lang": lang, "indicators": [{"id": INDICATORS[int(k)]} for k in rng.integers(0, 21, 2)],
                    "entities": {"locations": ["Germany"]}}
        docs.append((doc, analysis))
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for doc, analysis in docs:
            segmenter.segments(doc, analysis)
            document_day(doc)
        runs.append(time.perf_counter() - t0)
    per_doc = statistics.median(runs) / sample
    print(f"segment extraction: {per_doc * 1e6:.0f} µs per document (median of {repeat} runs over {sample:,}); "
          f"{per_doc * n_ads:.0f} s for {n_ads:,} on one core")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ads", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--extract-sample", type=int, default=20_000)
    args = parser.parse_args()
    time_aggregation(args.ads, args.repeat)
    time_extraction(args.extract_sample, args.ads, args.repeat)


if __name__ == "__main__":
    main()
