namespace SignActors.Training.Randomness;

/// <summary>What a random draw is for; part of every stream's key so purposes never share bits.</summary>
public enum StreamPurpose : byte
{
    ModelInit = 1,
    Minibatch = 2,
    /// <summary>S_R coins of a node's stochastic-sign compressor.</summary>
    StochasticSign = 3,
    /// <summary>S_1 coins of the server's unbiased-sign aggregator.</summary>
    UnbiasedSign = 4,
    /// <summary>Majority-vote tie-breaks (tie-break = random).</summary>
    TieBreak = 5,
    StragglerDelay = 6,
    ByzantineNoise = 7,
    SyntheticData = 8,
    Partition = 9,
    Crash = 10,
    /// <summary>The probe set of training records for ‖∇f‖ (server).</summary>
    Probe = 11,
    /// <summary>The validation split held out of the training records.</summary>
    Validation = 12,
    /// <summary>The nodes drawn to take part in a round (client sampling, server).</summary>
    Participation = 13,
    /// <summary>The noise a node adds to its gradient (algorithm.noise).</summary>
    GradientNoise = 14,
    /// <summary>The rounds whose x_t the exact stationarity measure is taken at (server).</summary>
    Stationarity = 15,
    /// <summary>The nodes a fault entry with <c>random = k</c> picks (round: the entry's place among the fault lists).</summary>
    FaultNodes = 16,
    /// <summary>
    /// The first of the purposes kept for plugins (128–255): a plugin component names its streams
    /// from here, so its draws never share bits with a built-in's.
    /// </summary>
    PluginFirst = 128,
}

/// <summary>
/// Names one counter-based random stream (SPEC §10): (run seed, actor, round, purpose).
/// <para>
/// Key layout. The stream is Philox4x32-10 (Salmon et al., SC'11) with
/// key = (seed mod 2^32, seed / 2^32) and the 128-bit counter of block b (b &lt; 2^56) being
/// <c>c0 = b mod 2^32</c>, <c>c1 = (purpose &lt;&lt; 24) | (b / 2^32)</c>, <c>c2 = round</c>,
/// <c>c3 = actor</c>. Block b yields two 64-bit outputs: index 2b is <c>c0' | c1' &lt;&lt; 32</c>
/// and index 2b+1 is <c>c2' | c3' &lt;&lt; 32</c> of the block's output words.
/// </para>
/// <para>
/// Actors: node j is j (0-based), the server is <see cref="ServerActor"/>, and draws every
/// replica must agree on without a round (synthetic data, partitions, model init) use
/// <see cref="RunActor"/> with round 0. A draw therefore depends only on its key and index —
/// never on threads, message order or process layout.
/// </para>
/// </summary>
public readonly record struct StreamKey(ulong Seed, uint Actor, uint Round, StreamPurpose Purpose)
{
    public const uint ServerActor = 0xFFFF_FFFF;
    public const uint RunActor = 0xFFFF_FFFE;

    public static StreamKey ForNode(ulong seed, int node, long round, StreamPurpose purpose)
    {
        if ((uint)node >= RunActor) throw new ArgumentOutOfRangeException(nameof(node), $"node id {node} outside [0, {RunActor})");
        return new(seed, (uint)node, CheckRound(round), purpose);
    }

    public static StreamKey ForServer(ulong seed, long round, StreamPurpose purpose) =>
        new(seed, ServerActor, CheckRound(round), purpose);

    public static StreamKey ForRun(ulong seed, StreamPurpose purpose) => new(seed, RunActor, 0, purpose);

    static uint CheckRound(long round) =>
        round is >= 0 and <= uint.MaxValue ? (uint)round : throw new ArgumentOutOfRangeException(nameof(round), $"round {round} outside [0, 2^32)");

    /// <summary>Counter word c1 without the block's high bits.</summary>
    internal uint PurposeWord => (uint)Purpose << 24;
    internal uint KeyLow => (uint)Seed;
    internal uint KeyHigh => (uint)(Seed >> 32);
}
