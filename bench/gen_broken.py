#!/usr/bin/env python3
"""Broken runbooks for comparing the syntax errors of two kdx binaries (bench/check_same.sh).

    bench/gen_broken.py OUTDIR [N_PER_FILE] [SEED]

Takes every runbook of plans/, examples/ and tests/golden/*/ and writes N_PER_FILE
(default 6) broken copies of each into OUTDIR: a character or a word deleted, a bracket,
quote or operator inserted, the file cut short, two lines swapped, a keyword misspelt, a
token where the scanner used to back up inserted (raw UTF-8 bytes cut short among them).
Deterministic for a seed (default 19), so two runs give the same corpus. Prints how many
files it wrote.
"""
import glob
import os
import random
import re
import sys

INSERTS = ['{', '}', '(', ')', '[', ']', '"', '=', ',', '.', ':', '${', '%', '=>', '..',
           '==', '!', '?', ';', 'step', 'after', '1', '5m', 'x',
           # where the scanner used to back up (grammar/lexer.l, test_no_backing_up)
           '1...', '2..%', '1e+', '1.5e-x', '$$', '$$$', '\\u12', '\\u123x',
           # raw bytes (written with surrogateescape): UTF-8 cut short, and a whole one
           '\udce2\udc82', '\udcf0\udc9f\udc98', '\udce2\udc82\udcac']
KEYWORDS = ['step', 'after', 'region', 'resource', 'param', 'runbook', 'import', 'do',
            'undo', 'wait', 'until', 'within', 'every', 'timeout', 'retry', 'approval',
            'scenario', 'action', 'effect', 'when', 'require', 'objectives']


def mutate(text, rng):
    n = len(text)
    if n < 2:
        return text + '{'
    kind = rng.randrange(8)
    pos = rng.randrange(n)
    if kind == 0:  # delete a character
        return text[:pos] + text[pos + 1:]
    if kind == 1:  # delete a word
        words = list(re.finditer(r'[A-Za-z_0-9]+', text))
        if words:
            m = rng.choice(words)
            return text[:m.start()] + text[m.end():]
        return text[:pos]
    if kind == 2:  # insert punctuation or a word
        return text[:pos] + rng.choice(INSERTS) + text[pos:]
    if kind == 3:  # cut short
        return text[:pos]
    if kind == 4:  # swap two adjacent lines
        lines = text.split('\n')
        if len(lines) > 2:
            i = rng.randrange(len(lines) - 1)
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        return '\n'.join(lines)
    if kind == 5:  # misspell a keyword
        kws = [m for m in re.finditer(r'\b(%s)\b' % '|'.join(KEYWORDS), text)]
        if kws:
            m = rng.choice(kws)
            w = m.group(0)
            i = rng.randrange(len(w))
            w = w[:i] + w[i + 1:] if rng.random() < 0.5 else w[:i] + 'x' + w[i:]
            return text[:m.start()] + w + text[m.end():]
        return text[:pos] + '}' + text[pos:]
    if kind == 6:  # two mutations
        return mutate(mutate(text, rng), rng)
    # a token where the scanner used to back up, anywhere (in strings too)
    return text[:pos] + rng.choice(INSERTS[-11:]) + text[pos:]


def main():
    out = sys.argv[1]
    per = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 19
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    srcs = sorted(glob.glob(os.path.join(repo, 'plans', '*.kdx')) +
                  glob.glob(os.path.join(repo, 'examples', '*.kdx')) +
                  glob.glob(os.path.join(repo, 'tests', 'golden', '*', '*.kdx')))
    os.makedirs(out, exist_ok=True)
    rng = random.Random(seed)
    count = 0
    for src in srcs:
        with open(src, encoding='utf-8', errors='surrogateescape') as f:
            text = f.read()
        base = os.path.relpath(src, repo).replace('/', '_')[:-4]
        for i in range(per):
            with open(os.path.join(out, '%s_%d.kdx' % (base, i)), 'w', encoding='utf-8',
                      errors='surrogateescape') as f:
                f.write(mutate(text, rng))
            count += 1
    print('wrote %d broken runbooks to %s' % (count, out))


if __name__ == '__main__':
    main()
