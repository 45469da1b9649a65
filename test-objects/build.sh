#!/usr/bin/env bash
# test-objects/build.sh - builds the elfdelta test-object corpus into test-objects/out/.
#
# Debian 12 (bookworm) packages needed:
#   bash coreutils findutils gzip binutils nodejs
#   gcc g++ gcc-aarch64-linux-gnu g++-aarch64-linux-gnu gcc-powerpc64le-linux-gnu
#   gcc-powerpc64-linux-gnu gcc-s390x-linux-gnu gcc-riscv64-linux-gnu gcc-i686-linux-gnu
#   gcc-arm-linux-gnueabihf gcc-mips-linux-gnu clang-19 llvm-19
# (each gcc-<triple> pulls in binutils-<triple>, whose <triple>-objcopy makes the gcc zstd variant;
#  llvm-19 provides llvm-readobj-19 for checks; no libc6-dev-*-cross package is needed).
#
# Usage: see `build.sh --help`.  Outputs are deterministic: everything is compiled from a fixed
# directory with -ffile-prefix-map=<that directory>=., fixed output names, no timestamps
# (gzip -n), and the generators use a fixed seed.
set -euo pipefail

SELF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
HERE="$(dirname "$SELF")"

PACKAGES="bash coreutils findutils gzip binutils nodejs gcc g++ gcc-aarch64-linux-gnu g++-aarch64-linux-gnu \
gcc-powerpc64le-linux-gnu gcc-powerpc64-linux-gnu gcc-s390x-linux-gnu gcc-riscv64-linux-gnu gcc-i686-linux-gnu \
gcc-arm-linux-gnueabihf gcc-mips-linux-gnu clang-19 llvm-19"

GCC_TARGETS=(x86_64-gcc aarch64-gcc ppc64le-gcc ppc64-gcc s390x-gcc riscv64-gcc i686-gcc armhf-gcc mips-gcc)
CLANG_TARGETS=(x86_64-clang aarch64-clang riscv64-clang loongarch64-clang ppc64le-clang s390x-clang i686-clang
  armhf-clang)
ALL_TARGETS=("${GCC_TARGETS[@]}" "${CLANG_TARGETS[@]}")

# Sources in src/ and the variants each is built in (on every target unless noted).
C_SOURCES=(types structs_gen code)
STD_VARIANTS=(fs nofs dwarf4 zlib zstd)
CXX_SOURCES=(comdat)
CXX_TARGETS=(x86_64-gcc aarch64-gcc x86_64-clang) # targets that build src/comdat.cc
DWARF2_TARGETS=(x86_64-gcc i686-gcc ppc64-gcc armhf-gcc mips-gcc) # the dwarf2strict variant
KNOWN_VARIANTS=(fs nofs dwarf4 zlib zstd common dwarf2strict)
# Kernel scenarios (kernel-scenarios/<name>/) are built only for these, with kernel_flags below.
KERNEL_TARGETS=(x86_64-gcc x86_64-clang ppc64le-gcc s390x-gcc aarch64-gcc loongarch64-clang)
MANY_SECTIONS_COUNT=70000
MANY_SECTIONS_MAX_BYTES=$((20 * 1024 * 1024)) # larger than this is committed gzip'd

