/// Lin, Li & Wu's teacher–student results beyond Thm 8 (issue 19): Thm 9's four-piece paths, Thms 10–11's
/// k-foot stars and Thms 12/14's geodesic bounds — exact constructions, no training.
public enum TeacherStudentStarClaims {
    public static var all: [any Claim] {
        [TeacherStudentFourPieceClaim(), TeacherStudentKStarClaim(), TeacherStudentGeodesicClaim()]
    }
}
