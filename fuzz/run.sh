#!/usr/bin/env bash
# Builds the FT1 fuzz harness with libFuzzer and AddressSanitizer, and runs it.
#   fuzz/run.sh [seconds]      default 600; findings go to fuzz/artifacts/
# The corpus (fuzz/corpus/) is seeded from the spec's vectors and grows across runs.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
mkdir -p fuzz/build fuzz/corpus fuzz/artifacts

swiftc -O -g -sanitize=fuzzer,address -parse-as-library -module-name Shared \
    -I Shared/COpenSSL -I Shared/CSQLite \
    $(find Shared/Sources -name '*.swift' | sort) fuzz/TokenFuzz.swift \
    -lcrypto -lsqlite3 -o fuzz/build/token-fuzz

# Seeds: every vector token as target 0 (text), a minimal key file as target 3.
python3 - <<'PY'
import json, hashlib, pathlib
vectors = json.load(open("Tests/SharedTests/Fixtures/token-v1.json"))
corpus = pathlib.Path("fuzz/corpus")
seeds = [b"\x00" + v["token"].encode() for v in vectors["valid"] + vectors["invalid"]]
keys = {"format": "festivalgate-keys/1", "keys": [{"kid": k["kid"], "status": "active" if i == 0 else "retired",
        "aes_key": k["aes_key"], "ed25519_public_key": k["ed25519_public_key"], "ed25519_seed": k["ed25519_seed"]}
        for i, k in enumerate(vectors["keys"])]}
seeds.append(b"\x03" + json.dumps(keys).encode())
for seed in seeds:
    (corpus / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
PY

fuzz/build/token-fuzz -max_total_time="$seconds" -max_len=4096 -timeout=5 -rss_limit_mb=4096 \
    -artifact_prefix=fuzz/artifacts/ -print_final_stats=1 fuzz/corpus