usage() {
  cat <<EOF
Usage: test-objects/build.sh [options]

Builds the elfdelta test-object corpus into test-objects/out/<target>/.

Options:
  --targets LIST      comma-separated subset of targets (default: all)
  --scenarios DIR     scenario sources directory (default: test-objects/scenarios;
                      also \$ELFDELTA_SCENARIOS_DIR)
  --out DIR           output directory (default: test-objects/out; also \$ELFDELTA_OUT_DIR)
  --only-scenarios    rebuild only out/<target>/scenarios/ and out/<target>/kernel-scenarios/
  --kernel-scenarios DIR
                      kernel scenario sources (default: test-objects/kernel-scenarios;
                      also \$ELFDELTA_KERNEL_SCENARIOS_DIR)
  --only-kernel       rebuild only out/<target>/kernel-scenarios/
  --no-many-sections  do not rebuild out/x86_64-gcc/many_sections.o (the slowest step)
  --jobs N            parallel compiler jobs (default: nproc)
  --list-targets      print the target names and exit
  -h, --help          this help

Targets:
  gcc:     ${GCC_TARGETS[*]}
  clang19: ${CLANG_TARGETS[*]}

Variants (out/<target>/<source-stem>.<variant>.o):
  fs            -c -O2 -g -gdwarf-5 -ffunction-sections -fdata-sections   (default)
  nofs          -c -O2 -g -gdwarf-5
  dwarf4        fs with -gdwarf-4
  zlib          fs with -gz=zlib
  zstd          fs with -gz=zstd (clang); gcc 12 lacks -gz=zstd, so fs + <triple>-objcopy
                --compress-debug-sections=zstd
  common        fs with -fcommon (code.c only)
  dwarf2strict  fs with -gdwarf-2 -gstrict-dwarf (gcc: ${DWARF2_TARGETS[*]})

Scenarios: every DIR/<name>/ holding orig.c + patched.c (or orig.cc + patched.cc) and an optional
build.json {"lang"?: "c"|"c++", "cflags"?: [..], "targets"?: [..], "variants"?: ["fs","nofs"]} is
built into out/<target>/scenarios/<name>/{orig,patched}.<variant>.o.  Both sides are compiled under
the same file name, <name>.c (or .cc), like two builds of one source tree.

Kernel scenarios: every KDIR/<name>/ (except KDIR/include/) holding orig.c + patched.c, an
expect.json and an optional build.json {"profile"?: "kernel", "cflags"?: [..], "targets"?: [..]} is
built with the flags of a kernel build (below) and -I KDIR/include (kernel.h) for
${KERNEL_TARGETS[*]}
into out/<target>/kernel-scenarios/<name>/{orig,patched}.fs.o.
$(for t in "${KERNEL_TARGETS[@]}"; do kernel_flags "$t"; printf '  %-18s %s\n' "$t" "${KFLAGS[*]}"; done)

Debian 12 packages needed:
  $PACKAGES
EOF
}

die() {
  echo "build.sh: $*" >&2
  exit 1
}

contains() {
  local needle=$1
  shift
  local x
  for x in "$@"; do [[ $x == "$needle" ]] && return 0; done
  return 1
}

# target_info TARGET: sets KIND (gcc|clang), CC, CXX (may be empty), TFLAGS (array), OBJCOPY.
target_info() {
  TFLAGS=()
  CXX=""
  case $1 in
  *-gcc)
    KIND=gcc
    local triple
    case $1 in
    x86_64-gcc) triple=x86_64-linux-gnu ;;
    aarch64-gcc) triple=aarch64-linux-gnu ;;
    ppc64le-gcc) triple=powerpc64le-linux-gnu ;;
    ppc64-gcc) triple=powerpc64-linux-gnu ;;
    s390x-gcc) triple=s390x-linux-gnu ;;
    riscv64-gcc) triple=riscv64-linux-gnu ;;
    i686-gcc) triple=i686-linux-gnu ;;
    armhf-gcc) triple=arm-linux-gnueabihf ;;
    mips-gcc) triple=mips-linux-gnu ;;
    *) die "unknown target $1" ;;
    esac
    if [[ $1 == x86_64-gcc ]]; then
      CC=gcc CXX=g++ OBJCOPY=objcopy
    else
      CC=$triple-gcc OBJCOPY=$triple-objcopy
      if command -v "$triple-g++" >/dev/null 2>&1; then CXX=$triple-g++; fi
    fi
    ;;
  *-clang)
    KIND=clang CC=clang-19 CXX=clang++-19 OBJCOPY=llvm-objcopy-19
    case $1 in
    x86_64-clang) TFLAGS=(--target=x86_64-linux-gnu) ;;
    aarch64-clang) TFLAGS=(--target=aarch64-linux-gnu) ;;
    riscv64-clang) TFLAGS=(--target=riscv64-linux-gnu) ;;
    loongarch64-clang) TFLAGS=(--target=loongarch64-linux-gnu) ;;
    ppc64le-clang) TFLAGS=(--target=powerpc64le-linux-gnu) ;;
    s390x-clang) TFLAGS=(--target=s390x-linux-gnu) ;;
    i686-clang) TFLAGS=(--target=i686-linux-gnu) ;;
    armhf-clang) TFLAGS=(--target=armv7a-linux-gnueabihf -mthumb) ;;
    *) die "unknown target $1" ;;
    esac
    ;;
  *) die "unknown target $1" ;;
  esac
}

