using SignActors.Training.Algorithms;
using SignActors.Training.Faults;
using SignActors.Training.Models;
using SignActors.Training.Schedules;

namespace SignActors.Training.Runs;

/// <summary>
/// Everything every replica of one run must agree on (SPEC §10): the seed, the algorithm, the
/// schedule, the model and its minibatch. Nodes and the server are built from the same value.
/// </summary>
/// <param name="VerifyReplicas">Nodes report their parameter hash after every round and the server stops the run on any divergence.</param>
/// <param name="EvalEvery">Evaluate the global model every this many rounds (and after the last); 0 = only after the last.</param>
/// <param name="ProbeRecords">Training records (a seeded sample) over which ‖∇f‖₁ and ‖∇f‖₂ are taken.</param>
/// <param name="Validation">Fraction of the training records held out for validation (<see cref="Data.ValidationSplit"/>); 0 = none.</param>
public sealed record FederationSpec(
    ulong Seed,
    int Nodes,
    long Rounds,
    AlgorithmSpec Algorithm,
    LearningRateSchedule Schedule,
    ModelKind Model,
    string Device,
    int BatchSize,
    bool VerifyReplicas = true,
    int EvalEvery = 25,
    int ProbeRecords = 1000,
    int EvalBatchSize = 250,
    FaultPlan? Faults = null,
    RoundPolicy? Policy = null,
    int? Expected = null,
    int CheckpointEvery = 0,
    string? CheckpointPath = null,
    Checkpoint? ResumeFrom = null,
    string Fingerprint = "",
    double Validation = 0)
{
    /// <summary>Whether a checkpoint is written after round <paramref name="round"/> (not after the last: the run is complete).</summary>
    public bool CheckpointsAfter(long round) => CheckpointEvery > 0 && CheckpointPath is not null && round % CheckpointEvery == 0 && round < Rounds;

    /// <summary>Registrations the server waits for before round 1 (SPEC §12); the rest join later through a snapshot.</summary>
    public int ExpectedNodes => Expected ?? Nodes;

    /// <summary>Fault injection (SPEC §7); none by default.</summary>
    public FaultPlan FaultPlan => Faults ?? FaultPlan.None;

    /// <summary>When rounds close (SPEC §6.4); wait-all by default.</summary>
    public RoundPolicy RoundPolicy => Policy ?? RoundPolicy.WaitAll;

    /// <summary>Whether the global model is evaluated after round <paramref name="round"/>.</summary>
    public bool EvaluatesAfter(long round) => round == Rounds || (EvalEvery > 0 && round % EvalEvery == 0);

    /// <summary>η_t as the float the wire carries and every replica applies.</summary>
    public float LearningRate(long round) => (float)Schedule.At(round);
}
