using SignActors.Messages;
using SignActors.Training.Randomness;

namespace SignActors.Training.Algorithms;

/// <summary>
/// What a gradient estimator tells the runtime about itself (SPEC §2), instead of the runtime
/// switching on its kind.
/// </summary>
/// <param name="NeedsGradientAtPrevious">The node also takes ∇f(x_{t−1}; ξ_t) on the same minibatch, so every replica keeps x_{t−1} (storm).</param>
/// <param name="VoteIncludesStepSize">The vector it hands the uplink is already scaled by η_t (error feedback's p = γg + e), so a scaled-sign downlink is applied without η.</param>
public sealed record EstimatorDeclaration(bool NeedsGradientAtPrevious = false, bool VoteIncludesStepSize = false);

/// <summary>What an uplink compressor tells the runtime: the payload its votes carry.</summary>
public sealed record UplinkDeclaration(PayloadKind Produces)
{
    /// <summary>Bits per coordinate on the uplink (the per-message scalars not counted).</summary>
    public int BitsPerCoordinate => Produces == PayloadKind.Dense ? 32 : 1;
}

/// <summary>
/// What a server aggregator tells the runtime (SPEC §3–4): which vote payloads it takes and what
/// it sends down for each (<see cref="Downlink"/>), how many votes a round it needs, how many
/// Byzantine votes it is designed to withstand, and which server stream its coins come from.
/// The update rule of SPEC §4 follows from what it sends down (<see cref="UpdateFor"/>).
/// </summary>
/// <param name="Downlink">For each vote payload it accepts, the payload of the aggregate it sends.</param>
/// <param name="MinimumVotes">Votes a round it needs at least, for n nodes.</param>
/// <param name="Tolerates">Whether f Byzantine votes of n are within its design tolerance.</param>
/// <param name="Coins">The purpose of the server stream the round's coins are drawn from (built-ins: tie-breaks, S₁); plugins use <see cref="StreamPurpose.PluginFirst"/> and up.</param>
public sealed record AggregatorDeclaration(IReadOnlyDictionary<PayloadKind, PayloadKind> Downlink, Func<int, int> MinimumVotes, Func<int, int, bool> Tolerates,
    StreamPurpose Coins = StreamPurpose.TieBreak)
{
    public bool Accepts(PayloadKind votes) => Downlink.ContainsKey(votes);

    /// <summary>
    /// The update of SPEC §4 that applies the aggregate of <paramref name="votes"/>: a sign vector
    /// x ← x − η(a + λx); a scaled sign x ← x − ηMa, or x ← x − Ma when the votes already carry η;
    /// a dense vector or vote counts feed the optimizer.
    /// </summary>
    public UpdateKind UpdateFor(PayloadKind votes, EstimatorDeclaration estimator) => Downlink[votes] switch
    {
        PayloadKind.Sign => UpdateKind.Sign,
        PayloadKind.ScaledSign => estimator.VoteIncludesStepSize ? UpdateKind.ErrorFeedback : UpdateKind.ScaledSign,
        _ => UpdateKind.Optimizer,
    };
}

/// <summary>The declarations of the built-in components, by kind: the one table the runtime reads them from.</summary>
public static class BuiltInDeclarations
{
    public static EstimatorDeclaration Of(EstimatorSpec e) =>
        new(NeedsGradientAtPrevious: e.Kind == EstimatorKind.Storm, VoteIncludesStepSize: e.Kind == EstimatorKind.ErrorFeedback);

    public static UplinkDeclaration Of(UplinkSpec u) => new(u.Kind switch
    {
        UplinkKind.Sign or UplinkKind.StochasticSign => PayloadKind.Sign,
        UplinkKind.ScaledSign => PayloadKind.ScaledSign,
        _ => PayloadKind.Dense,
    });

    static readonly Func<int, int> One = _ => 1;
    static readonly Func<int, int, bool> HonestMajority = (n, f) => 2 * f < n;

    public static AggregatorDeclaration Of(AggregatorSpec a) => a.Kind switch
    {
        AggregatorKind.MajorityVote => new(Map((PayloadKind.Sign, PayloadKind.Sign)), One, HonestMajority),
        AggregatorKind.UnbiasedSign => new(Map((PayloadKind.Sign, PayloadKind.Sign)), One, HonestMajority, StreamPurpose.UnbiasedSign),
        AggregatorKind.ScaledMajority => new(Map((PayloadKind.ScaledSign, PayloadKind.ScaledSign)), One, HonestMajority),
        AggregatorKind.Mean => new(Map((PayloadKind.Sign, PayloadKind.Count), (PayloadKind.Dense, PayloadKind.Dense)), One, (_, f) => f == 0),
        AggregatorKind.Identity => new(Map((PayloadKind.Sign, PayloadKind.Sign), (PayloadKind.ScaledSign, PayloadKind.ScaledSign), (PayloadKind.Dense, PayloadKind.Dense)), One, (_, f) => f == 0),
        AggregatorKind.Median => new(Map((PayloadKind.Dense, PayloadKind.Dense)), One, HonestMajority),
        AggregatorKind.TrimmedMean => new(Map((PayloadKind.Dense, PayloadKind.Dense)), _ => 2 * a.Tolerance + 1, HonestMajority),
        AggregatorKind.Krum => new(Map((PayloadKind.Dense, PayloadKind.Dense)), _ => 2 * a.Tolerance + 3, (n, f) => n >= 2 * f + 3),
        _ => throw new ArgumentOutOfRangeException(nameof(a), $"unknown aggregator {a.Kind}"),
    };

    static IReadOnlyDictionary<PayloadKind, PayloadKind> Map(params (PayloadKind Votes, PayloadKind Aggregate)[] pairs) => pairs.ToDictionary(p => p.Votes, p => p.Aggregate);
}