# variant_flags VARIANT: sets VFLAGS (array).
variant_flags() {
  local fs=(-O2 -g -gdwarf-5 -ffunction-sections -fdata-sections)
  case $1 in
  fs) VFLAGS=("${fs[@]}") ;;
  nofs) VFLAGS=(-O2 -g -gdwarf-5) ;;
  dwarf4) VFLAGS=(-O2 -g -gdwarf-4 -ffunction-sections -fdata-sections) ;;
  zlib) VFLAGS=("${fs[@]}" -gz=zlib) ;;
  zstd) VFLAGS=("${fs[@]}") ;; # -gz=zstd added for clang; objcopy afterwards for gcc
  common) VFLAGS=("${fs[@]}" -fcommon) ;;
  dwarf2strict) VFLAGS=(-O2 -g -gdwarf-2 -gstrict-dwarf -ffunction-sections -fdata-sections) ;;
  *) die "unknown variant $1" ;;
  esac
}

# kernel_flags TARGET: sets KFLAGS (array), the flags of a kernel build for kernel scenarios
# (see kernel-scenarios/README.md).  -fno-PIE as the kernel's top-level Makefile adds it; the
# profiling entry differs per architecture: -pg -mfentry (x86-64; gcc also -mrecord-mcount,
# which clang 19 rejects for x86), -pg -mprofile-kernel (ppc64le), -pg -mfentry -mrecord-mcount
# -mnop-mcount (s390x), -fpatchable-function-entry=2 (aarch64, loongarch64).
kernel_flags() {
  local common=(-O2 -fno-PIE -fno-stack-protector -ffunction-sections -fdata-sections -g -gdwarf-5)
  case $1 in
  x86_64-gcc)
    KFLAGS=("${common[@]}" -pg -mfentry -mrecord-mcount -mcmodel=kernel -mno-red-zone -fno-asynchronous-unwind-tables)
    ;;
  x86_64-clang)
    KFLAGS=("${common[@]}" -pg -mfentry -mcmodel=kernel -mno-red-zone -fno-asynchronous-unwind-tables)
    ;;
  ppc64le-gcc) KFLAGS=("${common[@]}" -pg -mprofile-kernel -mcmodel=medium) ;;
  s390x-gcc) KFLAGS=("${common[@]}" -pg -mfentry -mrecord-mcount -mnop-mcount) ;;
  aarch64-gcc) KFLAGS=("${common[@]}" -fpatchable-function-entry=2 -mbranch-protection=none) ;;
  loongarch64-clang) KFLAGS=("${common[@]}" -fpatchable-function-entry=2) ;;
  *) die "no kernel flags for target $1" ;;
  esac
}

