import FernTestSupport
@testable import FernTensor

/// Rounding-error bounds for Winograd convolution, per output element.
///
/// Winograd computes Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A per tile and sums the
/// products over channels (forward, input gradient) or over tiles (filter
/// gradient, Gᵀ[Σ (Bᵀ d B) ⊙ (A dY Aᵀ)]G). Each matrix product is a sum of at most
/// 8 terms, and the matrices' entries (2/9, 1/90, ...) are rounded to Float.
/// Higham's bound for a chain of such products (*Accuracy and Stability of
/// Numerical Algorithms*, §3.5) is γ(L) times the same computation run on
/// absolute values, |Aᵀ|[(|G||g||G|ᵀ) ⊙ (|Bᵀ||d||Bᵀ|ᵀ)]|A|, where L counts the
/// roundings along the longest path: 9 per one-sided transform of 8 terms
/// (8 products and the coefficient's own rounding), two per 2-D transform, one
/// per term of the channel (or tile) sum, plus the bias and the reference's
/// rounding to Float. Direct convolution's magnitude Σ|x·w| is far smaller: the
/// transforms' coefficients reach 21/4 and 32, so this bound is what Winograd's
/// arithmetic allows, not a loosened one.
enum WinogradErrorBound {
    /// |Bᵀ| (8x8), the input transform shared by F(4, 5) and F(6, 3).
    static let bt: [[Double]] = [
        [1, 0, 21 / 4, 0, 21 / 4, 0, 1, 0],
        [0, 1, 1, 17 / 4, 17 / 4, 1, 1, 0],
        [0, 1, 1, 17 / 4, 17 / 4, 1, 1, 0],
        [0, 1 / 2, 1 / 4, 5 / 2, 5 / 4, 2, 1, 0],
        [0, 1 / 2, 1 / 4, 5 / 2, 5 / 4, 2, 1, 0],
        [0, 2, 4, 5 / 2, 5, 1 / 2, 1, 0],
        [0, 2, 4, 5 / 2, 5, 1 / 2, 1, 0],
        [0, 1, 0, 21 / 4, 0, 21 / 4, 0, 1],
    ]

    /// |G| (8 x kernel) for kernel 5 or 3 (rows: points 0, ±1, ±2, ±1/2, ∞).
    static func g(_ kernel: Int) -> [[Double]] {
        let powers = (0..<kernel).map { Double(1 << $0) }
        return [(0..<kernel).map { $0 == 0 ? 1 : 0 }, Array(repeating: 2.0 / 9, count: kernel),
                Array(repeating: 2.0 / 9, count: kernel), powers.map { $0 / 90 }, powers.map { $0 / 90 },
                powers.map { 32 / 45 / $0 }, powers.map { 32 / 45 / $0 }, (0..<kernel).map { $0 == kernel - 1 ? 1 : 0 }]
    }

    /// |Aᵀ| (m x 8) for m = 4 (kernel 5) or 6 (kernel 3).
    static func at(_ kernel: Int) -> [[Double]] {
        let m = kernel == 5 ? 4 : 6
        return (0..<m).map { i in
            let p = Double(1 << i)
            return [i == 0 ? 1 : 0, 1, 1, p, p, 1 / p, 1 / p, i == m - 1 ? 1 : 0]
        }
    }

    /// Rows x cols product of small matrices.
    static func product(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        a.map { row in (0..<b[0].count).map { j in zip(row, b).reduce(0) { $0 + $1.0 * $1.1[j] } } }
    }

    static func transposed(_ a: [[Double]]) -> [[Double]] { (0..<a[0].count).map { j in a.map { $0[j] } } }

    /// M · X · Mᵀ.
    static func sandwich(_ m: [[Double]], _ x: [[Double]]) -> [[Double]] { product(product(m, x), transposed(m)) }

    /// |d|'s 8x8 input tile of channel c for the tile whose first output is (top, left) (zeros outside).
    static func inputTile(_ x: Tensor, image: Int, top: Int, left: Int, kernel: Int, channel c: Int) -> [[Double]] {
        let (h, w, cin) = (x.shape[1], x.shape[2], x.shape[3])
        return (0..<8).map { i in
            (0..<8).map { j in
                let (yy, xx) = (top - kernel / 2 + i, left - kernel / 2 + j)
                guard yy >= 0, yy < h, xx >= 0, xx < w else { return 0 }
                return Swift.abs(Double(x.scalars[((image * h + yy) * w + xx) * cin + c]))
            }
        }
    }

