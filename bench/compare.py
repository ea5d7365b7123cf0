"""Compare two expanders' occurrence lists, series by series.

usage: compare.py NAME_A FILE_A NAME_B FILE_B
Each file has one occurrence per line: a JSON object with "uid" (neitakk
events --format jsonl) or "UID START" (the peers). Start times are written
differently by each tool, so occurrences are counted per UID: a UID listed
more often by one tool counts those extra occurrences to that tool.
"""
import json
import sys
from collections import Counter


def uids(path):
    counts = Counter()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            counts[json.loads(line)["uid"] if line.startswith("{") else line.split()[0]] += 1
    return counts


def main():
    name_a, a, name_b, b = sys.argv[1], uids(sys.argv[2]), sys.argv[3], uids(sys.argv[4])
    only_a = sum((a - b).values())
    only_b = sum((b - a).values())
    differ = sum(1 for u in a.keys() | b.keys() if a[u] != b[u])
    print(f"{name_a}: {sum(a.values())}, {name_b}: {sum(b.values())}; "
          f"{only_a} more in {name_a}, {only_b} more in {name_b}, over {differ} UIDs")


main()
