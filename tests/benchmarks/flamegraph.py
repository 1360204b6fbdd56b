#!/usr/bin/env python3
"""Folds `perf script` output into stacks and draws them as a flame graph.

Usage: perf script -i perf.data | flamegraph.py --title TITLE --folded OUT.folded > OUT.svg
       flamegraph.py --title TITLE --from-folded OUT.folded > OUT.svg   (draw saved stacks again)

Each sample becomes one stack, root first. Frames of JIT-compiled .NET code are named through the
process's perf map (DOTNET_PerfMapEnabled=1); other frames by their symbol, or their library when
perf has no symbol. The SVG needs nothing but a browser: a frame's width is its share of the
samples, hovering shows its name and share, clicking zooms into it (click the bottom bar to reset).
"""
import argparse
import hashlib
import html
import re
import sys
from collections import defaultdict

FRAME = re.compile(r"^\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$")


def frame_name(symbol: str, dso: str) -> str:
    if symbol in ("[unknown]", ""):
        return "[" + dso.rsplit("/", 1)[-1] + "]"
    symbol = re.sub(r"\+0x[0-9a-f]+$", "", symbol)
    # perf-map names: "[instance] <return type> [Assembly] Namespace.Type::Method(args)[Tier]"
    # -> "Namespace.Type::Method" (generic arguments and the assembly dropped).
    if "::" not in symbol:
        return symbol
    head, _, method = symbol.partition("::")
    method = re.split(r"[(\[]", method, 1)[0]
    type_name = re.sub(r"`\d+\[[^\]]*\]", "", head).split(" ")[-1]
    return f"{type_name}::{method}"


def fold(lines):
    stacks = defaultdict(int)
    frames = []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if frames:
                stacks[";".join(reversed(frames))] += 1
                frames = []
            continue
        match = FRAME.match(line)
        if match:
            frames.append(frame_name(match.group(1), match.group(2)))
    if frames:
        stacks[";".join(reversed(frames))] += 1
    return stacks


def tree(stacks):
    root = {"name": "all", "value": 0, "children": {}}
    for stack, count in stacks.items():
        root["value"] += count
        node = root
        for name in stack.split(";"):
            node = node["children"].setdefault(name, {"name": name, "value": 0, "children": {}})
            node["value"] += count
    return root


def color(name):
    digest = hashlib.md5(name.encode()).digest()
    managed = "::" in name
    base = (50, 120, 200) if managed else (220, 110, 40)
    return "rgb({},{},{})".format(*(min(255, c + digest[i] % 55) for i, c in enumerate(base)))


def render(root, title, width=1400, row=17):
    rects = []
    depth_max = [0]

    # Frames under 0.05% of the samples would be under a pixel wide: left out, their share stays in the parent.
    smallest = root["value"] * 0.0005

    def walk(node, x, depth):
        depth_max[0] = max(depth_max[0], depth)
        rects.append((node, x, depth))
        for child in sorted(node["children"].values(), key=lambda c: c["name"]):
            if child["value"] >= smallest:
                walk(child, x, depth + 1)
            x += child["value"]

    walk(root, 0, 0)
    total = root["value"] or 1
    height = (depth_max[0] + 1) * row + 60
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="monospace" font-size="11">',
        "<style>g:hover rect{stroke:#000;stroke-width:0.5} text{pointer-events:none}</style>",
        f'<text x="10" y="20" font-size="15">{html.escape(title)}</text>',
        f'<text x="10" y="38" fill="#555">{total} samples; width = share of on-CPU samples; hover for the share, click to zoom</text>',
        '<g id="frames">',
    ]
    for node, x, depth in rects:
        share = node["value"] / total
        y = height - (depth + 1) * row
        # Drawn in place, so the graph shows without scripts too (an <img>, a viewer); the script only zooms.
        left, wide = x / total * width, node["value"] / total * width
        fit = int((wide - 6) / 6.6)
        name = node["name"]
        shown = "" if fit < 3 else (name if len(name) <= fit else name[: fit - 2] + "..")
        out.append(
            f'<g data-x="{x}" data-w="{node["value"]}" data-d="{depth}" onclick="zoom(this)">'
            f'<title>{html.escape(name)} ({node["value"]} samples, {share:.1%})</title>'
            f'<rect x="{left:.1f}" y="{y}" width="{wide:.1f}" height="{row - 1}" fill="{color(name)}" rx="2"/>'
            f'<text x="{left + 3:.1f}" y="{y + row - 5}">{html.escape(shown)}</text></g>'
        )
    out.append("</g>")
    out.append(f"""<script><![CDATA[
var W={width}, TOTAL={total}, from=0, span=TOTAL, base=0;
function draw(){{
  document.querySelectorAll('#frames > g').forEach(function(g){{
    var x=+g.dataset.x, w=+g.dataset.w, d=+g.dataset.d;
    var r=g.querySelector('rect'), t=g.querySelector('text'), title=g.querySelector('title').textContent;
    var inside = x+w>from && x<from+span && d>=base;
    var px=(x-from)/span*W, pw=w/span*W;
    if(!inside||pw<0.5){{ g.style.display='none'; return; }}
    g.style.display=''; r.setAttribute('x',Math.max(px,0)); r.setAttribute('width',Math.min(pw,W));
    t.setAttribute('x',Math.max(px,0)+3);
    var name=title.replace(/ \\(\\d+ samples.*$/,''), fit=Math.floor((Math.min(pw,W)-6)/6.6);
    t.textContent = fit<3 ? '' : (name.length>fit ? name.slice(0,fit-2)+'..' : name);
  }});
}}
function zoom(g){{ var d=+g.dataset.d; if(d==0){{from=0;span=TOTAL;base=0;}} else {{from=+g.dataset.x; span=+g.dataset.w; base=0;}} draw(); }}
]]></script></svg>""")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--title", default="flame graph")
    parser.add_argument("--folded", help="also write the folded stacks here")
    parser.add_argument("--from-folded", help="read folded stacks from this file instead of perf script")
    args = parser.parse_args()
    if args.from_folded:
        stacks = defaultdict(int)
        with open(args.from_folded) as f:
            for line in f:
                stack, _, count = line.rstrip("\n").rpartition(" ")
                stacks[stack] += int(count)
    else:
        stacks = fold(sys.stdin)
    if args.folded:
        with open(args.folded, "w") as f:
            for stack, count in sorted(stacks.items(), key=lambda s: -s[1]):
                f.write(f"{stack} {count}\n")
    sys.stdout.write(render(tree(stacks), args.title))


if __name__ == "__main__":
    main()
