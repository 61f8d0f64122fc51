"""Prints the table of `make bench` from the figures the bench-*.sh scripts recorded.

  report.py RESULTS   RESULTS: tab-separated lines "label, value, unit, target, peer, peer value"
                      (Benchmarks/lib.sh's `result`); RESULTS.sections: text printed after.

One line per figure: jobctl's value, its target and verdict, then each peer on its own line
with the ratio jobctl / peer (below 1: jobctl is faster or smaller).
"""
import sys


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def verdict(value, target):
    v = number(value)
    if v is None or not target:
        return ""
    op, _, bound = target.partition(" ")
    b = number(bound)
    if b is None:
        return ""
    ok = v < b if op == "<" else v <= b if op == "<=" else v == b if op == "=" else True
    return "met" if ok else "MISSED"


def show(value, unit):
    v = number(value)
    if v is None:
        return value or "-"
    digits = 0 if abs(v) >= 100 or v == int(v) else 1 if abs(v) >= 1 else 2
    return f"{v:.{digits}f} {unit}".strip()


def rows(path):
    seen = {}
    with open(path) as f:
        for line in f:
            fields = (line.rstrip("\n").split("\t") + [""] * 6)[:6]
            label, value, unit, target, peer, peer_value = fields
            entry = seen.setdefault(label, {"value": value, "unit": unit, "target": target, "peers": []})
            if peer:
                entry["peers"].append((peer, peer_value))
    return seen


def main():
    path = sys.argv[1]
    table = []
    for label, e in rows(path).items():
        target = f"{e['target']} {e['unit']}" if e["target"] else ""
        first = [label, show(e["value"], e["unit"]), target, verdict(e["value"], e["target"])]
        if not e["peers"]:
            table.append(first + ["", "", ""])
        for i, (peer, peer_value) in enumerate(e["peers"]):
            v, p = number(e["value"]), number(peer_value)
            ratio = f"{v / p:.3g}" if v is not None and p else "-"
            table.append((first if i == 0 else ["", "", "", ""]) + [peer, show(peer_value, e["unit"]), ratio])
    header = ["figure", "jobctl", "target", "", "peer (same run)", "peer", "jobctl/peer"]
    widths = [max(len(r[c]) for r in table + [header]) for c in range(len(header))]
    right = {1, 5, 6}

    def fmt(r):
        return "  ".join(r[c].rjust(widths[c]) if c in right else r[c].ljust(widths[c])
                         for c in range(len(r))).rstrip()

    print(fmt(header))
    print("  ".join("-" * w for w in widths))
    for r in table:
        print(fmt(r))
    try:
        with open(path + ".sections") as f:
            print()
            print(f.read().rstrip())
    except FileNotFoundError:
        pass


if __name__ == "__main__":
    main()
