#!/usr/bin/python3
"""Write bench/RESULTS.md from one `make bench` run.

Reads
  --run FILE        the run_all.sh lines of this run (ENGINES="ort mine"): per model,
                    thread count and round, one line per engine
  --profiles DIR    profile_MODEL_tT.txt: the output of `cam bench MODEL T --profile`
  --cache DIR       the anchors cache: models.txt (MACs), raw/peak_*.txt (FMA peak),
                    models/MODEL.onnx (per-layer MACs when the profile has none)
  --overhead FILE   optional: "key=value" lines from the CAM overhead measurement
  --cam PATH        the cam binary (its --version goes into the header)
and writes --out (markdown).

Latency: median of the per-round medians (the anchors' convention), cam next to ORT;
ratio = median over rounds of (cam median / ORT median in the same round), so both
engines of a ratio saw the same minutes of machine noise.
Layers: the largest convolutions by MACs from the profile, with their GFLOP/s
(2*MACs / time) as a share of the measured FMA peak for the same thread count.

usage: /usr/bin/python3 bench/report.py --run bench/cache/run.txt --profiles bench/cache
           --cache ~/.cache/cam-anchors [--cam build/cam] [--out bench/RESULTS.md]
"""
import argparse
import datetime
import glob
import os
import re
import statistics as st
import subprocess
import sys
from collections import defaultdict

sys.dont_write_bytecode = True

ARCHS = ["resnet18", "resnet50", "mobilenet_v2", "googlenet", "vgg16", "alexnet",
         "squeezenet1_1"]
TOP_LAYERS = 3


def kv(line):
    return dict(f.split("=", 1) for f in line.split() if "=" in f)


def read_kv(path):
    try:
        with open(path) as f:
            return [kv(l) for l in f if "=" in l]
    except OSError:
        return []


def fnum(d, *keys):
    for k in keys:
        if k in d:
            try:
                return float(d[k].rstrip("ms").rstrip("%") if k.endswith("ms") else d[k])
            except ValueError:
                pass
    return None


def onnx_layer_macs(path):
    """MACs per Conv/Gemm/MatMul node, by node name and by output name."""
    try:
        import onnx
        from onnx import shape_inference
    except ImportError:
        return {}
    m = shape_inference.infer_shapes(onnx.load(path))
    g = m.graph
    shapes = {vi.name: [d.dim_value for d in vi.type.tensor_type.shape.dim]
              for vi in list(g.input) + list(g.value_info) + list(g.output)}
    shapes.update({t.name: list(t.dims) for t in g.initializer})
    def prod(xs):
        r = 1
        for x in xs:
            r *= x
        return r
    out = {}
    for n in g.node:
        macs = None
        if n.op_type == "Conv" and n.input[1] in shapes and n.output[0] in shapes:
            w = shapes[n.input[1]]  # [oc, ic/group, kh, kw]
            macs = prod(shapes[n.output[0]]) * prod(w[1:])
            at = {x.name: x for x in n.attribute}
            group = at["group"].i if "group" in at else 1
            stride = list(at["strides"].ints) if "strides" in at else [1, 1]
            desc = "%dx%d/%d %d->%d%s" % (w[2], w[3], stride[0], w[1] * group, w[0],
                                          " g%d" % group if group > 1 else "")
        elif n.op_type in ("Gemm", "MatMul") and n.input[0] in shapes and n.output[0] in shapes:
            macs = prod(shapes[n.output[0]]) * shapes[n.input[0]][-1]
            desc = "fc %d->%d" % (shapes[n.input[0]][-1], shapes[n.output[0]][-1])
        if macs is not None:
            o = shapes[n.output[0]]
            info = {"macs": macs, "op": n.op_type, "desc": desc,
                    "out": "x".join(str(d) for d in o[1:])}
            out[n.name] = info
            out[n.output[0]] = info
    return out


