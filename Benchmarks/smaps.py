"""Where an idle process's resident memory goes, from /proc/PID/smaps (bench-scheduler.sh).

  smaps.py PID [BINARY]   one table: resident kB per group of mappings (the binary, the Swift
                          runtime, Foundation, ICU, SQLite, libc, the heap, thread stacks, malloc
                          arenas, other anonymous memory), split into file-backed and anonymous,
                          then, when BINARY has a symbol table and /proc/PID/pagemap is readable,
                          the binary's resident pages by Swift module (NIO, Hummingbird, GRDB, …).

File-backed pages are clean pages of the files (shared with every process that maps them, and
dropped first under memory pressure); anonymous pages are the process's own, including the pages
of a file mapping it wrote (relocations). RSS counts both.
"""
import bisect
import os
import re
import struct
import subprocess
import sys

# (group, pattern on the mapping's file name), first match wins.
GROUPS = [
    ("ICU (lib_FoundationICU)", r"lib_FoundationICU|libicu"),
    ("FoundationInternationalization", r"libFoundationInternationalization"),
    ("FoundationEssentials", r"libFoundationEssentials"),
    ("Foundation (libFoundation)", r"libFoundation\.so|libFoundationNetworking|libFoundationXML"),
    ("libswiftCore", r"libswiftCore\.so"),
    ("Swift concurrency, Dispatch", r"libswift_Concurrency|libdispatch|libswiftDispatch|libBlocksRuntime"),
    ("other Swift libraries", r"libswift"),
    ("SQLite (libsqlite3)", r"libsqlite3"),
    ("libstdc++, libgcc, libm", r"libstdc\+\+|libgcc_s|libm\.so"),
    ("libc, ld.so, other system", r"\.so"),
]
HEADER = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S{4}) ([0-9a-f]+) \S+ (\d+)\s*(.*)$")
ARENA_ALIGN = 64 << 20  # glibc's non-main malloc arenas are 64 MiB-aligned heaps


def read_maps(pid):
    """The mappings of PID: dicts with start, end, perms, offset, name, Rss, Anonymous (kB)."""
    maps = []
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            m = HEADER.match(line)
            if m:
                maps.append({"start": int(m[1], 16), "end": int(m[2], 16), "perms": m[3],
                             "offset": int(m[4], 16), "inode": int(m[5]), "name": m[6].strip(),
                             "Rss": 0, "Anonymous": 0})
            elif maps:
                key, _, value = line.partition(":")
                if key in ("Rss", "Anonymous"):
                    maps[-1][key] = int(value.split()[0])
    return maps


def classify(maps, index, binary):
    """The group of maps[index]; an unnamed mapping right after a file's is that file's .bss."""
    m = maps[index]
    name = m["name"]
    if not name and index > 0 and maps[index - 1]["end"] == m["start"] and maps[index - 1]["name"]:
        name = maps[index - 1]["name"]
    if name and binary and os.path.realpath(name) == os.path.realpath(binary):
        return "the jobctl binary" if "jobctl" in os.path.basename(binary) else "the binary"
    if name == "[heap]":
        return "anonymous: heap (brk)"
    if name.startswith("[stack"):
        return "anonymous: main thread stack"
    if name.startswith("["):
        return "anonymous: vdso, vvar"
    if not name:
        below = maps[index - 1] if index > 0 else None
        if below and below["end"] == m["start"] and below["perms"] == "---p" and below["end"] - below["start"] <= 65536:
            return "anonymous: thread stacks"
        if m["start"] % ARENA_ALIGN == 0:
            return "anonymous: malloc arenas (threads)"
        return "anonymous: other (mmap'd malloc, runtime)"
    for group, pattern in GROUPS:
        if re.search(pattern, name):
            return group
    return "other files"


def breakdown(pid, binary):
    maps = read_maps(pid)
    groups = {}
    for i, m in enumerate(maps):
        g = groups.setdefault(classify(maps, i, binary), {"Rss": 0, "Anonymous": 0})
        for key in ("Rss", "Anonymous"):
            g[key] += m[key]
    return maps, groups


def print_groups(groups):
    total = {k: sum(g[k] for g in groups.values()) for k in ("Rss", "Anonymous")}
    print(f"  {'mapping':<44} {'RSS kB':>8} {'file kB':>8} {'anon kB':>8}")
    for name, g in sorted(groups.items(), key=lambda kv: -kv[1]["Rss"]):
        if g["Rss"]:
            print(f"  {name:<44} {g['Rss']:>8} {g['Rss'] - g['Anonymous']:>8} {g['Anonymous']:>8}")
    print(f"  {'total':<44} {total['Rss']:>8} {total['Rss'] - total['Anonymous']:>8} {total['Anonymous']:>8}")


# Swift module of a mangled symbol: $s<len><name>…; $ss / $sS… is the standard library.
SWIFT_MODULE = re.compile(r"^\$s(\d+)([A-Za-z_][A-Za-z0-9_]*)")


