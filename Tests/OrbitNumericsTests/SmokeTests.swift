import Testing
@testable import OrbitNumerics
@Test func smoke() { #expect(Matrix<Double>.identity(2).trace == 2) }
