import Testing

@testable import OrbitData

@Suite("Data: data set specs")
struct DataSpecTests {
    @Test func goodStringsRoundTrip() throws {
        let canonical = [
            "fashion-mnist",
            "fashion-mnist:/data/mnist",
            "npz:/tmp/d.npz",
            "csv:/tmp/d.csv",
            "csv:/tmp/d.csv:label=species:header=yes:task=classification:test=/tmp/t.csv",
            "csv:/tmp/d.csv:label=3",
            "synthetic:regression:d=20,k=3,n=1000,test=200,noise=0.1,seed=0",
            "synthetic:linear-teacher:d=8,k=8,n=100,test=0,noise=0.0,q=orthogonal,seed=4",
            "synthetic:teacher-student:d=10,M=4,n=2000,test=500,seed=9",
            "synthetic:random-labels:d=20,k=10,n=1000,test=200,seed=18446744073709551615",
        ]
        for text in canonical {
            let spec = try DatasetSpec(parsing: text)
            #expect(spec.description == text)
            #expect(try DatasetSpec(parsing: spec.description) == spec)
        }
        // Keys in any order, defaults filled in.
        #expect(
            try DatasetSpec(parsing: "synthetic:teacher-student:seed=3,M=2,n=10").description
                == "synthetic:teacher-student:d=4,M=2,n=10,test=200,seed=3")
        #expect(
            try DatasetSpec(parsing: "synthetic:regression").description
                == "synthetic:regression:d=20,k=1,n=1000,test=200,noise=0.1,seed=0")
        #expect(try DatasetSpec(parsing: "csv:/tmp/d.csv:label=last:header=auto").description == "csv:/tmp/d.csv")
        if case .csv(let path, let options) = try DatasetSpec(parsing: "csv:C:/data/x=1.csv:label=y").source {
            #expect(path == "C:/data/x=1.csv" && options.label == .name("y"))
        } else {
            Issue.record("csv path with ':'")
        }
        // Default standardisation depends on the source.
        #expect(try DatasetSpec(parsing: "fashion-mnist").effectiveStandardization == .scalar)
        #expect(try DatasetSpec(parsing: "synthetic:regression").effectiveStandardization == .none)
        #expect(
            try DatasetSpec(parsing: "synthetic:regression", standardization: .perFeature).effectiveStandardization
                == .perFeature)
        for mode in ["none", "scalar", "per-feature", "mean=0.286,std=0.353"] {
            #expect(try Standardization.parse(mode).description == mode)
        }
    }

    @Test func badStringsGiveOneLineErrorsNamingThePart() {
        let cases: [(String, String)] = [
            ("", "empty data set name"),
            ("mnist", "'mnist': unknown data set"),
            ("npz", "npz needs a file"),
            ("npz:", "npz needs a file"),
            ("csv:/x.csv:lable=y", "'lable=y': unknown csv option 'lable'"),
            ("csv:/x.csv:header=maybe", "'header=maybe': header must be auto, yes or no"),
            ("synthetic", "expected synthetic:KIND"),
            ("synthetic:regresion:d=3", "'regresion': unknown synthetic kind 'regresion'"),
            ("synthetic:regression:d=x", "'d=x': d must be a positive integer"),
            ("synthetic:regression:d=0", "'d=0': d must be a positive integer"),
            ("synthetic:regression:noise=-1", "'noise=-1': noise must be a finite number ≥ 0"),
            ("synthetic:regression:d=3,d=4", "'d=4': 'd' is given twice"),
            ("synthetic:regression:d", "'d': expected key=value"),
            ("synthetic:regression:dims=3", "'dims=3': unknown key 'dims' for regression"),
            ("synthetic:teacher-student:d=3,M=5", "'M=5': M must be at most d = 3"),
            ("synthetic:random-labels:n=100000000000,d=100", "asks for more than 2³¹ values"),
            ("synthetic:linear-teacher:q=random", "'q=random': q must be one of gaussian, identity, orthogonal"),
            ("synthetic:random-labels:seed=-1", "'seed=-1': seed must be an integer"),
        ]
        for (text, fragment) in cases {
            let error = #expect(throws: DataError.self) { try DatasetSpec(parsing: text) }
            let message = error?.description ?? ""
            #expect(message.hasPrefix("bad data set '\(text)'"), "\(message)")
            #expect(message.contains(fragment), "\(text) → \(message)")
            #expect(!message.contains("\n"))
        }
        #expect(throws: DataError.self) { try Standardization.parse("zscore") }
        #expect(throws: DataError.self) { try Standardization.parse("mean=1,std=0") }
    }
}
