namespace SignActors.Training.Algorithms;

/// <summary>
/// The preset table of SPEC §5: a name resolves to components, each of which a config may then
/// override (<c>spec with { Uplink = … }</c>). Where the table says "identity if n = 1", the
/// resolution depends on the node count.
/// </summary>
public static class Presets
{
    public static IReadOnlyList<string> All { get; } = new[]
    {
        "signsgd", "signum", "sto-signsgd", "mvsm-v1", "mvsm-v2", "ssvr", "ssvr-mv", "ssdm",
        "scaled-signsgd", "ef-signsgd", "lion", "lion-mv", "sgd", "sgdm", "adamw", "median-sgd", "trimmed-mean-sgd", "krum-sgd",
    };

    public static AlgorithmSpec Resolve(string preset, int nodes)
    {
        if (nodes < 1) throw new ArgumentOutOfRangeException(nameof(nodes), $"nodes must be ≥ 1, got {nodes}");
        bool single = nodes == 1;
        var plain = new EstimatorSpec(EstimatorKind.Plain);
        var momentum = new EstimatorSpec(EstimatorKind.Momentum);
        var sign = new UplinkSpec(UplinkKind.Sign);
        var stochastic = new UplinkSpec(UplinkKind.StochasticSign);
        var mv = new AggregatorSpec(AggregatorKind.MajorityVote);
        var identity = new AggregatorSpec(AggregatorKind.Identity);
        var sgd = new OptimizerSpec(OptimizerKind.Sgd);

        AlgorithmSpec Make(EstimatorSpec e, UplinkSpec u, AggregatorSpec a, OptimizerSpec? o = null) => new(preset, e, u, a, o ?? sgd);

        return preset switch
        {
            "signsgd" => Make(plain, sign, single ? identity : mv),
            "signum" => Make(momentum, sign, mv),
            "sto-signsgd" => Make(plain, stochastic, mv),
            "mvsm-v1" or "mv-sto-signsgd-sim" => Make(momentum, stochastic, mv),
            "mvsm-v2" => Make(momentum, stochastic, new AggregatorSpec(AggregatorKind.UnbiasedSign)),
            "ssvr" => Make(new EstimatorSpec(EstimatorKind.Storm), sign, identity),
            "ssvr-mv" => Make(new EstimatorSpec(EstimatorKind.Storm), stochastic, new AggregatorSpec(AggregatorKind.UnbiasedSign)),
            "ssdm" => Make(momentum, stochastic, new AggregatorSpec(AggregatorKind.Mean)),
            "scaled-signsgd" => Make(plain, new UplinkSpec(UplinkKind.ScaledSign), new AggregatorSpec(AggregatorKind.ScaledMajority)),
            "ef-signsgd" => Make(new EstimatorSpec(EstimatorKind.ErrorFeedback), new UplinkSpec(UplinkKind.ScaledSign),
                                 single ? identity : new AggregatorSpec(AggregatorKind.ScaledMajority)),
            "lion" => Make(new EstimatorSpec(EstimatorKind.Lion), sign, single ? identity : mv),
            "lion-mv" => Make(new EstimatorSpec(EstimatorKind.Lion), sign, mv),
            "sgd" => Make(plain, new UplinkSpec(UplinkKind.Float32), new AggregatorSpec(AggregatorKind.Mean), sgd),
            "sgdm" => Make(momentum, new UplinkSpec(UplinkKind.Float32), new AggregatorSpec(AggregatorKind.Mean), sgd),
            "adamw" => Make(plain, new UplinkSpec(UplinkKind.Float32), new AggregatorSpec(AggregatorKind.Mean), new OptimizerSpec(OptimizerKind.AdamW)),
            // The robust baselines (SPEC §3): b = f = 1 here; a config sets algorithm.tolerance (auto: the Byzantine count).
            "median-sgd" => Make(plain, new UplinkSpec(UplinkKind.Float32), new AggregatorSpec(AggregatorKind.Median), sgd),
            "trimmed-mean-sgd" => Make(plain, new UplinkSpec(UplinkKind.Float32), new AggregatorSpec(AggregatorKind.TrimmedMean), sgd),
            "krum-sgd" => Make(plain, new UplinkSpec(UplinkKind.Float32), new AggregatorSpec(AggregatorKind.Krum), sgd),
            _ => throw new ArgumentException($"unknown preset \"{preset}\"; presets: {string.Join(", ", All)}", nameof(preset)),
        };
    }
}
