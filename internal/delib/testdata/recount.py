#!/usr/bin/env python3
"""Recount a closed vote from its published receipts, independently of gongzhi.

Reads the answer of GET /api/v1/votes/{id}/receipts on stdin and prints the
tally recounted from its items as JSON: {"tally": {choice: n}, "ballots": n,
"matches": true|false}. "matches" says whether the recount equals the tally
published beside the items. Exits 1 when the receipts are malformed: a
receipt repeated, or not 10 characters of Crockford's base32.
"""
import json
import re
import sys

doc = json.load(sys.stdin)
tally = {choice: 0 for choice in doc.get("tally", {})}
seen = set()
for item in doc["items"]:
    receipt = item["receipt"]
    if not re.fullmatch(r"[0-9ABCDEFGHJKMNPQRSTVWXYZ]{10}", receipt):
        sys.exit("malformed receipt: %r" % receipt)
    if receipt in seen:
        sys.exit("receipt counted twice: %s" % receipt)
    seen.add(receipt)
    tally[item["choice"]] = tally.get(item["choice"], 0) + 1
json.dump({"tally": tally, "ballots": len(seen), "matches": tally == doc.get("tally")}, sys.stdout, ensure_ascii=False, sort_keys=True)
print()
