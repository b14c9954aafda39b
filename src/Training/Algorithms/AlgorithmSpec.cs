namespace SignActors.Training.Algorithms;

/// <summary>Node-side estimator kinds (SPEC §2).</summary>
public enum EstimatorKind { Plain, Momentum, Storm, ErrorFeedback, Lion }

/// <summary>Uplink compressor kinds (SPEC §2).</summary>
public enum UplinkKind { Sign, StochasticSign, ScaledSign, Float32 }

/// <summary>Server aggregator kinds (SPEC §3).</summary>
public enum AggregatorKind { MajorityVote, UnbiasedSign, ScaledMajority, Mean, Identity, Median, TrimmedMean, Krum }

/// <summary>How majority vote settles ties (even |A_t|).</summary>
public enum TieBreak { Random, Positive }

/// <summary>Optimizer that consumes a `mean` (or single-node float32) downlink (SPEC §4).</summary>
public enum OptimizerKind { Sgd, SgdMomentum, AdamW }

/// <summary>Which update rule of SPEC §4 applies the downlink.</summary>
public enum UpdateKind
{
    /// <summary>x ← x − η (a + λ x).</summary>
    Sign,
    /// <summary>x ← x − η M a (scaled majority / scaled signSGD).</summary>
    ScaledSign,
    /// <summary>x ← x − M a, M already containing γ = η (error feedback).</summary>
    ErrorFeedback,
    /// <summary>The downlink is a gradient for an <see cref="OptimizerKind"/>.</summary>
    Optimizer,
}

/// <summary>Which float the scaled-sign compressor sends with the signs.</summary>
public enum ScaleKind
{
    /// <summary>‖v‖_1 (scaled signSGD, Li et al.).</summary>
    L1Norm,
    /// <summary>‖p‖_1 / d (error feedback, Karimireddy et al.).</summary>
    MeanAbs,
}

/// <param name="Beta">momentum / storm β: the weight of the NEW gradient.</param>
public sealed record EstimatorSpec(EstimatorKind Kind, double Beta = 0.1, double Beta1 = 0.9, double Beta2 = 0.99)
{
    /// <summary>What the runtime needs to know of it (<see cref="BuiltInDeclarations"/>). A method, not a property: a record prints its properties, and the run fingerprint prints the algorithm.</summary>
    public EstimatorDeclaration Declare() => BuiltInDeclarations.Of(this);
}

/// <summary>How S_R's radius R is chosen (SPEC §2).</summary>
public enum RadiusKind
{
    /// <summary>A fixed positive R.</summary>
    Fixed,
    /// <summary>R_t = max_j ‖v_{t−1}^j‖_∞ over the previous round's voters (the theory's assumption; one R for all d coordinates).</summary>
    Auto,
    /// <summary>The same rule per parameter tensor: R_{t,τ} = max_j ‖v_{t−1,τ}^j‖_∞, one R per tensor τ.</summary>
    PerTensor,
    /// <summary>
    /// Per tensor, the largest root-mean-square instead of the largest entry: R_{t,τ} = max_j ‖v_{t−1,τ}^j‖₂/√d_τ.
    /// Coordinates beyond R are clipped (their sign is sent for certain); below it the coin is exact.
    /// </summary>
    PerTensorRms,
}

/// <summary>S_R's radius rule; <see cref="Value"/> is R for <see cref="RadiusKind.Fixed"/>.</summary>
public sealed record RadiusRule(RadiusKind Kind, double Value = 0)
{
    public static RadiusRule Auto { get; } = new(RadiusKind.Auto);
    public static RadiusRule PerTensor { get; } = new(RadiusKind.PerTensor);
    public static RadiusRule PerTensorRms { get; } = new(RadiusKind.PerTensorRms);
    public static RadiusRule Fixed(double radius) => new(RadiusKind.Fixed, radius);

    /// <summary>The default: per-tensor-rms, the best validation accuracy of the data-driven rules on Fashion-MNIST and the synthetic set (docs/learning.md).</summary>
    public static RadiusRule Default => PerTensorRms;

