#!/bin/sh
# The paper's claims at small scale (`make results`): runs `cam eval --json
# --per-image` for every row of models/RESULTS.md into OUT, logging each
# command and its wall time to OUT/commands.txt; models/make_results.py then
# writes the tables.
# usage: sh tests/eval/results.sh BUILD/cam DATA_DIR UNSEEN_DIR OUT [MODELS_DIR]
#   DATA_DIR/test.csv: the 10-class test split; UNSEEN_DIR/{train,test}.csv:
#   classes 5-9 only. BACKPROP_LIMIT (env, default 2000): images for the
#   Backprop rows (a prefix of the test split: Backprop is ~15x slower).
set -e
CAM=$1
DATA=$2
UNSEEN=$3
OUT=$4
MODELS=${5:-models}
BP=${BACKPROP_LIMIT:-2000}
[ -x "$CAM" ] && [ -f "$DATA/test.csv" ] && [ -f "$UNSEEN/train.csv" ] && [ -n "$OUT" ] ||
    { echo "usage: results.sh CAM DATA_DIR UNSEEN_DIR OUT [MODELS_DIR]" >&2; exit 2; }
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.csv "$OUT"/*.svm "$OUT"/*.txt
LOG=$OUT/commands.txt

now() { date +%s.%N; }
logrun() { # name, stdout file, then the command
    name=$1
    out=$2
    shift 2
    t0=$(now)
    "$@" > "$out"
    dt=$(awk "BEGIN { printf \"%.1f\", $(now) - $t0 }")
    printf '%s\t%s\t%s\n' "$name" "$dt" "$*" >> "$LOG"
    echo "results: $name ($dt s)" >&2
}
ev() { # name, model, csv, then options
    name=$1
    shift
    logrun "$name" "$OUT/$name.json" "$CAM" eval "$@" --json --quiet --per-image "$OUT/$name.csv"
}

GAP=$MODELS/fmnist-gap.onnx
GMP=$MODELS/fmnist-gmp.onnx
G05=$MODELS/fmnist-gap-05.onnx
T=$DATA/test.csv
ev gap-cam "$GAP" "$T"
[ -f "$GMP" ] && ev gmp-cam "$GMP" "$T"
ev gap-backprop "$GAP" "$T" --method backprop --limit "$BP"
ev gap-backprop-smooth4 "$GAP" "$T" --method backprop --smooth 4 --limit "$BP"
ev center "$GAP" "$T" --method center

# Paper section 4: a linear SVM on GAP features of classes the network never
# saw (5-9 for fmnist-gap-05.onnx), its weights used as CAM weights. The same
# with fmnist-gap.onnx (which saw them) as the upper bound.
awk -F, 'NR > 1 { print $1, $2 }' "$UNSEEN/train.csv" > "$UNSEEN/train.list"
awk -F, 'NR > 1 { print $1, $2 }' "$UNSEEN/test.csv" > "$UNSEEN/test.list"
for m in "$G05" "$GAP"; do
    [ -f "$m" ] || continue
    b=$(basename "$m" .onnx)
    logrun "$b-features" /dev/null "$CAM" features "$m" "$UNSEEN/train.list" --out "$OUT/$b.train.libsvm" --labels
    logrun "$b-features-test" /dev/null "$CAM" features "$m" "$UNSEEN/test.list" --out "$OUT/$b.test.libsvm" --labels
    logrun "$b-svm-train" /dev/null liblinear-train -q -s 1 -B 1 "$OUT/$b.train.libsvm" "$OUT/$b.svm"
    logrun "$b-svm-predict" "$OUT/$b.predict.txt" liblinear-predict "$OUT/$b.test.libsvm" "$OUT/$b.svm" "$OUT/$b.test.pred"
    ev "$b-unseen-svm" "$m" "$UNSEEN/test.csv" --svm "$OUT/$b.svm"
done
ev unseen-center "$GAP" "$UNSEEN/test.csv" --method center