# One compile job.  Fields are tab-separated; extra cflags are separated by \x1f.
#   target variant lang cwd src out extra
run_job() {
  local target variant lang cwd src out extra
  IFS=$'\t' read -r target variant lang cwd src out extra <<<"$1"
  target_info "$target"
  if [[ $variant == kernel ]]; then
    kernel_flags "$target" # kernel scenarios: the flags of a kernel build instead of a variant's
    VFLAGS=("${KFLAGS[@]}")
  else
    variant_flags "$variant"
  fi
  local compiler=$CC std=-std=gnu17
  if [[ $lang == c++ ]]; then
    if [[ -z $CXX ]]; then
      echo "FAILED ${out#"$OUT"/}: $target has no C++ compiler" >&2
      printf '%s\n' "${out#"$OUT"/} (no C++ compiler)" >>"$FAILURES"
      return 0
    fi
    compiler=$CXX std=-std=gnu++17
  fi
  local flags=("${TFLAGS[@]}" -c "$std" "${VFLAGS[@]}" "-ffile-prefix-map=$cwd=." "-ffile-prefix-map=$HERE=.")
  if [[ $KIND == gcc ]]; then
    # GCC's <stdint.h> defers to the C library's in hosted mode, and not every cross target has
    # one: include/stdint.h forwards to GCC's own <stdint-gcc.h>.  No libc headers are reachable.
    flags+=(-nostdinc -isystem "$HERE/include" -isystem "$("$compiler" -print-file-name=include)")
    flags+=("-frandom-seed=$src") # identical for both sides of a scenario
  else
    flags+=(-nostdlibinc) # clang's own headers only (there is no loongarch64 sysroot)
    [[ $variant == zstd ]] && flags+=(-gz=zstd)
  fi
  if [[ -n $extra ]]; then
    local -a xs
    IFS=$'\x1f' read -r -a xs <<<"$extra"
    flags+=("${xs[@]}")
  fi
  mkdir -p "$(dirname "$out")"
  local log rc=0
  if [[ $KIND == gcc && $variant == zstd ]]; then
    log=$(cd "$cwd" && "$compiler" "${flags[@]}" "$src" -o "$out.tmp" 2>&1 &&
      "$OBJCOPY" --compress-debug-sections=zstd "$out.tmp" "$out" 2>&1) || rc=$?
    rm -f "$out.tmp"
  else
    log=$(cd "$cwd" && "$compiler" "${flags[@]}" "$src" -o "$out" 2>&1) || rc=$?
  fi
  if ((rc != 0)); then
    rm -f "$out"
    printf '%s\n' "FAILED ${out#"$OUT"/}: $compiler ${flags[*]} $src" "$log" >&2
    printf '%s\n' "${out#"$OUT"/}" >>"$FAILURES"
    return 0 # keep going; the summary reports failures and the exit status is non-zero
  fi
  if [[ -n $log && -n ${ELFDELTA_VERBOSE:-} ]]; then printf '%s\n' "${out#"$OUT"/}:" "$log" >&2; fi
  return 0
}

# Internal entry point used by xargs for parallel jobs.
if [[ ${1:-} == __job ]]; then
  run_job "$2"
  exit 0
fi