def module_of(symbol):
    if symbol.startswith(("$ss", "$sS")):
        return "Swift (stdlib)"
    m = SWIFT_MODULE.match(symbol)
    if m:
        name = m[2][: int(m[1])]
        for prefix, label in (("NIO", "NIO"), ("_NIO", "NIO"), ("CNIO", "NIO"), ("Hummingbird", "Hummingbird"),
                              ("HTTPTypes", "Hummingbird"), ("ServiceLifecycle", "Hummingbird"),
                              ("AsyncAlgorithms", "Hummingbird"), ("_Async", "Hummingbird"),
                              ("Foundation", "Foundation"), ("_Foundation", "Foundation")):
            if name.startswith(prefix):
                return label
        return name
    if symbol.startswith("$s"):
        return "Swift (other)"
    if symbol.startswith(("_ZN5swift", "swift_", "_swift", "_ZN6__swift")):
        return "Swift runtime (C++)"
    if "icu" in symbol.lower():
        return "ICU"
    if symbol.startswith(("sqlite3", "_sqlite")):
        return "SQLite"
    if symbol.startswith(("CNIO", "c_nio", "cnio")):
        return "NIO"
    return "C and other"


def symbols(binary):
    """(addresses, ends, modules) of the binary's sized symbols, sorted by address."""
    try:
        out = subprocess.run(["nm", "-S", "--defined-only", binary], capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    rows = []
    for line in out.splitlines():
        parts = line.split(maxsplit=3)
        if len(parts) == 4:
            rows.append((int(parts[0], 16), int(parts[1], 16), module_of(parts[3])))
    rows.sort()
    return rows


def sections(binary):
    """(address, end, name) of the binary's allocated sections, sorted by address."""
    try:
        out = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    found = []
    for line in out.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", line)
        if m and int(m[2], 16):
            found.append((int(m[2], 16), int(m[2], 16) + int(m[3], 16), m[1]))
    return sorted(found)


def module_pages(pid, binary, maps):
    """kB of the binary's resident pages per module (a page split by the bytes each covers);
    bytes no sized symbol covers go to their ELF section (relocations, Swift metadata, …)."""
    rows = symbols(binary)
    if not rows:
        return None
    starts = [r[0] for r in rows]
    section_rows = [(lo, hi - lo, f"section {name}") for lo, hi, name in sections(binary)]
    section_starts = [r[0] for r in section_rows]
    own = [m for m in maps if m["name"] and os.path.realpath(m["name"]) == os.path.realpath(binary)]
    if not own:
        return None
    base = min(m["start"] - m["offset"] for m in own)
    per_module = {}
    try:
        pagemap = open(f"/proc/{pid}/pagemap", "rb")
    except OSError:
        return None
    with pagemap:
        for m in own:
            pages = (m["end"] - m["start"]) // 4096
            pagemap.seek(m["start"] // 4096 * 8)
            entries = struct.unpack(f"{pages}Q", pagemap.read(pages * 8))
            for n, entry in enumerate(entries):
                if not entry >> 63 & 1:
                    continue
                lo = m["start"] + n * 4096 - base
                covered = bytearray(4096)
                attribute(rows, starts, lo, covered, per_module)
                attribute(section_rows, section_starts, lo, covered, per_module)
                rest = covered.count(0)
                if rest:
                    per_module["(between sections)"] = per_module.get("(between sections)", 0) + rest
    return per_module


def attribute(rows, starts, lo, covered, per_module):
    """Adds to per_module the bytes of page [lo, lo + 4096) that rows cover and that earlier
    rows did not (aliases and nested symbols count once)."""
    hi = lo + 4096
    i = max(0, bisect.bisect_right(starts, lo) - 1)
    # A long row (a section) may start far below lo: look back over the rows that could reach it.
    j = i
    while j > 0 and j > i - 64:
        j -= 1
    for start, size, module in rows[j:]:
        if start >= hi:
            break
        a, b = max(lo, start) - lo, min(hi, start + size) - lo
        if b > a:
            new = covered[a:b].count(0)
            if new:
                covered[a:b] = b"\x01" * (b - a)
                per_module[module] = per_module.get(module, 0) + new


def main():
    pid = int(sys.argv[1])
    binary = sys.argv[2] if len(sys.argv) > 2 else os.readlink(f"/proc/{pid}/exe")
    maps, groups = breakdown(pid, binary)
    print_groups(groups)
    per_module = module_pages(pid, binary, maps)
    if per_module:
        total = sum(per_module.values())
        print(f"  the binary's resident pages by Swift module, or ELF section where no symbol covers"
              f" them ({total // 1024} kB):")
        for module, size in sorted(per_module.items(), key=lambda kv: -kv[1])[:16]:
            print(f"    {module:<42} {size // 1024:>8} kB")
    else:
        print("  (the binary's pages by module: no symbol table or no /proc/PID/pagemap)")


if __name__ == "__main__":
    main()
