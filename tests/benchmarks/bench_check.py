"""Benchmark: `parlint check` against merely parsing every line with orjson, measured in one run.

    python tests/benchmarks/bench_check.py [--size-mb 150] [--single-mb 200] [--repeat 1]

What it does:

1. Builds a corpus in a temporary directory from the real Claude Code transcripts in
   ``fixtures/claude-code/real/`` (schema-coverage files left out). Every copy gets fresh ids
   (uuids, session, message, request and tool-call ids get a per-copy suffix), so each copy is
   a distinct session and nothing is deduplicated away. It writes many session files totalling
   ``--size-mb`` and one single transcript of ``--single-mb``.
2. Times the baseline (read every line of every corpus file and ``orjson.loads`` it, in this
   process) and ``parlint check corpus/ --output-format json`` (a subprocess, start-up included,
   with compiled bytecode cached as an installed tool has it),
   best of ``--repeat``, and prints the ratio.
3. Lints the single big transcript in a fresh subprocess and prints its peak RSS next to the
   file size (the parser streams: memory should stay far below the file size).

It measures; it asserts nothing. It is not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import orjson

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCES = ROOT / "fixtures" / "claude-code" / "real"
ID_KEYS = {"uuid", "parentUuid", "logicalParentUuid", "sessionId", "leafUuid", "messageId", "requestId",
           "toolUseID", "parentToolUseID", "sourceToolAssistantUUID", "tool_use_id", "agentId"}


def _fresh(value: object, suffix: str, key: str = "") -> object:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if isinstance(v, str) and (k in ID_KEYS or (k == "id" and key in ("message", "content"))):
                out[k] = v + suffix
            else:
                out[k] = _fresh(v, suffix, k)
        return out
    if isinstance(value, list):
        return [_fresh(v, suffix, "content" if key == "content" else key) for v in value]
    return value


def _sources() -> list[list[bytes]]:
    files = [p for p in sorted(SOURCES.glob("*.jsonl")) if "TRIMMED" not in p.name]
    return [[line for line in p.read_bytes().split(b"\n") if line.strip()] for p in files]


def _copy(lines: list[bytes], n: int) -> bytes:
    suffix = f"-c{n}"
    return b"".join(orjson.dumps(_fresh(orjson.loads(line), suffix)) + b"\n" for line in lines)


def build(root: pathlib.Path, size_mb: float, single_mb: float) -> tuple[pathlib.Path, pathlib.Path]:
    sources = _sources()
    corpus, big = root / "corpus", root / "big"
    corpus.mkdir()
    big.mkdir()
    written, n = 0, 0
    while written < size_mb * 1e6:
        lines = sources[n % len(sources)]
        data = _copy(lines, n)
        (corpus / f"session-{n:05d}.jsonl").write_bytes(data)
        written += len(data)
        n += 1
    single = big / "session.jsonl"
    with open(single, "wb") as fp:
        written = 0
        while written < single_mb * 1e6:
            data = _copy(sources[n % len(sources)], n)
            fp.write(data)
            written += len(data)
            n += 1
    return corpus, single


def baseline(corpus: pathlib.Path) -> float:
    start = time.perf_counter()
    for path in sorted(corpus.glob("*.jsonl")):
        with open(path, "rb") as fp:
            for line in fp:
                orjson.loads(line)
    return time.perf_counter() - start


# The linter runs as an installed tool does: with its compiled bytecode cached. An environment
# that sets PYTHONDONTWRITEBYTECODE would otherwise recompile every module on every run.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def check(target: pathlib.Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "linter", "check", str(target), "--output-format", "json", "--exit-zero"],
                   stdout=subprocess.DEVNULL, check=True, cwd=ROOT, env=ENV)
    return time.perf_counter() - start


def peak_rss_mb(target: pathlib.Path) -> tuple[float, float]:
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
             "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "linter", "check", str(target),
                          "--output-format", "json", "--exit-zero"], capture_output=True, text=True, check=True,
                         cwd=ROOT, env=ENV).stdout.split()
    return float(out[0]), int(out[1]) / 1024  # ru_maxrss is KiB on Linux


def size_mb(path: pathlib.Path) -> float:
    files = [path] if path.is_file() else list(path.glob("*.jsonl"))
    return sum(os.path.getsize(p) for p in files) / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=150.0, help="size of the many-file corpus")
    parser.add_argument("--single-mb", type=float, default=200.0,
                        help="size of the single big transcript (0: skip the memory measurement)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the best counts")
    parser.add_argument("--keep", help="build the corpus in this directory (kept) instead of a temporary one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(args.keep or tmp)
        root.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        corpus, single = build(root, args.size_mb, args.single_mb)
        print(f"built corpus: {size_mb(corpus):.1f} MB in {len(list(corpus.glob('*.jsonl')))} files, "
              f"single transcript: {size_mb(single):.1f} MB ({time.perf_counter() - t0:.1f} s)")
        check(ROOT / "fixtures" / "claude-code" / "par101-serial-reads.jsonl")  # warm the bytecode cache
        base = min(baseline(corpus) for _ in range(args.repeat))
        lint = min(check(corpus) for _ in range(args.repeat))
        print(f"baseline (read + orjson.loads every line): {base:.2f} s")
        print(f"parlint check (one process, start-up included): {lint:.2f} s")
        print(f"ratio check / baseline: {lint / base:.2f}")
        if args.single_mb <= 0:
            return 0
        seconds, rss = peak_rss_mb(single)
        print(f"single transcript {size_mb(single):.1f} MB: {seconds:.2f} s, peak RSS {rss:.1f} MB "
              f"({rss / size_mb(single):.2f} x file size)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
