#!/usr/bin/env bash
# The six crates a user needs — braze-segments-codegen, -api, -httpmock, braze-segments,
# -mock-server, -cli — packaged (`cargo package`), unpacked side by side outside this repository,
# and built from those packages alone: what `cargo package`'s own verification proves, once for
# all six (its verification builds each package with its own features, compiling hyper, reqwest
# and the rest up to six times over). Each braze-segments* dependency of a package points at
# the unpacked package of that crate, so nothing of the repository is read. Then the generated
# crates regenerate their code from their packaged spec under their `codegen` feature, and their
# unit tests compare it with their packaged snapshot.
#
# Needs a clean tree (CI's fresh clone); locally, commit first. Uses the workspace's target
# directory (CARGO_TARGET_DIR, else target/): the dependencies' units are the run command's.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
crates=(braze-segments-codegen braze-segments-api braze-segments-httpmock braze-segments
  braze-segments-mock-server braze-segments-cli)

rm -rf "$CARGO_TARGET_DIR/package"
cargo package --locked --no-verify $(printf -- '-p %s ' "${crates[@]}")

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for crate in "${crates[@]}"; do
  tar -xzf "$CARGO_TARGET_DIR/package/$crate-"[0-9]*.crate -C "$work"
done
# A workspace of the unpacked packages, each braze-segments* dependency given the path of its
# package (a packaged manifest names it by version only, as crates.io would serve it).
python3 - "$work" "${crates[@]}" <<'PY'
import os, re, sys
work, crates = sys.argv[1], sys.argv[2:]
dirs = {c: next(d for d in os.listdir(work) if re.fullmatch(re.escape(c) + r"-\d+\.\d+\.\d+.*", d)) for c in crates}
for crate, d in dirs.items():
    path = os.path.join(work, d, "Cargo.toml")
    text = open(path).read()
    for dep, dep_dir in dirs.items():
        # [dependencies.NAME], [dev-dependencies.NAME], [build-dependencies.NAME] tables
        text = re.sub(
            r"(\n\[(?:dev-|build-)?dependencies\.%s\]\n)" % re.escape(dep),
            r'\1path = "../%s"\n' % dep_dir,
            text,
        )
    open(path, "w").write(text)
members = ", ".join('"%s"' % d for d in dirs.values())
open(os.path.join(work, "Cargo.toml"), "w").write('[workspace]\nresolver = "2"\nmembers = [%s]\n' % members)
PY
# The repository's lock file: the same crates.io versions as every other build here (not
# --locked: cargo drops the entries only the repository's other crates use).
cp Cargo.lock "$work/Cargo.lock"
cd "$work"
# The generation function is built once, as the generated crates' build dependency (feature
# codegen) below: as a member of this build too it would be a second copy of progenitor's stack
# (target side beside host side), about 25 s.
cargo build --workspace --exclude braze-segments-codegen
cargo test --lib --features codegen -p braze-segments-api -p braze-segments-httpmock
echo "the six packages build from their contents alone, and the generated ones regenerate their snapshots"
