#!/bin/sh
# The paper's comparisons at small scale (Fashion-MNIST localization set of
# models/make_dataset.py): GAP vs GMP, paper vs wsolevaluation conventions,
# one box per class vs the ILSVRC heuristic, and the SVM on GAP features
# (paper section 4), as a markdown table on stdout.
# usage: sh tests/eval/reproduce.sh BUILD/cam DATA_DIR [MODELS_DIR]
#   DATA_DIR holds test.csv and train.csv (make eval-reproduce makes them).
set -e
CAM=$1
DATA=$2
MODELS=${3:-models}
[ -x "$CAM" ] && [ -f "$DATA/test.csv" ] || { echo "usage: reproduce.sh CAM DATA_DIR [MODELS_DIR]" >&2; exit 2; }

row() { # name, then cam eval arguments
    name=$1
    shift
    "$CAM" eval "$@" --json --quiet | /usr/bin/python3 -c "
import json, sys
r = json.load(sys.stdin)
print('| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %.0f |' % (sys.argv[1], r['images'],
      100 * r['top1_cls'], 100 * r['top5_cls'], 100 * r['top1_loc'], 100 * r['top5_loc'], 100 * r['gt_known_loc'],
      100 * r['maxboxacc'], 100 * r['maxboxacc_v2'], r['best_tau'], r['images_per_s']))" "$name"
}

echo "| run | images | top-1 cls err | top-5 cls err | top-1 loc err | top-5 loc err | GT-known loc | MaxBoxAcc | MaxBoxAccV2 | best tau | images/s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for pool in gap gmp; do
    m=$MODELS/fmnist-$pool.onnx
    [ -f "$m" ] || continue
    row "$pool, paper" "$m" "$DATA/test.csv"
    row "$pool, paper, ILSVRC heuristic boxes" "$m" "$DATA/test.csv" --ilsvrc-boxes
    row "$pool, wsol" "$m" "$DATA/test.csv" --convention wsol
done
# Section 4: linear SVM (liblinear -s 1 -B 1) on GAP features replaces the classifier
if [ -f "$DATA/train.csv" ] && command -v liblinear-train >/dev/null; then
    for m in "$MODELS/fmnist-gap.onnx" "$MODELS/fmnist-gap-05.onnx"; do
        [ -f "$m" ] || continue
        b=$(basename "$m" .onnx)
        awk -F, 'NR > 1 { print $1, $2 }' "$DATA/train.csv" > "$DATA/train.list"
        "$CAM" features "$m" "$DATA/train.list" --out "$DATA/$b.train.libsvm" --labels >/dev/null 2>&1
        liblinear-train -q -s 1 -B 1 "$DATA/$b.train.libsvm" "$DATA/$b.svm" >/dev/null
        row "$b + SVM, paper" "$m" "$DATA/test.csv" --svm "$DATA/$b.svm"
    done
fi
