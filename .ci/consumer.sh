#!/usr/bin/env bash
# A workspace outside this repository depends on braze-segments — once as a path dependency,
# once as a git dependency on this clone's HEAD (CI runs on a clean clone, so HEAD is what is
# tested) — builds, and fetches one segment from the stand-in (tests/consumer/main.rs).
# The two builds share the workspace's target directory (CI's CARGO_TARGET_DIR, else target/), so
# the second compiles only the crates of this repository, and both reuse what the packages'
# verification compiled.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
rev="$(git -C "$repo" rev-parse HEAD)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for kind in path git; do
  case "$kind" in
    path)
      sdk="path = \"$repo/crates/braze-segments\""
      stand_in="path = \"$repo/crates/braze-segments-mock-server\""
      ;;
    git)
      sdk="git = \"file://$repo\", rev = \"$rev\""
      stand_in="$sdk"
      ;;
  esac
  dir="$work/$kind-consumer"
  mkdir -p "$dir/src"
  cat >"$dir/Cargo.toml" <<TOML
[package]
name = "braze-segments-consumer"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
braze-segments = { $sdk }
braze-segments-mock-server = { $stand_in }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }

# A workspace of its own, whatever directory it sits in.
[workspace]
TOML
  cp "$repo/tests/consumer/main.rs" "$dir/src/main.rs"
  # The repository's lock file pins the crates.io versions CI tests with; cargo adds the
  # consumer itself and, for the git build, the git source.
  cp "$repo/Cargo.lock" "$dir/Cargo.lock"

  printf -- '--- %s dependency: %s\n' "$kind" "$sdk"
  out="$(cd "$dir" && cargo run --quiet)"
  echo "$out"
  expected="consumer fetched 6d68ea15-26c4-4109-835a-65b81773a5e2: Lapsed Users - 7 days"
  if [ "$out" != "$expected" ]; then
    echo "the $kind consumer printed the wrong thing; expected: $expected" >&2
    exit 1
  fi
  if [ "$kind" = git ] && ! grep -q "git+file://$repo?rev=$rev#$rev" "$dir/Cargo.lock"; then
    echo "the git consumer did not build braze-segments from git at $rev" >&2
    exit 1
  fi
done