    /// Bounds for y = x ⊛ w (x NHWC, w HWIO, "same"), optionally plus a bias: one per element of y.
    static func forward(_ x: Tensor, _ w: Tensor, bias: Tensor? = nil) -> [Double] {
        let (n, h, wd, cin) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (k, cout) = (w.shape[0], w.shape[3])
        let m = k == 5 ? 4 : 6
        let (g, at) = (Self.g(k), Self.at(k))
        let filters = (0..<cin).map { c in
            (0..<cout).map { o in
                sandwich(g, (0..<k).map { ky in (0..<k).map { kx in Swift.abs(Double(w.scalars[((ky * k + kx) * cin + c) * cout + o])) } })
            }
        }
        let roundings = 18 + 12 + cin + 18 + 2
        var bounds = [Double](repeating: 0, count: n * h * wd * cout)
        for image in 0..<n {
            for top in stride(from: 0, to: h, by: m) {
                for left in stride(from: 0, to: wd, by: m) {
                    let tiles = (0..<cin).map { c in sandwich(bt, inputTile(x, image: image, top: top, left: left, kernel: k, channel: c)) }
                    for o in 0..<cout {
                        var sum = [[Double]](repeating: [Double](repeating: 0, count: 8), count: 8)
                        for c in 0..<cin {
                            for a in 0..<8 { for b in 0..<8 { sum[a][b] += filters[c][o][a][b] * tiles[c][a][b] } }
                        }
                        let magnitude = sandwich(at, sum)
                        let add = bias.map { Swift.abs(Double($0.scalars[o])) } ?? 0
                        for i in 0..<m where top + i < h {
                            for j in 0..<m where left + j < wd {
                                bounds[((image * h + top + i) * wd + left + j) * cout + o] =
                                    Tolerance.gamma(roundings) * (magnitude[i][j] + add)
                            }
                        }
                    }
                }
            }
        }
        return bounds
    }

    /// Bounds for dx = dy ⊛ (w turned 180°, channels swapped): the forward bound of that convolution.
    static func inputGradient(_ dy: Tensor, _ w: Tensor) -> [Double] {
        let (k, cin, cout) = (w.shape[0], w.shape[2], w.shape[3])
        var turned = [Float](repeating: 0, count: w.count)
        for ky in 0..<k {
            for kx in 0..<k {
                for c in 0..<cin {
                    for o in 0..<cout {
                        turned[((ky * k + kx) * cout + o) * cin + c] = w.scalars[(((k - 1 - ky) * k + (k - 1 - kx)) * cin + c) * cout + o]
                    }
                }
            }
        }
        return forward(dy, try! Tensor(shape: [k, k, cout, cin], scalars: turned))
    }

    /// Bounds for the filter gradient of y = x ⊛ w given dy: one per element of w (HWIO, kernel k).
    static func filterGradient(_ x: Tensor, _ dy: Tensor, kernel k: Int) -> [Double] {
        let (n, h, wd, cin) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let cout = dy.shape[3]
        let m = k == 5 ? 4 : 6
        let (gt, a) = (transposed(g(k)), transposed(at(k)))
        var sums = [[[[Double]]]](repeating: [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: 8),
                                                                                  count: 8), count: cout), count: cin)
        var tileCount = 0
        for image in 0..<n {
            for top in stride(from: 0, to: h, by: m) {
                for left in stride(from: 0, to: wd, by: m) {
                    tileCount += 1
                    let inputs = (0..<cin).map { c in sandwich(bt, inputTile(x, image: image, top: top, left: left, kernel: k, channel: c)) }
                    let gradients = (0..<cout).map { o in
                        sandwich(a, (0..<m).map { i in
                            (0..<m).map { j in
                                guard top + i < h, left + j < wd else { return 0 }
                                return Swift.abs(Double(dy.scalars[((image * h + top + i) * wd + left + j) * cout + o]))
                            }
                        })
                    }
                    for c in 0..<cin {
                        for o in 0..<cout {
                            for p in 0..<8 { for q in 0..<8 { sums[c][o][p][q] += inputs[c][p][q] * gradients[o][p][q] } }
                        }
                    }
                }
            }
        }
        let roundings = 18 + 14 + tileCount + 18 + 2
        var bounds = [Double](repeating: 0, count: k * k * cin * cout)
        for c in 0..<cin {
            for o in 0..<cout {
                let magnitude = sandwich(gt, sums[c][o])
                for ky in 0..<k { for kx in 0..<k { bounds[((ky * k + kx) * cin + c) * cout + o] = Tolerance.gamma(roundings) * magnitude[ky][kx] } }
            }
        }
        return bounds
    }
}