def parse_profile(path, layer_macs):
    """Per-step records from `cam bench --profile` (its stderr): a table whose header
    line names the columns (step op output shape MACs ms GFLOP/s; the output name may
    be cut short), or lines of key=value fields with a time (ms) and a name.
    Kernel size and stride come from the ONNX node whose output name starts with the
    profile's and whose MACs agree."""
    recs = []
    try:
        lines = open(path).read().splitlines()
    except OSError:
        return recs
    cols = None
    for line in lines:
        f = line.split()
        if not f or line.startswith("engine="):
            continue
        if f[0] == "step" and "ms" in f:
            cols = {name: i for i, name in enumerate(f)}
            continue
        if cols and len(f) == len(cols) and f[0].isdigit():
            try:
                d = {"name": f[cols["output"]] if "output" in cols else f[0],
                     "op": f[cols["op"]] if "op" in cols else "?",
                     "ms": float(f[cols["ms"]]),
                     "macs": float(f[cols["MACs"]]) if "MACs" in cols else None,
                     "shape": f[cols["shape"]] if "shape" in cols else ""}
            except ValueError:
                continue
        elif "=" in line:
            d = kv(line)
            ms = fnum(d, "ms", "avg_ms", "mean_ms", "median_ms", "time_ms")
            name = d.get("name") or d.get("output") or d.get("node") or d.get("layer")
            if ms is None or name is None:
                continue
            d = {"name": name, "op": d.get("op") or d.get("op_type") or "?", "ms": ms,
                 "macs": fnum(d, "macs", "MACs"), "shape": d.get("shape", "")}
        else:
            continue
        lm = layer_macs.get(d["name"])
        if lm is None:
            cands = [v for k, v in layer_macs.items() if k.startswith(d["name"])
                     and (d["macs"] is None or v["macs"] == d["macs"])]
            if not cands and d["macs"] is not None:  # fused step named after its Relu
                shape = d["shape"].split("x")[1:]
                cands = [v for v in layer_macs.values() if v["macs"] == d["macs"]
                         and v["out"].split("x") == shape]
            lm = cands[0] if cands else None
        if d["macs"] is None and lm:
            d["macs"] = lm["macs"]
        d["desc"] = (lm or {}).get("desc", "")
        d["out"] = d.pop("shape") or (lm or {}).get("out", "")
        recs.append(d)
    return recs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--run", required=True)
    ap.add_argument("--profiles", default="bench/cache")
    ap.add_argument("--cache", default=os.environ.get("ANCHORS_CACHE")
                    or os.path.expanduser("~/.cache/cam-anchors"))
    ap.add_argument("--overhead", default=None)
    ap.add_argument("--cam", default="build/cam")
    ap.add_argument("--out", default="bench/RESULTS.md")
    ap.add_argument("--build-peak", default=None,
                    help="output of bench_kernels --only NONE: the FMA peak of the build's own "
                         "vectors (zmm in an AVX-512 build), used instead of the anchors' ymm test")
    a = ap.parse_args()

    lines = read_kv(a.run)
    models = {d["model"]: d for d in read_kv(os.path.join(a.cache, "models.txt")) if "model" in d}
    peak = {}
    for p in sorted(glob.glob(os.path.join(a.cache, "raw", "peak_*.txt"))):
        for d in read_kv(p):
            if d.get("test") == "fma_peak":
                peak[d["threads"]] = max(peak.get(d["threads"], 0.0), float(d["gflops"]))
    if a.build_peak and os.path.exists(a.build_peak):
        # "# FMA peak measured now: X GFLOP/s on 1 thread, Y on 2 (...)": per thread
        # count, the peak of the vectors this build uses; 2 threads is taken as
        # twice the 1-thread figure when the 2-thread test was disturbed.
        import re
        for line in open(a.build_peak):
            m = re.match(r"# FMA peak measured now: ([0-9.]+) GFLOP/s on 1 thread(?:, ([0-9.]+) on 2)?", line)
            if m:
                one = float(m.group(1))
                two = max(float(m.group(2) or 0.0), 2 * one)
                peak = {"1": one, "2": two}

    # (model, threads) -> round -> engine -> record
    by = defaultdict(lambda: defaultdict(dict))
    clocks, loads = [], []
    for d in lines:
        if "implied_ghz" in d:
            clocks.append(float(d["implied_ghz"]))
        if "load1" in d:
            loads.append(float(d["load1"]))
        if {"engine", "model", "threads"} <= d.keys():
            by[(d["model"], d["threads"])][d.get("round", "1")][d["engine"]] = d
    if not by:
        sys.exit("report.py: no measurements in %s" % a.run)
    # cam's own lines carry its label (engine=cam); run_all.sh records a failed run as
    # engine=mine, so file those under the same label.
    named = sorted({e for rs in by.values() for r in rs.values() for e in r} - {"ort", "mine"})
    label = named[0] if named else "cam"
    for rs in by.values():
        for r in rs.values():
            if "mine" in r and label not in r:
                r[label] = r.pop("mine")
    threads = sorted({t for _, t in by}, key=int)
    order = [m for m in ARCHS if any((m, t) in by for t in threads)] + \
        sorted({m for m, _ in by} - set(ARCHS))
    n_rounds = len({r for rs in by.values() for r in rs})

    out = []
    w = out.append
    try:
        ver = subprocess.run([a.cam, "--version"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, timeout=10).stdout.decode().strip()
    except (OSError, subprocess.TimeoutExpired):
        ver = "?"
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    except OSError:
        pass
    w("# cam vs ONNX Runtime: measured results\n")
    w("Written by `bench/report.py` from `make bench` (%s UTC). Do not edit by hand: rerun "
      "`make bench` (all 7 models, 3 rounds, about 15 minutes on an idle machine).\n"
      % datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"))
    w("- cam: `%s`; ORT: onnxruntime-node 1.30 (the anchors harness, `../shared/anchors`)" % ver)
    w("- machine: %s, %d CPUs; FMA peak %s" % (
        cpu, os.cpu_count() or 0,
        ", ".join("%.0f GFLOP/s at %s thread%s" % (peak[t], t, "s" if t != "1" else "")
                  for t in sorted(peak, key=int)) or "not measured (run peak/run_peak.sh)"))
    if clocks:
        w("- clock implied by the FMA test at the start of each round: %.2f-%.2f GHz"
          % (min(clocks), max(clocks)))
    if loads:
        w("- 1-minute load average at the start of each round: %.1f-%.1f (anything near "
          "or above the CPU count means other work shared the cores)" % (min(loads), max(loads)))
    partial = []
    if n_rounds < 3:
        partial.append("%d round(s), not 3 or more" % n_rounds)
    if len(order) < len(ARCHS):
        partial.append("%d of the %d models" % (len(order), len(ARCHS)))
    runs = sorted({int(d["runs"]) for d in lines if "runs" in d and d.get("engine")})
    if runs and runs[0] < 10:
        partial.append("only %d timed runs per measurement" % runs[0])
    if partial:
        w("")
        w("> **Partial run** (%s): this checks the flow, it does not measure cam. "
          "Compare only inside a row; rerun `make bench` on an idle machine for the real "
          "figures.\n" % "; ".join(partial))
    w("- %d round(s); each measurement is a fresh process, batch 1, 3x224x224, the same "
      "input and weights for both engines (seeded random init)\n" % n_rounds)

    w("## Latency at batch 1\n")
    w("Median ms = median of the per-round medians; %s / ORT = median over rounds of the "
      "ratio of medians in the same round [range]; below 1 means cam is faster. GFLOP/s = "
      "2 x MACs / median; maxdiff = largest |output - PyTorch| over rounds.\n" % label)
    w("| model | threads | %s median ms | ORT median ms | %s / ORT | %s min ms | ORT min ms "
      "| %s GFLOP/s | %% peak | maxdiff |" % (label, label, label, label))
    w("|---|---|---|---|---|---|---|---|---|---|")
    for m in order:
        for t in threads:
            rounds = by.get((m, t), {})
            if not rounds:
                continue
            cam = [r[label] for r in rounds.values() if label in r]
            ort = [r["ort"] for r in rounds.values() if "ort" in r]
            cok = [x for x in cam if "median_ms" in x]
            ook = [x for x in ort if "median_ms" in x]
            if not cok:
                why = cam[0].get("error", "no line") if cam else "not run"
                w("| %s | %s | failed: %s | %s | | | | | | |" % (
                    m, t, why[:70], "%.1f" % st.median(float(x["median_ms"]) for x in ook)
                    if ook else ""))
                continue
            cmed = st.median(float(x["median_ms"]) for x in cok)
            cmin = min(float(x["min_ms"]) for x in cok)
            omed = st.median(float(x["median_ms"]) for x in ook) if ook else None
            omin = min(float(x["min_ms"]) for x in ook) if ook else None
            ratios = [float(r[label]["median_ms"]) / float(r["ort"]["median_ms"])
                      for r in rounds.values() if label in r and "ort" in r
                      and "median_ms" in r[label] and "median_ms" in r["ort"]]
            rat = ("%.2f [%.2f-%.2f]" % (st.median(ratios), min(ratios), max(ratios))
                   if len(ratios) > 1 else "%.2f" % ratios[0] if ratios else "")
            macs = int(models[m]["macs"]) if m in models else None
            gf = 2 * macs / (cmed * 1e6) if macs else None
            diffs = [float(x["maxdiff"]) for x in cok if "maxdiff" in x]
            w("| %s | %s | %.1f | %s | %s | %.1f | %s | %s | %s | %s |" % (
                m, t, cmed, "%.1f" % omed if omed else "", rat, cmin,
                "%.1f" % omin if omin else "", "%.0f" % gf if gf else "",
                "%.0f%%" % (100 * gf / peak[t]) if gf and t in peak else "",
                "%.1e" % max(diffs) if diffs else ""))
    w("")

    # Largest conv layers from the profiles.
    prof_rows = []
    n_prof = "?"
    for m in order:
        layer_macs = None
        for t in threads:
            paths = sorted(glob.glob(os.path.join(a.profiles, "profile_%s_t%s_*.txt" % (m, t))))
            if not paths:
                continue
            if layer_macs is None:
                onnx_path = os.path.join(a.cache, "models", m + ".onnx")
                layer_macs = onnx_layer_macs(onnx_path) if os.path.exists(onnx_path) else {}
            # A profile times one run: take each step's median over the repeats.
            profs = [parse_profile(p, layer_macs) for p in paths]
            profs = [pr for pr in profs if pr and len(pr) == len(profs[0])]
            if not profs:
                continue
            steps = profs[0]
            n_prof = len(profs)
            for i, r in enumerate(steps):
                r["ms"] = st.median(pr[i]["ms"] for pr in profs)
            recs = [r for r in steps if r["macs"] and "conv" in r["op"].lower()]
            total = sum(r["ms"] for r in steps)
            for r in sorted(recs, key=lambda r: -r["macs"])[:TOP_LAYERS]:
                gf = 2 * r["macs"] / (r["ms"] * 1e6) if r["ms"] > 0 else 0.0
                # "Conv+Relu/wino": run as Winograd F(2x2,3x3) (cam bench --profile)
                desc = r["desc"] + (" Winograd" if r["op"].endswith("/wino") else "")
                prof_rows.append("| %s | %s | %s | %s | %s | %.1f | %.3f | %.0f | %s | %s |" % (
                    m, t, r["name"], desc, r["out"], r["macs"] / 1e6, r["ms"], gf,
                    "%.0f%%" % (100 * gf / peak[t]) if t in peak else "",
                    "%.0f%%" % (100 * r["ms"] / total) if total > 0 else ""))
    w("## Largest convolutions (from `cam bench --profile`)\n")
    if prof_rows:
        w("Per model and thread count, the %d convolutions with the most MACs. ms = the "
          "step's median over the profiled runs (one per process, %s processes); GFLOP/s = "
          "2 x MACs / ms; %% peak = share of the measured FMA peak for that thread count; "
          "share = the step's part of the profiled forward time. Above 100%% means the core "
          "ran at a higher boost clock during the step than during the peak test, or the "
          "kernel does fewer multiplications than the layer's MACs (kernel \"Winograd\": "
          "F(2x2,3x3), 16 multiply-adds where the direct conv does 36; GFLOP/s counts the "
          "direct conv's). The direct kernels' own rates are in bench/KERNELS.md "
          "(`make bench-kernels`).\n"
          % (TOP_LAYERS, n_prof))
        w("| model | threads | layer | kernel | output | MMACs | ms | GFLOP/s | % peak | share |")
        w("|---|---|---|---|---|---|---|---|---|---|")
        out.extend(prof_rows)
    else:
        w("(no profiles with per-layer times and MACs in %s)" % a.profiles)
    w("")

    w("## CAM overhead\n")
    ov = [d for d in read_kv(a.overhead) if d.get("test") == "cam_overhead"] if a.overhead else []
    if ov:
        w("Measured by `bench/bench_cam.c` (median of %s runs): the maps of all classes at "
          "feature resolution (one C x K by K x hw product), then the 5 best classes' maps "
          "resized to the input and a box cut from each (the paper's rule), against one "
          "forward pass of the same network.\n" % ov[0].get("runs", "?"))
        w("| model | threads | forward ms | maps, all %s classes, ms | top-5 maps + boxes ms "
          "| overhead |" % ov[0].get("classes", "?"))
        w("|---|---|---|---|---|---|")
        for d in ov:
            w("| %s | %s | %s | %s | %s | %s%% |" % (
                d.get("model"), d.get("threads"), d.get("forward_ms"), d.get("maps_all_ms"),
                d.get("boxes_top5_ms"), d.get("overhead_pct")))
    else:
        w("(not measured in this run)")
    w("")
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out + ".tmp", "w") as f:
        f.write("\n".join(out) + "\n")
    os.replace(a.out + ".tmp", a.out)
    print("wrote %s" % a.out)


if __name__ == "__main__":
    main()
