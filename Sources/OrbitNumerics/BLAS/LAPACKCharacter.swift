/// LAPACK's one-letter options (`'N'`, `'V'`, …) as the C `char` Swift imports.
@usableFromInline
func lapackChar(_ letter: Unicode.Scalar) -> CChar {
    CChar(bitPattern: UInt8(ascii: letter))
}
