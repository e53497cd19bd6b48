import OrbitStar
import OrbitTraining

extension CentreConfiguration {
    /// The `centre_training` object of a fold-line or star comparison: epochs, batch_size,
    /// learning_rate, optimizer (adam, sgd, adamw; with momentum, nesterov, weight_decay), schedule,
    /// feet_per_step (B_r), t_per_step (B_t) and penalty (λ of λ·‖θ − θ_i‖², default `penalty`).
    /// The defaults are ``CentreConfiguration``'s, Lin, Li & Wu's (docs/math/star.md §4): Adam with
    /// learning rate 0.01, minibatches of 200, B_r = 1, B_t = 3, 200 epochs.
    init(reader: inout StudyFileReader, penalty defaultPenalty: Double) throws {
        self.init(penalty: defaultPenalty)
        epochs = try reader.integer("epochs", default: epochs, minimum: 1)
        batchSize = try reader.integer("batch_size", default: batchSize, minimum: 1)
        learningRate = try reader.number("learning_rate", default: learningRate)
        if learningRate <= 0, let m = reader.member("learning_rate") { throw reader.bad(m, "must be positive") }
        feetPerStep = try reader.integer("feet_per_step", default: feetPerStep, minimum: 1)
        tPerStep = try reader.integer("t_per_step", default: tPerStep, minimum: 1)
        penalty = try reader.number("penalty", default: penalty)
        if penalty < 0, let m = reader.member("penalty") { throw reader.bad(m, "λ must be ≥ 0") }
        optimizer = try reader.optimizer(default: "adam")
        schedule = try reader.schedule()
    }
}
