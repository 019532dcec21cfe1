# tests/tui/rows_apart.py PAGES N KIND: read the screens of every page of a list (80x24 tmux
# captures, separated by form feeds) and check that the name column shows N different texts
# (no two rows alike). KIND: channel or parameter; the name column runs from the row mark to the
# first number column, found from the header ("bins" or "value", right-aligned in 5 or 11 cells).
import sys

pages = open(sys.argv[1], encoding="utf-8").read().split("\f")
n, kind = int(sys.argv[2]), sys.argv[3]
num, numw = ("bins", 5) if kind == "channel" else ("value", 11)
seen = {}
for pg in pages:
    lines = pg.split("\n")
    head = [i for i, l in enumerate(lines) if l.startswith("│") and kind in l]
    if not head:
        continue
    h = lines[head[0]]
    end = h.index(num) + len(num) - numw  # the name column ends where the number field starts
    for l in lines[head[0] + 1:]:
        if not l.startswith("│"):
            break
        text = l[3:end].rstrip()
        if text:
            seen.setdefault(text, set()).add(l[end:].split("│")[0].strip())
dups = {k: v for k, v in seen.items() if len(v) > 1}
if len(seen) != n or dups:
    print("name column shows %d different texts for %d rows" % (len(seen), n))
    for k, v in list(dups.items())[:10]:
        print("  same text %r on rows with %s" % (k, sorted(v)))
    sys.exit(1)
print("%s: %d rows, %d different names" % (kind, n, len(seen)))
