#!/usr/bin/env python3
"""The layering of hacon's sources, checked from their #include lines.

    layering.py [TOP]

Rules (README, Layout):
  core-no-tui     nothing in core/ includes a file of tui/
  steps-no-tui    nothing in core/steps/ includes a file of tui/
  steps-private   a step header (core/steps/*.h) is included only in
                  core/steps/ and by the wizard engine (core/wizard*)
  no-circles      no include circle between files of different modules
                  (a module is x.c, x.h and x_int.h)
  console-private the console's screen (tui/console.h) is included only by
                  the console (console.c, mouse.c, loop.c, main.c): views
                  and modes read tui/model.h and draw with tui/draw.h

Prints one line per rule, "ok RULE" or "FAIL RULE", and below a failing
rule each offending include as FILE:LINE: #include "NAME" (-> RESOLVED).
Exits 1 when a rule fails, 2 on a usage error.
"""
import os
import re
import sys

DIRS = ('core', 'core/steps', 'tui')
INCLUDE = re.compile(r'\s*#\s*include\s+"([^"]+)"')


def sources(top):
    out = []
    for d in DIRS:
        p = os.path.join(top, d)
        if not os.path.isdir(p):
            continue
        for f in sorted(os.listdir(p)):
            if f.endswith(('.c', '.h')):
                out.append(d + '/' + f)
    return out


def resolve(top, src, name, by_base):
    """The tracked file an include names, as the compiler finds it (the
    including file's folder, then -Icore), else by its base name; None
    for a system or generated header."""
    for base in (os.path.dirname(src), 'core'):
        cand = os.path.normpath(os.path.join(base, name))
        if os.path.exists(os.path.join(top, cand)):
            return cand
    return by_base.get(os.path.basename(name))


def includes(top, files):
    by_base = {}
    for f in files:
        if f.endswith('.h'):
            by_base.setdefault(os.path.basename(f), f)
    edges = []      # (src, line, name, target)
    for f in files:
        with open(os.path.join(top, f), errors='replace') as fh:
            for no, line in enumerate(fh, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                t = resolve(top, f, m.group(1), by_base)
                if t is None and 'tui/' in m.group(1):
                    t = os.path.normpath(os.path.join(os.path.dirname(f),
                                                      m.group(1)))
                if t is not None:
                    edges.append((f, no, m.group(1), t))
    return edges


def module(path):
    base = os.path.splitext(path)[0]
    return base[:-4] if base.endswith('_int') else base


def is_engine(path):
    return re.match(r'core/wizard[^/]*\.[ch]$', path) is not None


def is_console(path):
    return re.match(r'tui/(console|mouse|loop|main)\.c$', path) is not None


def circles(edges):
    graph = {}
    for src, _, _, t in edges:
        a, b = module(src), module(t)
        if a != b:
            graph.setdefault(a, set()).add(b)
            graph.setdefault(b, set())
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main(argv):
    if len(argv) > 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    top = argv[1] if len(argv) == 2 else '.'
    edges = includes(top, sources(top))
    bad = {'core-no-tui': [], 'steps-no-tui': [], 'steps-private': [],
           'no-circles': [], 'console-private': []}

    def shown(e):
        return '%s:%d: #include "%s" (-> %s)' % e

    for e in edges:
        src, _, _, t = e
        if src.startswith('core/') and t.startswith('tui/'):
            key = 'steps-no-tui' if src.startswith('core/steps/') \
                else 'core-no-tui'
            bad[key].append(shown(e))
        if t.startswith('core/steps/') and t.endswith('.h') \
                and not src.startswith('core/steps/') and not is_engine(src):
            bad['steps-private'].append(shown(e))
        if t == 'tui/console.h' and src != t and not is_console(src):
            bad['console-private'].append(shown(e))
    for comp in circles(edges):
        members = set(comp)
        bad['no-circles'].append('circle of %d modules: %s'
                                 % (len(comp), ' '.join(comp)))
        for e in edges:
            a, b = module(e[0]), module(e[3])
            if a != b and a in members and b in members:
                bad['no-circles'].append('  ' + shown(e))
    failed = False
    for rule, lines in bad.items():
        print(('FAIL ' if lines else 'ok ') + rule)
        for l in lines:
            print('    ' + l)
        failed = failed or bool(lines)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
