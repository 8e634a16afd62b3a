#!/usr/bin/env bash
# Analyzer cost benchmark: packs GilAnalyzers, adds the packed analyzer assemblies to a real project's build
# (without editing it), builds it with -p:ReportAnalyzer=true next to the built-in CA analyzers (AnalysisMode=All),
# and prints GilAnalyzers' time as a share of the Csc task time, per analyzer, beside the slowest CA analyzers.
#   tools/measure-analyzer-cost.sh [path/to/project.csproj]   (default: tests/GilAnalyzers.Tests)
#   GIL_COST_WITHOUT_CA=1: plain compile (no CA analyzers); GIL_COST_SERVER=1: compiler server, second of two builds
#   (without it each project gets a fresh compiler process that also pays the analyzers' JIT)
# Measures, one after the other in one run, the assemblies a consumer's build hands to the compiler on this machine —
# the ReadyToRun images (buildTransitive/readytorun/linux-x64/, used where the compiler runs on .NET on linux-x64) —
# and the portable IL assemblies (analyzers/dotnet/cs/, used everywhere else). GIL_COST_ONLY=il|readytorun: one of them.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="${1:-$repo/tests/GilAnalyzers.Tests/GilAnalyzers.Tests.csproj}"
if [[ ! -f "$project" ]]; then
  echo "error: project file not found: $project" >&2
  exit 2
fi
work="$(mktemp -d -t gil-cost-XXXXXX)"
trap 'rm -rf "$work"' EXIT
echo "packing GilAnalyzers..." >&2
dotnet pack "$repo/src/GilAnalyzers.Package" -c Release -o "$work/feed" -v:q -nologo >&2
package="$(ls "$work"/feed/GilAnalyzers.*.nupkg | head -n1)"
mkdir -p "$work/package"
(cd "$work/package" && unzip -q "$package" 'analyzers/*' 'buildTransitive/*')
echo "building the runner..." >&2
dotnet build "$repo/tools/GilAnalyzers.RealCode" -c Release -v:q -nologo >&2
variants=()
if [[ "${GIL_COST_ONLY:-}" != "il" && -f "$work/package/buildTransitive/readytorun/linux-x64/GilAnalyzers.dll" \
      && "$(uname -s)-$(uname -m)" == "Linux-x86_64" ]]; then
  variants+=("readytorun:$work/package/buildTransitive/readytorun/linux-x64")
fi
if [[ "${GIL_COST_ONLY:-}" != "readytorun" ]]; then
  variants+=("il:$work/package/analyzers/dotnet/cs")
fi
for variant in "${variants[@]}"; do
  echo
  echo "== ${variant%%:*} assemblies (${variant#*:})"
  "$repo/tools/GilAnalyzers.RealCode/bin/Release/net10.0/GilAnalyzers.RealCode" cost "$project" ${GIL_COST_WITHOUT_CA:+--without-ca} ${GIL_COST_SERVER:+--compiler-server} \
    --analyzers "${variant#*:}" ${GIL_COST_LOG:+--keep-log "$GIL_COST_LOG.${variant%%:*}"}
done
