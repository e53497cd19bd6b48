/// Lin, Li & Wu's exact constructions (teacher–student minima, deep linear centres): no training.
public enum StarConstructionClaims {
    public static var all: [any Claim] {
        [
            TeacherStudentLinearConnectivityClaim(), TeacherStudentTwoPieceClaim(), DeepLinearStarClaim(),
            Lemma17BarrierClaim(),
        ]
    }
}
