namespace SignActors.Training.Runs;

/// <summary>
/// How one run is carried out beyond what its replicas agree on (<see cref="RunContract"/>): the
/// server's evaluation, how many registrations it waits for, checkpoints and the checkpoint it
/// resumes from. None of it changes the parameters.
/// </summary>
/// <param name="EvalEvery">Evaluate the global model every this many rounds (and after the last); 0 = only after the last.</param>
/// <param name="ProbeRecords">Training records (a seeded sample) over which ‖∇f‖₁ and ‖∇f‖₂ are taken.</param>
/// <param name="ExpectedNodes">Registrations the server waits for before round 1 (SPEC §12); null = all; the rest join later through a snapshot.</param>
/// <param name="EvaluateTest">Whether evaluations include the test set; off for tuning runs, whose choices must never see it.</param>
/// <param name="Fingerprint">What the run is (its contract and data, hashed): a checkpoint resumes only the same run.</param>
/// <param name="StationarityRounds">How many rounds t, drawn uniformly, get f(x_t) and ‖∇f(x_t)‖ over every training record (<see cref="Stationarity"/>); 0 = none.</param>
public sealed record RunOptions(
    int EvalEvery = 25,
    int ProbeRecords = 1000,
    int EvalBatchSize = RunOptions.DefaultEvalBatchSize,
    int? ExpectedNodes = null,
    int CheckpointEvery = 0,
    string? CheckpointPath = null,
    Checkpoint? ResumeFrom = null,
    string Fingerprint = "",
    bool EvaluateTest = true,
    int RejoinWaitMs = RunOptions.DefaultRejoinWaitMs,
    int StationarityRounds = 0)
{
    public static readonly RunOptions Default = new();

    /// <summary>Records per batch when the server evaluates (and an omniscient attacker takes its full gradient).</summary>
    public const int DefaultEvalBatchSize = 250;

    /// <summary>How long the server waits for registrations once no node is left (every worker host lost) before it stops.</summary>
    public const int DefaultRejoinWaitMs = 120_000;

    /// <summary>Whether a checkpoint is written after <paramref name="round"/> (not after the last: the run is complete).</summary>
    public bool CheckpointsAfter(long round, long rounds) => CheckpointEvery > 0 && CheckpointPath is not null && round % CheckpointEvery == 0 && round < rounds;

    /// <summary>Whether the global model is evaluated after <paramref name="round"/>.</summary>
    public bool EvaluatesAfter(long round, long rounds) => round == rounds || (EvalEvery > 0 && round % EvalEvery == 0);
}
