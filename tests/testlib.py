"""Helpers shared by the Python test drivers (tests/grad/, tests/vis/): one
line per check, "ok NAME" or "not ok NAME: why", counted by
tests/run_tests.sh, and a runner for the C programs they drive.

A driver imports it by path (tests/ is not a package):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import testlib"""
import shlex
import subprocess
import sys

failed = 0  # checks that failed so far; a driver exits 1 when it is not 0


def report(ok, name, why=""):
    global failed
    if ok:
        print("ok " + name)
    else:
        failed += 1
        print("not ok %s: %s" % (name, why))
    # flushed so the lines interleave rightly with what the C programs print
    sys.stdout.flush()


def prefix_arg(i):
    """The RUN_PREFIX (valgrind, qemu) given as argument i, split like the shell."""
    return shlex.split(sys.argv[i]) if len(sys.argv) > i else []


def run(prefix, program, *args):
    """Runs program with args under prefix; returns (exit code, stdout, stderr)."""
    r = subprocess.run(prefix + [program] + [str(a) for a in args], capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr
