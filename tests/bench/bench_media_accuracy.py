"""Benchmark: the media estimators and the paper's formula against published timings.

Every row of the packaged ``media_measurements.csv`` (sourced, with full conditions): the
measured end-to-end seconds, the paper's naive estimate (all FLOPs at peak FLOP/s), ours with
the packaged profile of the row's model ("diffusers" for image, video and flow TTS, "speech"
for mel-frame TTS with a vocoder), with the LLM "generic" profile it would borrow otherwise,
and leave-one-source-out (each publication scored by a fit on the others of its profile);
then the median and worst error factor per modality, and the publications kept aside
(``media_holdout.csv``). Goal (issue 15): median <= 1.5x, worst <= 3x per modality.
Run: ``.venv/bin/python tests/bench/bench_media_accuracy.py``
"""

import time

from xlcpb.engine.accuracy import error_factor
from xlcpb.estimators.media_calibration import (HOLDOUT, fit, leave_one_source_out,
                                                load_media_measurements, predict, score,
                                                summary)


def main() -> None:
    started = time.perf_counter()
    rows = load_media_measurements()
    packaged = score(rows)
    held_out = {row["id"]: row for row in leave_one_source_out(rows)}
    generic = {row["id"]: predict(row, profile="generic")[0] for row in rows}
    print(f"{'measurement':<34} {'model':<21} {'hardware':<15} {'batch':>5} {'measured':>9} "
          f"{'paper':>8} {'generic':>8} {'ours':>8} {'LOSO':>8} {'ours x':>7}")
    for row in packaged:
        print(f"{row['id']:<34} {row['model']:<21} {row['hardware']:<15} {row['batch']:>5g} "
              f"{row['measured_seconds']:>9.4g} {row['paper']:>8.4g} {generic[row['id']]:>8.4g} "
              f"{row['ours']:>8.4g} {held_out[row['id']]['ours']:>8.4g} "
              f"{error_factor(row['ours_log10_error']):>7.2f}")
    print(f"\nrefit on every row: {fit(rows)} (packaged profiles: media_profiles.toml)")
    for title, scored in (("packaged profile (fitted on all rows)", packaged),
                          ("leave-one-source-out", list(held_out.values()))):
        print(f"\n{title}")
        print(f"{'':<8} {'n':>3} {'ours median':>12} {'ours worst':>11} {'paper median':>13} "
              f"{'paper worst':>12}")
        for name, entry in summary(scored).items():
            print(f"{name:<8} {entry['n']:>3} {entry['ours'][0]:>11.2f}x "
                  f"{entry['ours'][1]:>10.2f}x {entry['paper'][0]:>12.2f}x "
                  f"{entry['paper'][1]:>11.2f}x")
    kept_aside = score(load_media_measurements(HOLDOUT))
    print(f"\nkept aside, never fitted ({HOLDOUT}), scored with the packaged profiles:")
    print(f"{'measurement':<30} {'stack':<22} {'GPUs':>4} {'batch':>5} {'measured':>9} "
          f"{'paper':>8} {'ours':>8} {'ours x':>7}")
    for row in kept_aside:
        print(f"{row['id']:<30} {row['stack']:<22} {row['devices']:>4g} {row['batch']:>5g} "
              f"{row['measured_seconds']:>9.4g} {row['paper']:>8.4g} {row['ours']:>8.4g} "
              f"{error_factor(row['ours_log10_error']):>7.2f}")
    for title, chosen in (("eager and TorchScript pipelines (the profiles' stacks)",
                           [r for r in kept_aside if r["stack"] != "torch-compile"]),
                          ("torch.compile pipelines (faster than the profile assumes)",
                           [r for r in kept_aside if r["stack"] == "torch-compile"])):
        print(f"\n{title}")
        print(f"{'':<8} {'n':>3} {'ours median':>12} {'ours worst':>11} {'paper median':>13} "
              f"{'paper worst':>12}")
        for name, entry in summary(chosen).items():
            print(f"{name:<8} {entry['n']:>3} {entry['ours'][0]:>11.2f}x "
                  f"{entry['ours'][1]:>10.2f}x {entry['paper'][0]:>12.2f}x "
                  f"{entry['paper'][1]:>11.2f}x")
    by_source = {}
    for row in held_out.values():
        if row["modality"] == "speech":
            by_source.setdefault(row["source_key"], []).append(row)
    print("\nspeech, leave-one-source-out by held-out publication:")
    for source, group in by_source.items():
        median, worst = summary(group)["all"]["ours"]
        print(f"{source:<16} {len(group):>3} rows  median {median:.2f}x  worst {worst:.2f}x")
    print(f"\n{time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
