#!/usr/bin/env bash
# Runs public repositories' own test suites before and after `dotnet format analyzers` applies GilAnalyzers'
# code fixes, the way a user would (README "Install" and "Fix from the command line"), and prints one table.
# See docs/real-test-suites.md for what each repository needed and what the fixes did.
#
# Usage: tools/real-suites.sh MIRROR ARTIFACTS [WORKDIR]
#   MIRROR     folder holding one git repository per project, named owner+name: either owner+name/repo (a git dir
#              as the session's fetch makes it, bare or not) or a plain clone at owner+name.
#   ARTIFACTS  folder with the packed GilAnalyzers package (dotnet pack GilAnalyzers.sln -c Release -o ARTIFACTS
#              -p:Version=SOMETHING-NEW); exactly one GilAnalyzers.<version>.nupkg, or set GIL_VERSION.
#   WORKDIR    where the repositories are checked out afresh (default /tmp/real-suites); deleted per repository.
# Environment: REPOS="compactmpc likhvar ..." picks entries (default: every entry but argon2, whose suite takes
#   ~10 min and whose library has no diagnostic); NUGET_PACKAGES (default WORKDIR/nuget, so no stale package copy).
# Exit status: 0 when every chosen repository built after the fixes with no error and its test counts matched;
#   1 otherwise (also when a suite ran no test or its run was aborted); 2 on missing inputs or a step that could not run.
set -uo pipefail

die() { echo "real-suites: $*" >&2; exit 2; }

