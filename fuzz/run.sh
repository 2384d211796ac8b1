#!/usr/bin/env bash
# Builds the fuzz harnesses with libFuzzer and AddressSanitizer, and runs each in turn.
#   fuzz/run.sh [seconds] [token|kiosk]   default 600 seconds for each; findings go to fuzz/artifacts/
# token: the FT1 decoder and key files (fuzz/TokenFuzz.swift).
# kiosk: the Y4M reader and the ticket import parser (fuzz/KioskFuzz.swift).
# The corpora (fuzz/corpus/, fuzz/corpus-kiosk/) are seeded and grow across runs.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
only=${2:-}
mkdir -p fuzz/build fuzz/corpus fuzz/corpus-kiosk fuzz/artifacts
shared_sources=$(find Shared/Sources -name '*.swift' | sort)
# Shared and the kiosk import swift-system's SystemPackage: SwiftPM builds it (release), the
# harnesses link its objects, uninstrumented (AddressSanitizer still checks our code).
swift build -c release --target SystemPackage >/dev/null
bin=$(swift build -c release --show-bin-path)
system_flags=(-I "$bin/Modules" -I .build/checkouts/swift-system/Sources/CSystem/include)
system_objects=("$bin"/SystemPackage.build/*.o "$bin"/CSystem.build/*.o)

if [ -z "$only" ] || [ "$only" = token ]; then
    swiftc -O -g -sanitize=fuzzer,address -parse-as-library -module-name Shared \
        -I Shared/COpenSSL -I Shared/CSQLite "${system_flags[@]}" \
        $shared_sources fuzz/TokenFuzz.swift "${system_objects[@]}" \
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
fi

if [ -z "$only" ] || [ "$only" = kiosk ]; then
    # Shared as a module of its own first (the kiosk files import it), then the kiosk files.
    mkdir -p fuzz/build/shared
    swiftc -O -g -sanitize=fuzzer,address -parse-as-library -module-name Shared -emit-library -static \
        -emit-module -emit-module-path fuzz/build/shared/Shared.swiftmodule \
        -I Shared/COpenSSL -I Shared/CSQLite "${system_flags[@]}" $shared_sources -o fuzz/build/shared/libShared.a
    swiftc -O -g -sanitize=fuzzer,address -parse-as-library -module-name Kiosk \
        -I Shared/COpenSSL -I Shared/CSQLite "${system_flags[@]}" -I fuzz/build/shared -L fuzz/build/shared -lShared \
        Kiosk/Sources/Frames/Y4MReader.swift \
        Kiosk/Sources/Scanning/GreyFrame.swift \
        Kiosk/Sources/Replica/TicketImport.swift Kiosk/Sources/Replica/ReplicaTicket.swift fuzz/KioskFuzz.swift \
        "${system_objects[@]}" -lcrypto -lsqlite3 -o fuzz/build/kiosk-fuzz

    # Seeds: small Y4M streams (mono and 420jpeg, two frames) as target 0, an import file as target 1.
    python3 - <<'PY'
import hashlib, pathlib
corpus = pathlib.Path("fuzz/corpus-kiosk")
mono = b"YUV4MPEG2 W16 H16 F30:1 Ip A1:1 Cmono\n" + (b"FRAME\n" + bytes(range(256))) * 2
color = b"YUV4MPEG2 W16 H16 F25:1 C420jpeg\n" + (b"FRAME\n" + bytes(256) + bytes(128)) * 2
imported = (b'{"format": "festivalgate-kiosk-import/1", "event_id": 7, "exported_at": 1790000000, "tickets": ['
            b'{"ticket_id": "1234", "status": "valid", "holder": "Ada", "seat": "A-1", "ticket_class": 1, '
            b'"used_at": 1790003600, "used_gate": "North-1"}], "revoked": ["5678"]}')
for seed in [b"\x00" + mono, b"\x00" + color, b"\x01" + imported]:
    (corpus / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
PY

    fuzz/build/kiosk-fuzz -max_total_time="$seconds" -max_len=16384 -timeout=5 -rss_limit_mb=4096 \
        -artifact_prefix=fuzz/artifacts/ -print_final_stats=1 fuzz/corpus-kiosk
fi
