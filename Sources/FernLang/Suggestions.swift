/// The candidate closest to `name` by edit distance, if it is close enough
/// to be a plausible typo (at most a third of the name's length, and 2).
func closestName(to name: String, among candidates: Set<String>) -> String? {
    let limit = min(2, max(1, name.count / 3))
    let scored = candidates.map { ($0, editDistance(name, $0)) }.filter { $0.1 <= limit }
    return scored.min { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }?.0
}

/// Levenshtein distance: the fewest single-character insertions,
/// deletions and substitutions that turn `a` into `b`.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var row = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var previousDiagonal = row[0]
        row[0] = i
        for j in stride(from: 1, through: b.count, by: 1) {
            let substitution = previousDiagonal + (a[i - 1] == b[j - 1] ? 0 : 1)
            previousDiagonal = row[j]
            row[j] = min(row[j] + 1, row[j - 1] + 1, substitution)
        }
    }
    return row[b.count]
}