[ $# -ge 2 ] || die "usage: tools/real-suites.sh MIRROR ARTIFACTS [WORKDIR]"
MIRROR=$(cd "$1" 2>/dev/null && pwd) || die "MIRROR folder '$1' does not exist"
ARTIFACTS=$(cd "$2" 2>/dev/null && pwd) || die "ARTIFACTS folder '$2' does not exist"
WORK=${3:-/tmp/real-suites}
command -v dotnet >/dev/null || die "dotnet is not on PATH"
command -v git >/dev/null || die "git is not on PATH"

if [ -z "${GIL_VERSION:-}" ]; then
  mapfile -t pkgs < <(cd "$ARTIFACTS" && ls GilAnalyzers.[0-9]*.nupkg 2>/dev/null)
  [ ${#pkgs[@]} -eq 1 ] || die "ARTIFACTS must hold exactly one GilAnalyzers.<version>.nupkg (found ${#pkgs[@]}); set GIL_VERSION to choose"
  GIL_VERSION=${pkgs[0]#GilAnalyzers.}; GIL_VERSION=${GIL_VERSION%.nupkg}
fi
[ -f "$ARTIFACTS/GilAnalyzers.$GIL_VERSION.nupkg" ] || die "no $ARTIFACTS/GilAnalyzers.$GIL_VERSION.nupkg"

mkdir -p "$WORK" || die "cannot create WORKDIR $WORK"
WORK=$(cd "$WORK" && pwd)
export NUGET_PACKAGES=${NUGET_PACKAGES:-$WORK/nuget}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
RULES="GIL001 GIL002 GIL003 GIL004 GIL005 GIL006"

# ---- the repositories: key | owner/name | commit | solution folder | solution | test project (from the folder)
#      | test filter (empty: the whole suite) | project for dotnet format (empty: the solution) ----
ENTRIES=(
  "compactmpc|jnagykuhlen/CompactMPC|a9cebdf5da0ee8be3fe4071372fa8669e766f883|.|CompactMPC.sln|UnitTests|FullyQualifiedName!~NetworkTest&FullyQualifiedName!~SecureComputationTest"
  "likhvar|LikhvarDS/Examples|c2bafe39c73003ac4417f689d3ca1a3e248a78b5|UnitTests|UnitTests.sln|UnitTestProject"
  "codemaze-locking|CodeMazeBlog/CodeMazeGuides|79fe6ef961ee215beb6597ab6432ce559a4da649|csharp-intermediate-topics/LockingMechanismInCSharp|LockingMechanismInCSharp.sln|Tests"
  "codemaze-rwlock|CodeMazeBlog/CodeMazeGuides|79fe6ef961ee215beb6597ab6432ce559a4da649|csharp-intermediate-topics/WhenToUseReaderWriterLockSlimOverLockInCSharp|WhenToUseReaderWriterLockSlimOverLockInCSharp.sln|Tests"
  "linqinfer|roberino/linqinfer|362effbbe7c035ffc14ca58721357067e54563b0|.|tests/LinqInfer.UnitTests/LinqInfer.UnitTests.csproj|tests/LinqInfer.UnitTests|TestCategory!=BuildOmit|src/LinqInfer/LinqInfer.csproj"
  "argon2|mheyman/Isopoh.Cryptography.Argon2|077a71e0e59f47b5e2e3566246ea5e5d9fb2aa19|.|test/Isopoh.Cryptography.Test/Isopoh.Cryptography.Test.csproj|test/Isopoh.Cryptography.Test|FullyQualifiedName!~TestHighMemoryCost"
)
DEFAULT_REPOS="compactmpc likhvar codemaze-locking codemaze-rwlock linqinfer"

# ---- what each repository needs to build and run on .NET 10 / Linux (run in the solution folder) ----
retarget() { # retarget FROM-REGEX TO FILES...: single-target TargetFramework values only
  local from=$1 to=$2; shift 2
  sed -i -E "s#<TargetFramework>($from)</TargetFramework>#<TargetFramework>$to</TargetFramework>#" "$@"
}
drop_package() { # drop_package ID FILES...: removes a PackageReference element (self-closed or with children)
  local id=$1; shift
  perl -0pi -e 's{\s*<PackageReference Include="'"$id"'"[^>]*?(/>|>.*?</PackageReference>)}{}sg' "$@"
}
port_compactmpc() {
  retarget 'net46' net10.0 UnitTests/UnitTests.csproj Application/Application.csproj
  # netstandard1.3 builds, but dotnet format's workspace then loads no references ("Required references did not load")
  retarget 'netstandard1\.3' netstandard2.0 CompactMPC/CompactMPC.csproj SampleCircuits/SampleCircuits.csproj
}
port_likhvar() {
  retarget 'netcoreapp3\.1' net10.0 TestedProject/TestedProject.csproj UnitTestProject/UnitTestProject.csproj
  # TestStack.BDDfy is not served here: its one scenario becomes the same four steps called in order
  drop_package TestStack.BDDfy UnitTestProject/UnitTestProject.csproj
  perl -0pi -e 's/using TestStack\.BDDfy;\r?\n//; s/this\s*\.Given\(_ => _\.GivenDefaultName\(\)\)\s*\.When\(_ => _\.WhenGetStringWithDefaultName\(\)\)\s*\.Then\(_ => _\.ThenResultShouldStartWithHello\(\)\)\s*\.And\(_ => _\.ThenResultShouldContainsName\(\)\)\s*\.BDDfy\(\);/this.GivenDefaultName(); this.WhenGetStringWithDefaultName(); this.ThenResultShouldStartWithHello(); this.ThenResultShouldContainsName();/' UnitTestProject/StringServiceTests.cs
  grep -q BDDfy UnitTestProject/StringServiceTests.cs && { echo "port_likhvar: BDDfy scenario not rewritten" >&2; return 1; }
  # the NUnit tests had no adapter in the project (an IDE extension ran them): add the served one
  sed -i 's#<PackageReference Include="NUnit" Version="3.13.1" />#&\n    <PackageReference Include="NUnit3TestAdapter" Version="4.6.0" />#' UnitTestProject/UnitTestProject.csproj
}
port_codemaze() {
  retarget 'net[5-9]\.0' net10.0 $(find . -name '*.csproj')
}
port_linqinfer() {
  rm -f global.json   # pins SDK 6.0.101
  sed -i 's#net6.0#net10.0#g' src/LinqInfer/LinqInfer.csproj tests/LinqInfer.UnitTests/LinqInfer.UnitTests.csproj
}
port_codemaze-locking() { port_codemaze; }
port_codemaze-rwlock() { port_codemaze; }
port_argon2() {
  local files; files=$(git ls-files '*.csproj')
  # analyzer-only packages that are not served here (SonarAnalyzer 10.15 is not; ConfigureAwaitChecker is not)
  drop_package 'ConfigureAwaitChecker\.Analyzer' $files
  drop_package 'SonarAnalyzer\.CSharp' $files
  # the JetBrains memory profiler API is not served: the test took three snapshots for a profiler, nothing asserted
  drop_package 'JetBrains\.Profiler\.Api' $files
  sed -i '/JetBrains.Profiler.Api.MemoryProfiler.GetSnapshot();/d' test/TestLib/HighMemoryCost.cs
  retarget 'net9\.0' net10.0 test/TestLib/TestLib.csproj test/Isopoh.Cryptography.Test/Isopoh.Cryptography.Test.csproj
  sed -i 's#<TargetFrameworks>net9.0</TargetFrameworks>#<TargetFrameworks>net10.0</TargetFrameworks>#' test/Argon2TestVector/Argon2TestVector.csproj
  # the test-vector source generator runs the C reference argon2; its Unix quoting splits arguments with spaces
  # (Process.Arguments is parsed with the same rules on every OS), so take its Windows branch
  sed -i 's/Environment.OSVersion.Platform == PlatformID.Unix$/Environment.OSVersion.Platform == PlatformID.Unix \&\& false/; s/Environment.OSVersion.Platform == PlatformID.MacOSX)$/Environment.OSVersion.Platform == PlatformID.MacOSX \&\& false)/' test/Argon2TestVectorSourceGenerator/Argon2TestVectorSourceGenerator.cs
  command -v gcc >/dev/null || { echo "port_argon2: gcc is needed for the reference binary" >&2; return 1; }
  mkdir -p Reference/bin/Release
  gcc -O2 -std=gnu99 -pthread -IReference -o Reference/bin/Release/argon2 \
    Reference/argon2.c Reference/blake2b.c Reference/core.c Reference/encoding.c Reference/ref.c Reference/run.c Reference/thread.c || return 1
  export REFERENCE_RUN_PATH=$PWD/Reference/bin/Release/argon2
}

# ---- helpers ----
gitdir_of() { # where the repository of owner/name lives under MIRROR
  local d="$MIRROR/${1/\//+}"
  if [ -d "$d/repo" ]; then echo "$d/repo"; elif [ -d "$d" ]; then echo "$d"; else return 1; fi
}
diag_sites() { # unique rule@file:line of GIL warnings in a build log
  grep -oE '[^ ]+\.cs\([0-9]+,[0-9]+\): warning GIL[0-9]{3}' "$1" | sed -E 's/\(([0-9]+),[0-9]+\): warning (GIL[0-9]{3})/:\1 \2/' | sort -u
}
test_counts() { # "passed/failed/skipped" summed over the summary blocks ("Total tests: N" then "Passed: N" lines)
  local p f s
  p=$(grep -E '^ +Passed: +[0-9]+' "$1" | grep -oE '[0-9]+' | paste -sd+ | bc 2>/dev/null)
  f=$(grep -E '^ +Failed: +[0-9]+' "$1" | grep -oE '[0-9]+' | paste -sd+ | bc 2>/dev/null)
  s=$(grep -E '^ +Skipped: +[0-9]+' "$1" | grep -oE '[0-9]+' | paste -sd+ | bc 2>/dev/null)
  grep -q 'The active test run was aborted' "$1" && { echo "aborted"; return; }
  [ -n "$p$f$s" ] || { echo "none"; return; }
  echo "${p:-0}/${f:-0}/${s:-0}"
}
build_errors() { grep -oE '[0-9]+ Error\(s\)' "$1" | tail -1 | grep -oE '^[0-9]+' || echo "?"; }

command -v bc >/dev/null || die "bc is not on PATH (used to sum test counts)"

ROWS=()
STATUS=0
for key in ${REPOS:-$DEFAULT_REPOS}; do
  entry=""
  for e in "${ENTRIES[@]}"; do [ "${e%%|*}" = "$key" ] && entry=$e; done
  [ -n "$entry" ] || die "unknown repository key '$key' (known: $(printf '%s ' "${ENTRIES[@]%%|*}"))"
  IFS='|' read -r _ repo commit folder target testproj filter fmt_target <<<"$entry"
  fmt_target=${fmt_target:-$target}
  # CompactMPC's TCP tests bind fixed loopback ports one after another: here two fail (connection refused, address
  # in use) and the multi-party set-intersection tests sometimes hang; they are left out. LinqInfer's own CI leaves out
  # TestCategory BuildOmit (a random Markov simulation that fails about 5 runs in 6). Argon2's TestHighMemoryCost
  # takes ~22 GB here and crashed the test host once: left out (see the docs page)
  testargs=(-c Release --logger "console;verbosity=normal" --blame-hang-timeout 5m)
  [ -n "$filter" ] && testargs+=(--filter "$filter")
  src=$(gitdir_of "$repo") || die "no repository for $repo under $MIRROR (expected ${repo/\//+}/repo or ${repo/\//+})"
  out="$WORK/$key"; logs="$WORK/$key.logs"
  rm -rf "$out" "$logs"; mkdir -p "$logs"
  echo "== $key: $repo@${commit:0:12} ($folder)" >&2

  # 1. check out the pinned commit (only the solution folder for the big multi-article repository)
  git clone -q --no-checkout "$src" "$out" || die "$key: clone from $src failed"
  if [ "$folder" != "." ]; then git -C "$out" sparse-checkout set --no-cone "/$folder/" >/dev/null || die "$key: sparse checkout failed"; fi
  if ! git -C "$out" -c advice.detachedHead=false checkout -q "$commit" 2>"$logs/checkout.err"; then
    # a stored snapshot may lack its largest files: check out everything else, and say which are absent
    mapfile -t absent < <(grep -oE "unable to read sha1 file of .* \(" "$logs/checkout.err" | sed -E 's/^unable to read sha1 file of (.*) \($/\1/')
    if [ ${#absent[@]} -gt 0 ] && [ "$folder" = "." ]; then
      git -C "$out" sparse-checkout set --no-cone '/*' "${absent[@]/#/!/}" >/dev/null 2>&1
      git -C "$out" -c advice.detachedHead=false checkout -q "$commit" 2>>"$logs/checkout.err" \
        || die "$key: checkout of $commit failed (see $logs/checkout.err)"
    else
      [ -d "$out/$folder" ] || die "$key: checkout of $commit failed (see $logs/checkout.err)"
    fi
  fi
  if grep -q "unable to read sha1 file of" "$logs/checkout.err"; then
    echo "   files absent from the stored snapshot (not checked out): $(grep -oE 'unable to read sha1 file of [^ ]+' "$logs/checkout.err" | sort -u | sed 's/unable to read sha1 file of //' | tr '\n' ' ')" >&2
  fi
  cd "$out/$folder" || die "$key: no folder $folder at $commit"

  # 2. the small changes to build and run here, then the package source and the package (README steps 2 and 3)
  "port_$key" || die "$key: port step failed"
  rm -f NuGet.config nuget.config NuGet.Config
  cat > NuGet.config <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="gil" value="$ARTIFACTS" />
  </packageSources>
</configuration>
EOF
  [ -f Directory.Build.props ] && die "$key: has its own Directory.Build.props; add the reference by hand"
  cat > Directory.Build.props <<EOF
<Project>
  <ItemGroup>
    <PackageReference Include="GilAnalyzers" Version="$GIL_VERSION" PrivateAssets="all" />
  </ItemGroup>
</Project>
EOF
  git add -A . 2>/dev/null   # the index now holds the ported tree: the fix diff below is against it

  # 3. build (every project compiled, so every warning is printed), list the diagnostics, run the suite
  dotnet build "$target" -c Release --no-incremental >"$logs/build-before.log" 2>&1
  errs_before=$(build_errors "$logs/build-before.log")
  diag_sites "$logs/build-before.log" >"$logs/diagnostics-before.txt"
  start=$(date +%s)
  dotnet test "$testproj" "${testargs[@]}" >"$logs/test-before.log" 2>&1
  t_before=$(( $(date +%s) - start ))
  before=$(test_counts "$logs/test-before.log")

  # 4. the fixes, as README "Fix from the command line" applies them; run again while a pass still changes code,
  #    because a fix can uncover another rule's site (a lock removed from hand-made threads leaves GIL003), at most 3
  passes=0; last=""
  for pass in 1 2 3; do
    dotnet format analyzers "$fmt_target" --diagnostics $RULES --severity info -v diag >"$logs/format-$pass.log" 2>&1 \
      || echo "   dotnet format pass $pass exited non-zero (see $logs/format-$pass.log)" >&2
    now=$(git diff . | sha1sum)
    [ "$now" = "$last" ] && break
    [ -z "$(git diff --name-only .)" ] && break
    passes=$pass; last=$now
    git diff . >"$WORK/$key.fix-pass$pass.diff"
  done
  git diff . >"$WORK/$key.fix.diff"
  files_changed=$(git diff --name-only . | wc -l)

  # 5. build again, list what is left, run the suite again
  dotnet build "$target" -c Release --no-incremental >"$logs/build-after.log" 2>&1
  errs_after=$(build_errors "$logs/build-after.log")
  diag_sites "$logs/build-after.log" >"$logs/diagnostics-after.txt"
  start=$(date +%s)
  dotnet test "$testproj" "${testargs[@]}" >"$logs/test-after.log" 2>&1
  t_after=$(( $(date +%s) - start ))
  after=$(test_counts "$logs/test-after.log")

  # sites are rule@file:line; a fixed site's line may move, so "gone" and "new" are per file and rule
  per_file_rule() { sed -E 's/:[0-9]+ / /' "$1" | sort | uniq -c | awk '{print $3" "$2" "$1}'; }
  gone=0; new=0
  while read -r rule file n; do
    m=$(per_file_rule "$logs/diagnostics-after.txt" | awk -v r="$rule" -v f="$file" '$1==r && $2==f {print $3}')
    [ "${m:-0}" -lt "$n" ] && gone=$((gone + n - ${m:-0}))
  done < <(per_file_rule "$logs/diagnostics-before.txt")
  while read -r rule file n; do
    m=$(per_file_rule "$logs/diagnostics-before.txt" | awk -v r="$rule" -v f="$file" '$1==r && $2==f {print $3}')
    [ "${m:-0}" -lt "$n" ] && new=$((new + n - ${m:-0}))
  done < <(per_file_rule "$logs/diagnostics-after.txt")
  by_rule() { cut -d' ' -f2 "$1" | sort | uniq -c | awk '{printf "%s%s×%s", (NR>1?" ":""), $2, $1}'; }
  r_before=$(by_rule "$logs/diagnostics-before.txt"); r_after=$(by_rule "$logs/diagnostics-after.txt")
  verdict=ok
  if [ "$errs_after" != "0" ] || [ "$before" != "$after" ]; then verdict=DIFFERENT; STATUS=1; fi
  case "$before $after" in *none*|*aborted*) verdict="NOT COMPARED (no complete run)"; STATUS=1 ;; esac
  ROWS+=("| $key | ${commit:0:12} | ${r_before:-none} | ${r_after:-none} | $passes | $gone gone, $new new; $files_changed files changed | $errs_before → $errs_after | $before (${t_before}s) | $after (${t_after}s) | $verdict |")
  cd "$WORK" || exit 2
done

echo
echo "GilAnalyzers $GIL_VERSION; tests as passed/failed/skipped (wall time of dotnet test); diffs in $WORK/<key>.fix.diff"
echo "| repository | commit | GIL diagnostics before | after | format passes that changed code | sites | build errors before → after | tests before | tests after | counts |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${ROWS[@]}"
exit $STATUS