    /// <summary>Whether the server broadcasts radii from the previous round's votes.</summary>
    public bool Broadcast => Kind != RadiusKind.Fixed;

    public override string ToString() => Kind switch
    {
        RadiusKind.Auto => "auto",
        RadiusKind.PerTensor => "per-tensor",
        RadiusKind.PerTensorRms => "per-tensor-rms",
        _ => Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <param name="Radius">S_R's radius rule (stochastic-sign only); null = <see cref="RadiusRule.Default"/>.</param>
public sealed record UplinkSpec(UplinkKind Kind, RadiusRule? Radius = null)
{
    /// <summary>The radius rule in force.</summary>
    public RadiusRule RadiusRule => Radius ?? RadiusRule.Default;

    /// <summary>Radii the server broadcasts in StartRound: S_R with auto or per-tensor R.</summary>
    public bool BroadcastsRadius => Kind == UplinkKind.StochasticSign && RadiusRule.Broadcast;

    /// <summary>Votes carry one norm per parameter tensor (‖v_τ‖_∞, or its RMS): S_R with a per-tensor R.</summary>
    public bool PerTensorNorms => Kind == UplinkKind.StochasticSign && RadiusRule.Kind is RadiusKind.PerTensor or RadiusKind.PerTensorRms;

    /// <summary>What the runtime needs to know of it (<see cref="BuiltInDeclarations"/>; a method, as for the estimator).</summary>
    public UplinkDeclaration Declare() => BuiltInDeclarations.Of(this);
}

/// <param name="Tolerance">The robust aggregators' parameter: trimmed-mean's b (dropped at each end), Krum's f (Byzantine votes tolerated).</param>
public sealed record AggregatorSpec(AggregatorKind Kind, TieBreak TieBreak = TieBreak.Random, int Tolerance = 1)
{
    /// <summary>The robust baselines of SPEC §3: float32 votes in, a float32 vector out, fed to the mean update's optimizer.</summary>
    public bool IsRobust => Kind is AggregatorKind.Median or AggregatorKind.TrimmedMean or AggregatorKind.Krum;

    /// <summary>What the runtime needs to know of it (<see cref="BuiltInDeclarations"/>; a method, as for the estimator).</summary>
    public AggregatorDeclaration Declare() => BuiltInDeclarations.Of(this);

    /// <summary>Votes the built-in needs at least (its declaration's, which depends on no n): trimmed mean n > 2b, Krum n ≥ 2f + 3; 1 otherwise. Run fingerprints print it.</summary>
    public int MinimumVotes => Declare().MinimumVotes(0);

    public string Describe => Kind switch
    {
        AggregatorKind.TrimmedMean or AggregatorKind.Krum => $"{Names.Of(Kind)}({Tolerance})",
        _ => Names.Of(Kind),
    };
}

public sealed record OptimizerSpec(OptimizerKind Kind = OptimizerKind.Sgd, double Momentum = 0.9, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8);

/// <summary>A fully resolved algorithm: what every node and the server run (SPEC §2–5).</summary>
public sealed record AlgorithmSpec(
    string Name,
    EstimatorSpec Estimator,
    UplinkSpec Uplink,
    AggregatorSpec Aggregator,
    OptimizerSpec Optimizer,
    double WeightDecay = 0)
{
    /// <summary>The components plugins supply in place of the built-ins the spec names; null when none.</summary>
    public PluginChoice? Plugins { get; init; }

    /// <summary>Noise of a chosen law added per coordinate to every node's gradient (theory experiments); none by default.</summary>
    public Noise.NoiseSpec Noise { get; init; } = Training.Noise.NoiseSpec.None;

    /// <summary>What the estimator in force declares: the plugin's, or the built-in's.</summary>
    public EstimatorDeclaration EstimatorDeclared() => Plugins?.Estimator?.Declaration as EstimatorDeclaration ?? Estimator.Declare();

    /// <summary>What the uplink in force declares.</summary>
    public UplinkDeclaration UplinkDeclared() => Plugins?.Uplink?.Declaration as UplinkDeclaration ?? Uplink.Declare();

    /// <summary>What the aggregator in force declares.</summary>
    public AggregatorDeclaration AggregatorDeclared() => Plugins?.Aggregator?.Declaration as AggregatorDeclaration ?? Aggregator.Declare();

    /// <summary>The estimator's name in messages: the plugin's type, or the built-in's spelling.</summary>
    public string EstimatorName => Plugins?.Estimator?.Name ?? Names.Of(Estimator.Kind);

    public string UplinkName => Plugins?.Uplink?.Name ?? Names.Of(Uplink.Kind);

    public string AggregatorName => Plugins?.Aggregator?.Name ?? Aggregator.Describe;

    /// <summary>
    /// The text the run fingerprint hashes: the synthesized form, with the plugins appended only
    /// when there are any, so a built-in algorithm prints (and fingerprints) as it always has.
    /// </summary>
    bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Name = {Name}, Estimator = {Estimator}, Uplink = {Uplink}, Aggregator = {Aggregator}, Optimizer = {Optimizer}, WeightDecay = {WeightDecay}, ");
        builder.Append($"Update = {Update}, Scale = {Scale}, UplinkBitsPerCoordinate = {UplinkBitsPerCoordinate}");
        if (Plugins is not null) builder.Append($", Plugins = {Plugins}");
        if (!Noise.IsNone) builder.Append($", Noise = {Noise}");
        return true;
    }

    /// <summary>
    /// The update rule implied by the components (SPEC §4): what the aggregator sends down for the
    /// uplink's votes. A pair the aggregator does not accept is an algorithm <see cref="Validate"/>
    /// refuses; it reads as the sign update, never applied.
    /// </summary>
    public UpdateKind Update => AggregatorDeclared().Accepts(UplinkDeclared().Produces)
        ? AggregatorDeclared().UpdateFor(UplinkDeclared().Produces, EstimatorDeclared())
        : UpdateKind.Sign;

    public ScaleKind Scale => Estimator.Kind == EstimatorKind.ErrorFeedback ? ScaleKind.MeanAbs : ScaleKind.L1Norm;

    /// <summary>Bits per coordinate on the uplink (SPEC §2; the per-message scalars are not counted here).</summary>
    public int UplinkBitsPerCoordinate => UplinkDeclared().BitsPerCoordinate;

    /// <summary>Most 1-bit votes one aggregation counts (16 bit planes; the server's bit-sliced counter).</summary>
    public const int MaxCountedVotes = 65_535;

    /// <summary>
    /// Checks that the components fit together for <paramref name="nodes"/> nodes; null when they
    /// do, else one line naming the conflict and what would fit.
    /// </summary>
    public string? Validate(int nodes)
    {
        if (nodes < 1) return $"nodes must be ≥ 1, got {nodes}";
        if (WeightDecay < 0 || !double.IsFinite(WeightDecay))
            return $"weight-decay must be a finite number ≥ 0, got {WeightDecay}";
        if (Noise.Validate() is { } noise) return $"noise: {noise}";
        // The built-ins' own rules, each where no plugin stands in for the components it names;
        // then what the declarations say, for any pair (plugins included) those rules do not name.
        if (Plugins is null && BuiltInRules(nodes) is { } problem) return problem;
        var uplink = UplinkDeclared();
        var aggregator = AggregatorDeclared();
        if (nodes > MaxCountedVotes && uplink.Produces is Messages.PayloadKind.Sign or Messages.PayloadKind.ScaledSign)
            return $"1-bit votes are counted in 16 bit planes, at most {MaxCountedVotes:N0} per round, but there are {nodes:N0} nodes";
        if (!aggregator.Accepts(uplink.Produces))
            return $"aggregator {AggregatorName} takes {string.Join(" or ", aggregator.Downlink.Keys)} votes, but uplink {UplinkName} sends {uplink.Produces}";
        if (nodes < aggregator.MinimumVotes(nodes))
            return $"aggregator {AggregatorName} needs at least {aggregator.MinimumVotes(nodes)} votes a round, but there are {nodes} nodes";
        return null;
    }

    /// <summary>The rules of the built-in components, with messages that say what would fit.</summary>
    string? BuiltInRules(int nodes)
    {
        var e = Estimator; var u = Uplink; var a = Aggregator;
        if (e.Kind is EstimatorKind.Momentum or EstimatorKind.Storm && !(e.Beta > 0 && e.Beta <= 1))
            return $"estimator {Names.Of(e.Kind)}: beta must be in (0, 1], got {e.Beta}";
        if (e.Kind == EstimatorKind.Lion && !(e.Beta1 >= 0 && e.Beta1 < 1 && e.Beta2 >= 0 && e.Beta2 < 1))
            return $"estimator lion: beta1 and beta2 must be in [0, 1), got {e.Beta1}, {e.Beta2}";
        if (u.Kind == UplinkKind.StochasticSign && u.RadiusRule is { Kind: RadiusKind.Fixed, Value: var r } && !(r > 0 && double.IsFinite(r)))
            return $"uplink stochastic-sign: radius must be a positive number, auto or per-tensor, got {r}";
        if (e.Kind == EstimatorKind.ErrorFeedback && u.Kind != UplinkKind.ScaledSign)
            return $"estimator error-feedback needs uplink scaled-sign (its residual is p − (‖p‖₁/d)·sign(p)), got {Names.Of(u.Kind)}";
        switch (a.Kind)
        {
            case AggregatorKind.Identity when nodes != 1:
                return $"aggregator identity is for single-node runs, got {nodes} nodes; use majority-vote, unbiased-sign, scaled-majority or mean";
            case AggregatorKind.MajorityVote or AggregatorKind.UnbiasedSign when u.Kind is not (UplinkKind.Sign or UplinkKind.StochasticSign):
                return $"aggregator {Names.Of(a.Kind)} needs a 1-bit uplink (sign or stochastic-sign), got {Names.Of(u.Kind)}";
            case AggregatorKind.ScaledMajority when u.Kind != UplinkKind.ScaledSign:
                return $"aggregator scaled-majority needs uplink scaled-sign, got {Names.Of(u.Kind)}";
            case AggregatorKind.Mean when u.Kind == UplinkKind.ScaledSign:
                return "aggregator mean takes sign, stochastic-sign (counts) or float32 uplinks, not scaled-sign; use scaled-majority";
            case AggregatorKind.Median or AggregatorKind.TrimmedMean or AggregatorKind.Krum when u.Kind != UplinkKind.Float32:
                return $"aggregator {Names.Of(a.Kind)} is a robust baseline for float32 uplinks, got {Names.Of(u.Kind)}";
            case AggregatorKind.TrimmedMean or AggregatorKind.Krum when a.Tolerance < (a.Kind == AggregatorKind.Krum ? 0 : 1):
                return $"aggregator {Names.Of(a.Kind)}: tolerance must be ≥ {(a.Kind == AggregatorKind.Krum ? 0 : 1)}, got {a.Tolerance}";
            case AggregatorKind.TrimmedMean or AggregatorKind.Krum when nodes < a.Declare().MinimumVotes(nodes):
                return $"aggregator {a.Describe} needs at least {a.Declare().MinimumVotes(nodes)} votes a round ({(a.Kind == AggregatorKind.Krum ? "n ≥ 2f + 3" : "n > 2b")}), but there are {nodes} nodes";
        }
        if (u.Kind == UplinkKind.Float32 && !(a.Kind is AggregatorKind.Mean or AggregatorKind.Identity || a.IsRobust))
            return $"uplink float32 needs aggregator mean, median, trimmed-mean or krum (or identity for one node), got {Names.Of(a.Kind)}";
        return null;
    }
}

/// <summary>The spelling of a kind in messages (the tables are <see cref="Spellings"/>).</summary>
public static class Names
{
    public static string Of(EstimatorKind k) => Spellings.Estimator.Of(k);
    public static string Of(UplinkKind k) => Spellings.Uplink.Of(k);
    public static string Of(AggregatorKind k) => Spellings.Aggregator.Of(k);
    public static string Of(OptimizerKind k) => Spellings.Optimizer.Of(k);
    public static string Of(TieBreak k) => Spellings.TieBreak.Of(k);
}
