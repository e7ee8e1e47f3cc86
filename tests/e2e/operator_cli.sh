#!/usr/bin/env bash
# The operator commands end to end, as a rule repository's CI and a shell user call them:
# `explain --post -` reads a post line from a pipe (and refuses a line over the limit),
# `check --format json` is valid JSON and `test --format junit` is well-formed XML (parsed by
# Python's own parsers, not by our code), for a passing and a failing rule set; `compare`
# shows a switched-off rule as removed and finds nothing when a configuration meets itself.
set -euo pipefail
binary=$1
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cp -r "$source_dir/config/demo/." "$work/"
sed -i 's|^state_dir: .*|state_dir: state|' "$work/spreekbuis.yaml"
config=$work/spreekbuis.yaml

head -1 "$work/feed.jsonl" | "$binary" explain --config "$config" --post - >"$work/explain.out"
grep -q '^matched:   ' "$work/explain.out" || fail "explain printed no verdict"
grep -q '^routing:   at .* (the post.s created_at), no state yet' "$work/explain.out" ||
    fail "explain did not route at the post's time: $(cat "$work/explain.out")"
grep -q '^route:     team ' "$work/explain.out" || fail "explain printed no route"
[ ! -e "$work/state" ] || fail "explain created the state directory"

python3 -c 'print("{\"id\":\"1\",\"text\":\"" + "a" * (1 << 21) + "\"}")' |
    { "$binary" explain --config "$config" --post - 2>"$work/long.err" && fail "a 2 MB line was accepted" || true; }
grep -q 'longer than 1048576 bytes' "$work/long.err" || fail "no clear error for a long line"

"$binary" check --config "$config" --format json >"$work/check.json"
python3 - "$work/check.json" <<'PY' || fail "check --format json is not what it should be"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["ok"] is True and doc["errors"] == 0 and doc["rules"] > 0, doc
PY
"$binary" test --config "$config" --format junit >"$work/tests.xml"
python3 - "$work/tests.xml" <<'PY' || fail "test --format junit is not well-formed JUnit"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites" and int(root.get("tests")) > 0 and root.get("failures") == "0"
assert sum(len(suite) for suite in root) == int(root.get("tests"))
PY

# compare: the demo rules against a copy with one rule switched off, on the demo feed.
mkdir -p "$work/changed"
cp -r "$source_dir/config/demo/." "$work/changed/"
first_rule=$(grep -m1 -h -o 'id: [a-z0-9-]*' "$work"/rules/*.yaml | cut -d' ' -f2)
printf 'disable_rules: [%s]\n' "$first_rule" >>"$work/changed/rules/zz-off.yaml"
sed -i 's|^state_dir: .*|state_dir: state2|' "$work/changed/spreekbuis.yaml"
"$binary" compare --config "$work/changed/spreekbuis.yaml" --baseline "$config" \
    --input "$work/feed.jsonl" --show 2 >"$work/compare.out"
head -1 "$work/compare.out" | grep -q '^posts: [1-9][0-9]*; decided differently: [1-9]' ||
    fail "compare saw no change: $(cat "$work/compare.out")"
grep -q "^ *+0 *-[1-9][0-9]* .* $first_rule (removed)\$" "$work/compare.out" ||
    fail "compare does not show $first_rule as removed: $(cat "$work/compare.out")"
"$binary" compare --config "$config" --baseline "$config" --input "$work/feed.jsonl" \
    >"$work/same.out"
grep -q '^posts: [1-9][0-9]*; decided differently: 0 (0.0%)$' "$work/same.out" ||
    fail "compare of a configuration with itself found changes"

# A failing test whose text holds markup and a control character, and a broken query.
cat >>"$work/rules/zz-ci.yaml" <<'YAML'
rules:
  - id: ci-check
    query: 'suitcase'
    tests:
      - text: "<b>bag</b> & \x01 \"quotes\""
        expect: {match: true}
YAML
"$binary" test --config "$config" --format junit >"$work/fail.xml" && fail "a failing test passed"
python3 - "$work/fail.xml" <<'PY' || fail "the failing JUnit report does not parse or count"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.get("failures") == "1", root.attrib
failed = [case for suite in root for case in suite if case.find("failure") is not None]
assert len(failed) == 1 and failed[0].get("classname") == "ci-check"
assert "<b>bag</b> &" in failed[0].get("name"), failed[0].get("name")
PY
echo "  - id: ci-broken" >>"$work/rules/zz-ci.yaml"
echo "    query: '(suitcase'" >>"$work/rules/zz-ci.yaml"
"$binary" check --config "$config" --format json >"$work/broken.json" && fail "a broken rule loaded"
python3 - "$work/broken.json" <<'PY' || fail "check --format json does not report the error"
import json, sys
doc = json.load(open(sys.argv[1]))
errors = [d for d in doc["diagnostics"] if d["severity"] == "error"]
assert doc["ok"] is False and errors and errors[0]["file"].endswith("zz-ci.yaml"), doc
assert (errors[0]["line"], errors[0]["column"]) == (8, 13), errors[0]
PY
echo "operator CLI: ok"
