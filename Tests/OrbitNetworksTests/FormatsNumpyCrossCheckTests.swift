import Testing

@testable import OrbitFormats

/// Orbit against real NumPy, when `python3 -c 'import numpy'` works here.
@Suite("Formats: NumPy cross-checks", .enabled(if: pythonNumpyAvailable, "python3 with numpy is not available"))
struct FormatsNumpyCrossCheckTests {
    @Test func readsWhatNumpyWrites() throws {
        let dir = TemporaryDirectory()
        try runPython(
            """
            import numpy as np
            a = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
            b = np.array([[1.5, -2.0], [np.pi, 2.0**-1030]], dtype=np.float64)
            i = np.array([-1, 2**40], dtype=np.int64)
            u = np.arange(256, dtype=np.uint8).reshape(16, 16)
            be = np.array([1.0, -2.5], dtype='>f4')
            h = np.array([1.0, 65504.0, 6e-8], dtype=np.float16)
            t = np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3))
            np.savez('\(dir.file("plain.npz"))', a=a, b=b, i=i, u=u, be=be, h=h)
            np.savez_compressed('\(dir.file("compressed.npz"))', a=a, b=b, i=i, u=u, be=be, h=h)
            np.save('\(dir.file("a.npy"))', a)
            np.save('\(dir.file("fortran.npy"))', t)
            """)
        for name in ["plain.npz", "compressed.npz"] {
            let npz = try NPZFile.read(dir.file(name))
            #expect(npz.names == ["a", "b", "i", "u", "be", "h"])
            #expect(npz["a"]!.shape == [3, 4] && npz["a"]!.floats() == (0..<12).map { Float($0) / 7 })
            #expect(npz["b"]!.doubles() == [1.5, -2.0, .pi, 0x1p-1030])
            #expect(try npz["i"]!.int64s() == [-1, 1 << 40])
            #expect(try npz["u"]!.elements(as: UInt8.self) == (0..<256).map { UInt8($0) })
            #expect(npz["be"]!.floats() == [1, -2.5])
            #expect(npz["h"]!.floats() == [1, 65504, Float(bitPattern: 0x3380_0000)])  // 6e-8 rounds to 2⁻²⁴
        }
        #expect(try NPYFile.read(dir.file("a.npy")).name == "a")
        #expect(formatError { _ = try NPYFile.read(dir.file("fortran.npy")) }?.reason == .fortranOrder)
    }

    @Test func numpyReadsWhatOrbitWrites() throws {
        let dir = TemporaryDirectory()
        let a = try RawTensor(name: "a", shape: [2, 3], elements: (0..<6).map { Float($0) / 3 })
        let i = try RawTensor(name: "i", shape: [2], elements: [Int64(-7), 1 << 50])
        let u = try RawTensor(name: "u", shape: [3], elements: [UInt8(0), 128, 255])
        let s = try RawTensor(name: "s", shape: [], elements: [2.5])
        try NPZFile(arrays: [a, i, u, s]).write(to: dir.file("orbit.npz"))
        try NPZFile(arrays: [a, s]).write(to: dir.file("orbit64.npz"), forceZip64: true)
        try NPYFile.write(a, to: dir.file("orbit.npy"))
        try runPython(
            """
            import numpy as np
            for name in ['orbit.npz', 'orbit64.npz']:
                z = np.load('\(dir.path)/' + name)
                assert (z['a'] == np.arange(6, dtype=np.float32).reshape(2, 3) / np.float32(3)).all(), z['a']
                assert z['a'].dtype == np.float32
                assert z['s'].shape == () and z['s'] == 2.5
            z = np.load('\(dir.path)/orbit.npz')
            assert list(z.keys()) == ['a', 'i', 'u', 's']
            assert z['i'].tolist() == [-7, 2**50] and z['u'].tolist() == [0, 128, 255]
            x = np.load('\(dir.path)/orbit.npy')
            assert x.shape == (2, 3) and x.dtype == np.float32
            """)
    }

    /// Orbit's .npy bytes are identical to numpy.save's.
    @Test func npyBytesMatchNumpySave() throws {
        let dir = TemporaryDirectory()
        try runPython(
            """
            import numpy as np
            np.save('\(dir.file("m.npy"))', np.zeros((60000, 784), dtype=np.uint8)[:2, :3])
            np.save('\(dir.file("v.npy"))', np.array([1.5, 2.5]))
            np.save('\(dir.file("s.npy"))', np.int64(3))
            """)
        let m = try RawTensor(name: "m", shape: [2, 3], elements: [UInt8](repeating: 0, count: 6))
        let v = try RawTensor(name: "v", shape: [2], elements: [1.5, 2.5])
        let s = try RawTensor(name: "s", shape: [], elements: [Int64(3)])
        for t in [m, v, s] {
            #expect(try NPYFile.serialized(t) == FileReader.read(dir.file(t.name + ".npy")).array, "\(t.name)")
        }
    }
}
