#!/usr/bin/env python3
"""The matrices of Winograd's F(4, 5) in exact fractions (Lavin & Gray's
construction with points 0, 1, -1, 2, -2, 1/2, -1/2 and infinity), checked on
random integer signals: AT [(G g) * (BT d)] == the correlation of d with g.
Sources/CWinograd/winograd.c holds the same matrices as C; run this to see
them again or to try other points."""
from fractions import Fraction as F
import random
m, r = 4, 5
n = m + r - 1
pts = [F(0), F(1), F(-1), F(2), F(-2), F(1,2), F(-1,2)]
# A^T: m x n ; G: n x r ; B^T: n x n  (wincnn construction, Lavin & Gray)
def poly_mul(p, q):
    out = [F(0)] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        for j, b in enumerate(q): out[i + j] += a * b
    return out
AT = [[p ** i for p in pts] + [F(1) if i == m - 1 else F(0)] for i in range(m)]
G = []
for j, p in enumerate(pts):
    f = F(1)
    for l, q in enumerate(pts):
        if l != j: f *= (p - q)
    G.append([p ** k / f for k in range(r)])
G.append([F(0)] * (r - 1) + [F(1)])
BT = []
for j, p in enumerate(pts):
    poly = [F(1)]
    for l, q in enumerate(pts):
        if l != j: poly = poly_mul(poly, [-q, F(1)])
    BT.append(poly + [F(0)] * (n - len(poly)))
poly = [F(1)]
for q in pts: poly = poly_mul(poly, [-q, F(1)])
BT.append(poly)
# check 1-D: y[i] = sum_k g[k] d[i+k]
def mat(M, v): return [sum(a * b for a, b in zip(row, v)) for row in M]
def check(BT):
    for _ in range(5):
        d = [F(random.randint(-9, 9)) for _ in range(n)]; g = [F(random.randint(-9, 9)) for _ in range(r)]
        y = mat(AT, [a * b for a, b in zip(mat(G, g), mat(BT, d))])
        ref = [sum(g[k] * d[i + k] for k in range(r)) for i in range(m)]
        if y != ref: return False
    return True
assert check(BT), "the matrices do not compute the correlation"
print("checked: AT [(G g) * (BT d)] equals the correlation of d with g")
def show(name, M):
    print(name)
    for row in M: print("  ", [str(x) for x in row])
show("AT", AT); show("G", G); show("BT", BT)
