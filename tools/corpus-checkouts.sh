#!/usr/bin/env bash
# Materialises the checkouts the corpus scorer reads: for every (repository, commit) named in the label files, a folder
# <checkouts>/owner+name@<first 12 hex of the commit> holding that commit's C# and MSBuild files.
# It fetches nothing: each repository must already be a local git clone or mirror, found under $GIL_CORPUS_GIT
# (default /work/.mirror) as owner+name/repo, owner+name.git, owner+name or name.
#   tools/corpus-checkouts.sh <checkouts> tests/RealCorpus/tuned.tsv tests/RealCorpus/held-out.tsv
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 <checkouts-folder> <labels.tsv>..." >&2
  exit 2
fi
out=$1; shift
mirrors=${GIL_CORPUS_GIT:-/work/.mirror}
mkdir -p "$out"
missing=0
while IFS=$'\t' read -r repo commit; do
  name=${repo/\//+}
  dest="$out/$name@${commit:0:12}"
  [ -d "$dest" ] && continue
  gitdir=""
  for candidate in "$mirrors/$name/repo" "$mirrors/$name.git" "$mirrors/$name" "$mirrors/${repo#*/}"; do
    if [ -d "$candidate" ] && git --git-dir="$candidate" rev-parse -q --verify "$commit^{commit}" >/dev/null 2>&1; then
      gitdir=$candidate; break
    fi
    if [ -d "$candidate/.git" ] && git -C "$candidate" rev-parse -q --verify "$commit^{commit}" >/dev/null 2>&1; then
      gitdir="$candidate/.git"; break
    fi
  done
  if [ -z "$gitdir" ]; then
    echo "missing: $repo at $commit (no clone under $mirrors has that commit)" >&2
    missing=$((missing + 1)); continue
  fi
  # A temporary index of the commit, then only the C# and MSBuild files out of it (mirrors may lack large blobs).
  mkdir -p "$dest.tmp"
  index=$(mktemp)
  GIT_INDEX_FILE=$index git --git-dir="$gitdir" read-tree "$commit"
  GIT_INDEX_FILE=$index git --git-dir="$gitdir" ls-files -z \
    | grep -zE '(\.(cs|csproj|props|targets|sln|slnx|json|config|globalconfig|snk)|(^|/)\.editorconfig)$' \
    | GIT_INDEX_FILE=$index git --git-dir="$gitdir" --work-tree="$dest.tmp" checkout-index -z --stdin -f -q \
    || echo "warning: $repo at ${commit:0:12}: some files are not in the clone (large blobs); left out" >&2
  rm -f "$index"
  mv "$dest.tmp" "$dest"
  echo "checked out $repo at ${commit:0:12}"
done < <(cat "$@" | grep -v '^#' | awk -F'\t' 'NF >= 2 { print $1 "\t" $2 }' | sort -u)
echo "$(find "$out" -mindepth 1 -maxdepth 1 -type d | wc -l) checkouts in $out; $missing missing" >&2
[ "$missing" -eq 0 ]
