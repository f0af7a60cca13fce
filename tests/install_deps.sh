#!/bin/sh
# Installs the Debian packages a step needs, skipping those already present.
#   tests/install_deps.sh build   compiler, Lua 5.4, SLEEF, stb
#   tests/install_deps.sh test    + PyTorch, ONNX, ONNX's operator tests, Fashion-MNIST,
#                                 scipy, liblinear, the aarch64 cross toolchain and qemu
# Runs apt-get through sudo when not root.
set -e
build_pkgs="make gcc g++ pkg-config lua5.4 liblua5.4-dev libsleef-dev libstb-dev"
test_pkgs="python3 python3-numpy python3-scipy python3-pil python3-opencv python3-torch python3-torchvision python3-onnx
libonnx-testdata dataset-fashion-mnist liblinear-tools gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross
qemu-user clang libclang-rt-14-dev"
case "${1:-build}" in
build) want="$build_pkgs" ;;
test) want="$build_pkgs $test_pkgs" ;;
*) echo "usage: $0 build|test" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
