#!/usr/bin/env python3
"""The matrices of Winograd's F(m, r) on 8-point tiles, in exact fractions
(Lavin & Gray's construction with the points 0, 1, -1, 2, -2, 1/2, -1/2 and
infinity), checked on random integer signals: AT [(G g) * (BT d)] equals the
correlation y[i] = sum_k g[k] d[i + k].

    scripts/winograd_matrices.py        prints F(4, 5)'s and F(6, 3)'s matrices
    scripts/winograd_matrices.py --c    prints the C functions of Sources/CWinograd/winograd_kernels.h
                                        that apply them and their transposes (zero terms left out)
"""
from fractions import Fraction as F
import random
import sys

POINTS = [F(0), F(1), F(-1), F(2), F(-2), F(1, 2), F(-1, 2)]


def poly_mul(p, q):
    out = [F(0)] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        for j, b in enumerate(q):
            out[i + j] += a * b
    return out


def matrices(m, r):
    """AT (m x 8), G (8 x r), BT (8 x 8) for F(m, r) with m + r - 1 == 8."""
    n = m + r - 1
    assert n == len(POINTS) + 1
    at = [[p ** i for p in POINTS] + [F(1) if i == m - 1 else F(0)] for i in range(m)]
    g = []
    for j, p in enumerate(POINTS):
        f = F(1)
        for l, q in enumerate(POINTS):
            if l != j:
                f *= p - q
        g.append([p ** k / f for k in range(r)])
    g.append([F(0)] * (r - 1) + [F(1)])
    bt = []
    for j, p in enumerate(POINTS):
        poly = [F(1)]
        for l, q in enumerate(POINTS):
            if l != j:
                poly = poly_mul(poly, [-q, F(1)])
        bt.append(poly + [F(0)] * (n - len(poly)))
    poly = [F(1)]
    for q in POINTS:
        poly = poly_mul(poly, [-q, F(1)])
    bt.append(poly)
    return at, g, bt


def apply(matrix, v):
    return [sum(a * b for a, b in zip(row, v)) for row in matrix]


def check(m, r):
    at, g, bt = matrices(m, r)
    rng = random.Random(1)
    for _ in range(20):
        d = [F(rng.randint(-9, 9)) for _ in range(8)]
        w = [F(rng.randint(-9, 9)) for _ in range(r)]
        y = apply(at, [a * b for a, b in zip(apply(g, w), apply(bt, d))])
        assert y == [sum(w[k] * d[i + k] for k in range(r)) for i in range(m)], f"F({m}, {r}) is wrong"


def c_number(x):
    return f"{x.numerator}.0f" if x.denominator == 1 else f"({x.numerator}.0f / {x.denominator}.0f)"


def c_function(name, matrix, kind):
    lines = [f"static FERN_TARGET inline void {name}(const {kind} *in, {kind} *out) {{"]
    for i, row in enumerate(matrix):
        terms = []
        for k, a in enumerate(row):
            if a == 0:
                continue
            terms.append(f"in[{k}]" if a == 1 else f"-in[{k}]" if a == -1 else f"{c_number(a)} * in[{k}]")
        lines.append(f"    out[{i}] = " + " + ".join(terms).replace("+ -", "- ") + ";")
    lines.append("}")
    return "\n".join(lines)


def main():
    for m, r in [(4, 5), (6, 3)]:
        check(m, r)
    at5, g5, bt = matrices(4, 5)
    at3, g3, _ = matrices(6, 3)
    if "--c" in sys.argv:
        print(c_function("apply_BT", bt, "vf"))
        print(c_function("apply_AT4", at5, "vf"))
        print(c_function("apply_G5", g5, "vf"))
        print(c_function("apply_AT6", at3, "vf"))
        print(c_function("apply_G3", g3, "vf"))
        # The filter gradient runs the transforms backwards: A = ATᵀ on output-gradient tiles, GT on the sums.
        transpose = lambda matrix: [list(column) for column in zip(*matrix)]
        print(c_function("apply_A4", transpose(at5), "vf"))
        print(c_function("apply_A6", transpose(at3), "vf"))
        print(c_function("apply_GT5", transpose(g5), "vf"))
        print(c_function("apply_GT3", transpose(g3), "vf"))
        return
    print("checked: AT [(G g) * (BT d)] equals the correlation of d with g for F(4, 5) and F(6, 3)")
    for title, matrix in [("BT (both)", bt), ("AT F(4, 5)", at5), ("G F(4, 5)", g5), ("AT F(6, 3)", at3), ("G F(6, 3)", g3)]:
        print(title)
        for row in matrix:
            print("   ", " ".join(f"{str(x):>6}" for x in row))


if __name__ == "__main__":
    main()