# ------------------------------------------------------------------ options
TARGETS=("${ALL_TARGETS[@]}")
SCEN_DIR=${ELFDELTA_SCENARIOS_DIR:-$HERE/scenarios}
OUT=${ELFDELTA_OUT_DIR:-$HERE/out}
ONLY_SCENARIOS=0
KSCEN_DIR=${ELFDELTA_KERNEL_SCENARIOS_DIR:-$HERE/kernel-scenarios}
ONLY_KERNEL=0
MANY_SECTIONS=1
JOBS=$(nproc 2>/dev/null || echo 2)
while (($# > 0)); do
  case $1 in
  -h | --help)
    usage
    exit 0
    ;;
  --list-targets)
    printf '%s\n' "${ALL_TARGETS[@]}"
    exit 0
    ;;
  --targets)
    (($# >= 2)) || die "--targets needs a value"
    IFS=, read -r -a TARGETS <<<"$2"
    shift 2
    ;;
  --scenarios)
    (($# >= 2)) || die "--scenarios needs a value"
    SCEN_DIR=$2
    shift 2
    ;;
  --out)
    (($# >= 2)) || die "--out needs a value"
    OUT=$2
    shift 2
    ;;
  --only-scenarios)
    ONLY_SCENARIOS=1
    shift
    ;;
  --kernel-scenarios)
    (($# >= 2)) || die "--kernel-scenarios needs a value"
    KSCEN_DIR=$2
    shift 2
    ;;
  --only-kernel)
    ONLY_KERNEL=1
    shift
    ;;
  --no-many-sections)
    MANY_SECTIONS=0
    shift
    ;;
  --jobs)
    (($# >= 2)) || die "--jobs needs a value"
    JOBS=$2
    shift 2
    ;;
  *) die "unknown option $1 (see --help)" ;;
  esac
done
for t in "${TARGETS[@]}"; do contains "$t" "${ALL_TARGETS[@]}" || die "unknown target '$t'"; done
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "--jobs must be a positive integer"

# ------------------------------------------------------------ tool checks
missing=()
need_tool() { command -v "$1" >/dev/null 2>&1 || missing+=("$1"); }
need_tool node
need_tool readelf
need_tool gzip
for t in "${TARGETS[@]}"; do
  target_info "$t"
  need_tool "$CC"
  need_tool "$OBJCOPY"
done
if ((${#missing[@]} > 0)); then
  die "missing tools: ${missing[*]} (Debian packages: $PACKAGES)"
fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
if [[ -d $SCEN_DIR ]]; then SCEN_DIR=$(cd "$SCEN_DIR" && pwd); fi
if [[ -d $KSCEN_DIR ]]; then KSCEN_DIR=$(cd "$KSCEN_DIR" && pwd); fi
# --only-kernel: neither the main sources nor the general scenarios
if ((ONLY_KERNEL)); then ONLY_SCENARIOS=1; fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/elfdelta-objs.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
FAILURES=$WORK/failures
: >"$FAILURES"
export HERE OUT FAILURES
JOBFILE=$WORK/jobs
: >"$JOBFILE"

# add_job target variant lang cwd src out [extra]
add_job() {
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "${7:-}" >>"$JOBFILE"
}

# ------------------------------------------------------------ main sources
if ((!ONLY_SCENARIOS)); then
  # structs_gen.c is committed; regenerate it so that it always matches the generator.
  node "$HERE/src/gen-structs.mjs" >"$WORK/structs_gen.c"
  if ! cmp -s "$WORK/structs_gen.c" "$HERE/src/structs_gen.c"; then
    cp "$WORK/structs_gen.c" "$HERE/src/structs_gen.c"
    echo "build.sh: regenerated src/structs_gen.c"
  fi
  for t in "${TARGETS[@]}"; do
    for s in "${C_SOURCES[@]}"; do
      for v in "${STD_VARIANTS[@]}"; do
        add_job "$t" "$v" c "$HERE" "src/$s.c" "$OUT/$t/$s.$v.o"
      done
      if [[ $s == code ]]; then add_job "$t" common c "$HERE" "src/$s.c" "$OUT/$t/$s.common.o"; fi
      if contains "$t" "${DWARF2_TARGETS[@]}"; then
        add_job "$t" dwarf2strict c "$HERE" "src/$s.c" "$OUT/$t/$s.dwarf2strict.o"
      fi
    done
    if contains "$t" "${CXX_TARGETS[@]}"; then
      for s in "${CXX_SOURCES[@]}"; do
        for v in "${STD_VARIANTS[@]}"; do
          add_job "$t" "$v" c++ "$HERE" "src/$s.cc" "$OUT/$t/$s.$v.o"
        done
      done
    fi
  done
fi

# ------------------------------------------------------------ scenarios
SCENARIO_COUNT=0
# An invalid scenario (e.g. one still being written) is reported and fails the build at the end,
# but does not stop the others from being built.
scenario_failed() {
  echo "build.sh: scenario $1: $2" >&2
  printf '%s\n' "scenario $1: $2" >>"$FAILURES"
}
if [[ -d $SCEN_DIR ]] && ((!ONLY_KERNEL)); then
  for dir in "$SCEN_DIR"/*/; do
    [[ -d $dir ]] || continue
    dir=${dir%/}
    name=$(basename "$dir")
    if [[ ! $name =~ ^[A-Za-z0-9_.+-]+$ ]]; then
      scenario_failed "$name" "name has unsupported characters"
      continue
    fi
    # build.json -> lang, cflags (\x1f-joined), targets, variants (comma-joined), one per line
    cfg=$(node -e '
      const fs = require("node:fs");
      const [dir, name, targets, variants] = process.argv.slice(1);
      const has = (f) => fs.existsSync(dir + "/" + f);
      let j = {};
      if (has("build.json")) {
        try { j = JSON.parse(fs.readFileSync(dir + "/build.json", "utf8")); }
        catch (e) { console.error(`scenario ${name}: bad build.json: ${e.message}`); process.exit(1); }
        if (j === null || typeof j !== "object" || Array.isArray(j)) { console.error(`scenario ${name}: build.json must be an object`); process.exit(1); }
        for (const k of Object.keys(j)) if (!["lang","cflags","targets","variants"].includes(k)) { console.error(`scenario ${name}: unknown build.json key "${k}"`); process.exit(1); }
      }
      const strs = (k) => { const v = j[k]; if (v === undefined) return undefined;
        if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) { console.error(`scenario ${name}: "${k}" must be an array of strings`); process.exit(1); }
        return v; };
      let lang = j.lang ?? (has("orig.cc") ? "c++" : "c");
      if (lang !== "c" && lang !== "c++") { console.error(`scenario ${name}: lang must be "c" or "c++"`); process.exit(1); }
      const ext = lang === "c++" ? "cc" : "c";
      for (const side of ["orig", "patched"]) if (!has(side + "." + ext)) { console.error(`scenario ${name}: missing ${side}.${ext}`); process.exit(1); }
      for (const t of strs("targets") ?? []) if (!targets.split(",").includes(t)) { console.error(`scenario ${name}: unknown target "${t}"`); process.exit(1); }
      for (const v of strs("variants") ?? []) if (!variants.split(",").includes(v)) { console.error(`scenario ${name}: unknown variant "${v}"`); process.exit(1); }
      const cflags = strs("cflags") ?? [];
      if (cflags.some((f) => /[\t\n\x1f]/.test(f))) { console.error(`scenario ${name}: cflags may not contain tabs or newlines`); process.exit(1); }
      process.stdout.write([lang, cflags.join("\x1f"), (strs("targets") ?? []).join(","), (strs("variants") ?? ["fs"]).join(",")].join("\n") + "\n");
    ' "$dir" "$name" "$(IFS=,; echo "${ALL_TARGETS[*]}")" "$(IFS=,; echo "${KNOWN_VARIANTS[*]}")" 2>&1) || {
      scenario_failed "$name" "${cfg#"scenario $name: "}"
      continue
    }
    {
      IFS= read -r lang
      IFS= read -r cflags
      IFS= read -r starg
      IFS= read -r svar
    } <<<"$cfg"
    ext=c
    [[ $lang == c++ ]] && ext=cc
    IFS=, read -r -a svariants <<<"$svar"
    if [[ -n $starg ]]; then
      IFS=, read -r -a stargets <<<"$starg"
    else
      stargets=()
      for t in "${ALL_TARGETS[@]}"; do
        target_info "$t"
        # C++ scenarios default to the targets that have a C++ compiler
        if [[ $lang == c || -n $CXX ]]; then stargets+=("$t"); fi
      done
    fi
    SCENARIO_COUNT=$((SCENARIO_COUNT + 1))
    for side in orig patched; do
      # Both sides are compiled as <name>.<ext> from a staging copy of the scenario directory, so
      # that file names, DW_AT_name and comp_dir ('.') are identical in orig and patched objects.
      stage=$WORK/stage/$name/$side
      mkdir -p "$stage"
      cp -R "$dir"/. "$stage"/
      cp "$dir/$side.$ext" "$stage/$name.$ext"
      for t in "${stargets[@]}"; do
        contains "$t" "${TARGETS[@]}" || continue
        for v in "${svariants[@]}"; do
          add_job "$t" "$v" "$lang" "$stage" "$name.$ext" "$OUT/$t/scenarios/$name/$side.$v.o" "$cflags"
        done
      done
    done
  done
fi

# ------------------------------------------------------------ kernel scenarios
# kernel-scenarios/<name>/{orig.c,patched.c,expect.json[,build.json]}, compiled like the general
# scenarios (a staging copy, both sides as <name>.c) but with kernel_flags, for KERNEL_TARGETS
# only, and with a copy of kernel-scenarios/include/ in the staging directory (-I include), so
# that kernel.h is named include/kernel.h in both objects whatever the checkout path.
KSCENARIO_COUNT=0
if [[ -d $KSCEN_DIR ]]; then
  [[ -f $KSCEN_DIR/include/kernel.h ]] || scenario_failed "kernel-scenarios" "missing include/kernel.h"
  for dir in "$KSCEN_DIR"/*/; do
    [[ -d $dir ]] || continue
    dir=${dir%/}
    name=$(basename "$dir")
    [[ $name == include ]] && continue
    if [[ ! $name =~ ^[A-Za-z0-9_.+-]+$ ]]; then
      scenario_failed "kernel/$name" "name has unsupported characters"
      continue
    fi
    # build.json -> cflags (\x1f-joined), targets (comma-joined), "." (so that $(...) keeps the
    # empty lines), one per line
    cfg=$(node -e '
      const fs = require("node:fs");
      const [dir, name, ktargets] = process.argv.slice(1);
      const fail = (m) => { console.error(`scenario kernel/${name}: ${m}`); process.exit(1); };
      const has = (f) => fs.existsSync(dir + "/" + f);
      for (const f of ["orig.c", "patched.c", "expect.json"]) if (!has(f)) fail(`missing ${f}`);
      try { JSON.parse(fs.readFileSync(dir + "/expect.json", "utf8")); } catch (e) { fail(`bad expect.json: ${e.message}`); }
      let j = {};
      if (has("build.json")) {
        try { j = JSON.parse(fs.readFileSync(dir + "/build.json", "utf8")); } catch (e) { fail(`bad build.json: ${e.message}`); }
        if (j === null || typeof j !== "object" || Array.isArray(j)) fail("build.json must be an object");
        for (const k of Object.keys(j)) if (!["profile", "cflags", "targets"].includes(k)) fail(`unknown build.json key "${k}"`);
        if (j.profile !== undefined && j.profile !== "kernel") fail(`"profile" must be "kernel"`);
      }
      const strs = (k) => { const v = j[k]; if (v === undefined) return undefined;
        if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) fail(`"${k}" must be an array of strings`);
        return v; };
      for (const t of strs("targets") ?? []) if (!ktargets.split(",").includes(t)) fail(`"${t}" is not a kernel target (${ktargets})`);
      const cflags = strs("cflags") ?? [];
      if (cflags.some((f) => /[\t\n\x1f]/.test(f))) fail("cflags may not contain tabs or newlines");
      process.stdout.write([cflags.join("\x1f"), (strs("targets") ?? []).join(","), "."].join("\n") + "\n");
    ' "$dir" "$name" "$(IFS=,; echo "${KERNEL_TARGETS[*]}")" 2>&1) || {
      scenario_failed "kernel/$name" "${cfg#"scenario kernel/$name: "}"
      continue
    }
    {
      IFS= read -r cflags
      IFS= read -r starg
    } <<<"$cfg"
    if [[ -n $starg ]]; then
      IFS=, read -r -a stargets <<<"$starg"
    else
      stargets=("${KERNEL_TARGETS[@]}")
    fi
    kextra="-I"$'\x1f'"include"
    [[ -n $cflags ]] && kextra+=$'\x1f'"$cflags"
    KSCENARIO_COUNT=$((KSCENARIO_COUNT + 1))
    for side in orig patched; do
      stage=$WORK/kstage/$name/$side
      mkdir -p "$stage/include"
      cp -R "$dir"/. "$stage"/
      cp -R "$KSCEN_DIR/include"/. "$stage/include"/
      cp "$dir/$side.c" "$stage/$name.c"
      for t in "${stargets[@]}"; do
        contains "$t" "${TARGETS[@]}" || continue
        add_job "$t" kernel c "$stage" "$name.c" "$OUT/$t/kernel-scenarios/$name/$side.fs.o" "$kextra"
      done
    done
  done
fi

# ------------------------------------------------------------ clean outputs
# Only now, after every scenario has been read: stale outputs of removed sources go away.
for t in "${TARGETS[@]}"; do
  if ((ONLY_KERNEL)); then
    rm -rf "${OUT:?}/$t/kernel-scenarios"
  elif ((ONLY_SCENARIOS)); then
    rm -rf "${OUT:?}/$t/scenarios" "${OUT:?}/$t/kernel-scenarios"
  elif [[ -d $OUT/$t ]]; then
    # keep many_sections.o(.gz) unless it is rebuilt below
    find "$OUT/$t" -mindepth 1 -maxdepth 1 ! -name 'many_sections.o*' -exec rm -rf {} +
  fi
  mkdir -p "$OUT/$t"
done

# ------------------------------------------------------------ run
njobs=$(wc -l <"$JOBFILE")
echo "build.sh: $njobs compile jobs, ${#TARGETS[@]} targets, $SCENARIO_COUNT scenarios, $KSCENARIO_COUNT kernel scenarios, $JOBS parallel"
if ((njobs > 0)); then
  xargs -a "$JOBFILE" -d '\n' -n 1 -P "$JOBS" bash "$SELF" __job
fi

# ------------------------------------------------------------ many_sections (x86_64-gcc only)
if ((!ONLY_SCENARIOS && MANY_SECTIONS)) && contains x86_64-gcc "${TARGETS[@]}"; then
  echo "build.sh: many_sections.o ($MANY_SECTIONS_COUNT functions, takes a minute)"
  ms=$WORK/many
  mkdir -p "$ms"
  node "$HERE/src/gen-many-sections.mjs" "$MANY_SECTIONS_COUNT" >"$ms/many_sections.c"
  rm -f "$OUT/x86_64-gcc/many_sections.o" "$OUT/x86_64-gcc/many_sections.o.gz"
  (cd "$ms" && gcc -c -O1 -g0 -ffunction-sections -ffile-prefix-map="$ms"=. many_sections.c \
    -o "$OUT/x86_64-gcc/many_sections.o")
  hdr=$(readelf -h "$OUT/x86_64-gcc/many_sections.o")
  grep -Eq 'Number of section headers:[[:space:]]+0 \(' <<<"$hdr" ||
    die "many_sections.o does not use extended numbering: $(grep 'section headers' <<<"$hdr")"
  grep -E 'Number of section headers|Section header string table index' <<<"$hdr" | sed 's/^ */  /'
  size=$(stat -c %s "$OUT/x86_64-gcc/many_sections.o")
  if ((size > MANY_SECTIONS_MAX_BYTES)); then
    gzip -9 -n "$OUT/x86_64-gcc/many_sections.o"
    echo "  $size bytes > $MANY_SECTIONS_MAX_BYTES: stored as many_sections.o.gz"
  else
    echo "  $size bytes"
  fi
fi

# ------------------------------------------------------------ summary
echo "build.sh: summary (objects, ELF class / data / machine of the first object)"
for t in "${TARGETS[@]}"; do
  n=$(find "$OUT/$t" -name '*.o' | wc -l)
  first=$(find "$OUT/$t" -maxdepth 1 -name '*.fs.o' | LC_ALL=C sort | head -n 1)
  desc="-"
  if [[ -n $first ]]; then
    desc=$(readelf -h "$first" | awk -F: '/Class:|Data:|Machine:/ { gsub(/^ +/, "", $2); printf "%s / ", $2 }')
    desc=${desc% / }
  fi
  printf '  %-18s %4d  %s\n' "$t" "$n" "$desc"
done
if [[ -s $FAILURES ]]; then
  echo "build.sh: $(wc -l <"$FAILURES") FAILED:" >&2
  LC_ALL=C sort "$FAILURES" | sed 's/^/  /' >&2
  exit 1
fi
echo "build.sh: done ($(du -sh "$OUT" | cut -f1) in ${OUT})"
