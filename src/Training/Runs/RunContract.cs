using SignActors.Training.Algorithms;
using SignActors.Training.Faults;
using SignActors.Training.Models;
using SignActors.Training.Schedules;

namespace SignActors.Training.Runs;

/// <summary>
/// Everything every replica of one run must agree on (SPEC §10): the seed, the algorithm, the
/// schedule, the model, its minibatch and the torch thread count each gradient runs on (CPU
/// gradients are bit-reproducible only at a fixed count), the faults and the round policy. Nodes
/// and the server are built from the same value; with the data it is what a run's fingerprint hashes.
/// How the run is carried out (evaluation, checkpoints, resume) is <see cref="RunOptions"/>.
/// </summary>
/// <param name="VerifyReplicas">Nodes report their parameter hash after every round and the server stops the run on any divergence.</param>
/// <param name="Validation">Fraction of the training records held out for validation (<see cref="Data.ValidationSplit"/>); 0 = none.</param>
/// <param name="Sampling">Client sampling: k nodes drawn per round (<see cref="Runs.Participation"/>); null = all.</param>
/// <param name="Script">The model file of <see cref="ModelKind.TorchScript"/> (its SHA-256 is part of what replicas agree on).</param>
/// <param name="Objective">The function of <see cref="ModelKind.Objective"/> (no data).</param>
/// <param name="L2">λ of the L2 term λ/2·‖x‖² in f (model.l2; not the update's decoupled weight decay).</param>
public sealed record RunContract(
    ulong Seed,
    int Nodes,
    long Rounds,
    AlgorithmSpec Algorithm,
    LearningRateSchedule Schedule,
    ModelKind Model,
    string Device,
    int BatchSize,
    int TorchThreads = 1,
    bool VerifyReplicas = true,
    FaultPlan? Faults = null,
    RoundPolicy? Policy = null,
    double Validation = 0,
    ParticipationSpec? Sampling = null,
    TorchScriptFile? Script = null,
    Objectives.ObjectiveSpec? Objective = null,
    double L2 = 0)
{
    /// <summary>The model every replica builds for <paramref name="training"/>.</summary>
    public ModelSpec ModelFor(Data.ImageSet training) => ModelSpec.For(Model, training, Script, Objective, L2);

    /// <summary>Who takes part in a round (client sampling); every node by default.</summary>
    public ParticipationSpec Participation => Sampling ?? ParticipationSpec.All;

    /// <summary>Fault injection (SPEC §7); none by default.</summary>
    public FaultPlan FaultPlan => Faults ?? FaultPlan.None;

    /// <summary>When rounds close (SPEC §6.4); wait-all by default.</summary>
    public RoundPolicy RoundPolicy => Policy ?? RoundPolicy.WaitAll;

    /// <summary>η_t as the float the wire carries and every replica applies.</summary>
    public float LearningRate(long round) => (float)Schedule.At(round);
}
