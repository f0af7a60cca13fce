#!/bin/sh
# examples/minimal.c end to end: the dress sample gets class Dress and a box
# that overlaps the ground truth of samples.csv; bad arguments fail cleanly.
prefix=$1
build=$2
out=$(mktemp -d)
line=$($prefix "$build/minimal" models/fmnist-gap.onnx models/samples/00002_dress.png "$out/dress.png" 2>&1)
echo "# $line"
case "$line" in
"Dress (class 3): box "*) echo "ok minimal_classifies_dress" ;;
*) echo "not ok minimal_classifies_dress: got '$line'" ;;
esac
# IoU of the printed box with the ground truth (inclusive pixels) must be >= 0.5
gt=$(grep '^00002_dress.png,' models/samples/samples.csv | cut -d, -f3-6 | tr , ' ')
set -- $(echo "$line" | sed 's/.*box //') $gt
iou=$(awk -v a="$1" -v b="$2" -v c="$3" -v d="$4" -v e="$5" -v f="$6" -v g="$7" -v h="$8" 'BEGIN {
    ix = (c < g ? c : g) - (a > e ? a : e) + 1; iy = (d < h ? d : h) - (b > f ? b : f) + 1;
    inter = (ix > 0 && iy > 0) ? ix * iy : 0;
    u = (c - a + 1) * (d - b + 1) + (g - e + 1) * (h - f + 1) - inter;
    printf "%.3f", inter / u }')
if awk -v v="$iou" 'BEGIN { exit !(v >= 0.5) }'; then
    echo "ok minimal_box_iou_with_ground_truth ($iou)"
else
    echo "not ok minimal_box_iou_with_ground_truth: IoU $iou"
fi
if [ -s "$out/dress.png" ]; then echo "ok minimal_writes_picture"; else echo "not ok minimal_writes_picture"; fi
if $prefix "$build/minimal" models/missing.onnx x y 2>"$out/err"; then
    echo "not ok minimal_missing_model_fails: exit status 0"
elif grep -q "minimal: error: models/missing.onnx" "$out/err"; then
    echo "ok minimal_missing_model_fails"
else
    echo "not ok minimal_missing_model_fails: $(cat "$out/err")"
fi
rm -rf "$out"
