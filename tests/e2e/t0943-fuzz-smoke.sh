#!/usr/bin/env bash
# Issue #16, the fuzz targets' smoke run inside make test: every tests/fuzz/fuzz_*.c is built
# against the library this test run uses (UNIT_DIR/../libkdx.a: the sanitizer build under
# `make asan`) with tests/fuzz/driver.c instead of libFuzzer, and fed its seeds as they are
# and 30 seeded mutations of each. A crash, a sanitizer report or a target's own abort()
# fails it. The long coverage-guided runs are `make fuzz` (docs/testing.md).
. "$(dirname "$0")/lib.sh"
lib="${UNIT_DIR:-$KDX_REPO/build/tests}/../libkdx.a"
[ -f "$lib" ] || skip "no built library at $lib"
cc=${CC:-cc}
san=()
# the sanitizer build's objects need the sanitizer runtimes at link time
nm "$lib" 2>/dev/null | grep -q __asan_report && san=(-fsanitize=address,undefined)
command -v clang >/dev/null && [ ${#san[@]} -gt 0 ] && cc=clang
# shellcheck disable=SC2207 # pkg-config prints a list of flags
libs=($(pkg-config --libs json-c openssl expat libcurl))
# shellcheck disable=SC2207
cflags=($(pkg-config --cflags json-c openssl expat libcurl))
build=$(dirname "$lib")
n=0
for src in "$KDX_REPO"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	"$cc" -O1 -g -std=c11 -D_GNU_SOURCE -I"$KDX_REPO" -I"$build" "${cflags[@]}" "${san[@]}" \
		-o "$E2E_TMP/$name" "$src" "$KDX_REPO/tests/fuzz/driver.c" "$lib" "${libs[@]}" \
		-lm -lpthread 2>"$E2E_TMP/$name.cc" || fail "cannot build $name: $(cat "$E2E_TMP/$name.cc")"
	seeds=$(bash "$KDX_REPO/tests/fuzz/run.sh" seeds "$name" "$E2E_TMP")
	files=("$seeds"/*)
	[ ${#files[@]} -ge 5 ] || fail "$name has only ${#files[@]} seeds in $seeds"
	out=$(cd "$E2E_TMP" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 \
		"$E2E_TMP/$name" -m 30 -s 1 "${files[@]}" 2>&1) ||
		fail "$name failed on its seeds or their mutations (replay: $name -m 30 -s 1 SEEDS): $(tail -30 <<<"$out")"
	grep -q 'runtime error\|ERROR: AddressSanitizer\|ERROR: LeakSanitizer' <<<"$out" &&
		fail "$name: sanitizer report: $(tail -30 <<<"$out")"
	echo "$name: ${out##*$'\n'} over ${#files[@]} seeds"
	n=$((n + 1))
done
[ "$n" -ge 7 ] || fail "only $n fuzz targets"
echo ok
