using SignActors.Training.Algorithms;
using SignActors.Training.Data;
using SignActors.Training.Faults;
using SignActors.Training.Models;

namespace SignActors.Training;

/// <summary>
/// How every kind is written in configs, messages and folder names (kebab-case, as in SPEC.md):
/// one table per enum, read both ways. Nothing else spells a kind.
/// </summary>
public static class Spellings
{
    public static readonly Spelling<EstimatorKind> Estimator = new((EstimatorKind.Plain, "plain"), (EstimatorKind.Momentum, "momentum"),
        (EstimatorKind.Storm, "storm"), (EstimatorKind.ErrorFeedback, "error-feedback"), (EstimatorKind.Lion, "lion"));

    public static readonly Spelling<UplinkKind> Uplink = new((UplinkKind.Sign, "sign"), (UplinkKind.StochasticSign, "stochastic-sign"),
        (UplinkKind.ScaledSign, "scaled-sign"), (UplinkKind.Float32, "float32"));

    public static readonly Spelling<AggregatorKind> Aggregator = new((AggregatorKind.MajorityVote, "majority-vote"), (AggregatorKind.UnbiasedSign, "unbiased-sign"),
        (AggregatorKind.ScaledMajority, "scaled-majority"), (AggregatorKind.Mean, "mean"), (AggregatorKind.Identity, "identity"),
        (AggregatorKind.Median, "median"), (AggregatorKind.TrimmedMean, "trimmed-mean"), (AggregatorKind.Krum, "krum"));

    public static readonly Spelling<OptimizerKind> Optimizer = new((OptimizerKind.Sgd, "sgd"), (OptimizerKind.SgdMomentum, "sgdm"), (OptimizerKind.AdamW, "adamw"));

    public static readonly Spelling<TieBreak> TieBreak = new((Algorithms.TieBreak.Random, "random"), (Algorithms.TieBreak.Positive, "positive"));

    public static readonly Spelling<ByzantineAttack> Attack = new((ByzantineAttack.SignFlip, "sign-flip"), (ByzantineAttack.Random, "random"),
        (ByzantineAttack.Colluding, "colluding"), (ByzantineAttack.Omniscient, "omniscient"), (ByzantineAttack.Alie, "alie"), (ByzantineAttack.Ipm, "ipm"));

    public static readonly Spelling<DelayDistribution> Delay = new((DelayDistribution.Fixed, "fixed"), (DelayDistribution.Exponential, "exponential"), (DelayDistribution.LogNormal, "log-normal"));

    public static readonly Spelling<Noise.NoiseLaw> NoiseLaw = new((Noise.NoiseLaw.None, "none"), (Noise.NoiseLaw.Gaussian, "gaussian"), (Noise.NoiseLaw.Skewed, "skewed"),
        (Noise.NoiseLaw.Bimodal, "bimodal"), (Noise.NoiseLaw.StudentT, "student-t"));

    public static readonly Spelling<RoundPolicyKind> RoundPolicy = new((RoundPolicyKind.WaitAll, "wait-all"), (RoundPolicyKind.Deadline, "deadline"));

    public static readonly Spelling<PartitionKind> Partition = new((PartitionKind.Iid, "iid"), (PartitionKind.LabelSkew, "label-skew"),
        (PartitionKind.Shards, "shards"), (PartitionKind.Dirichlet, "dirichlet"), (PartitionKind.Natural, "natural"));

    public static readonly Spelling<ModelKind> Model = new((ModelKind.Mlp, "mlp"), (ModelKind.CnnSmall, "cnn-small"), (ModelKind.ResNet18, "resnet18"), (ModelKind.ResNet50, "resnet50"), (ModelKind.TorchScript, "torchscript"),
        (ModelKind.Logistic, "logistic"), (ModelKind.Objective, "objective"));

    public static readonly Spelling<Objectives.ObjectiveKind> Objective = new((Objectives.ObjectiveKind.Quadratic, "quadratic"),
        (Objectives.ObjectiveKind.X2Plus3Sin2, "x2-plus-3sin2"), (Objectives.ObjectiveKind.SeparableSmooth, "separable-smooth"));

    public static readonly Spelling<CifarLabels> Labels = new((CifarLabels.Fine, "fine"), (CifarLabels.Coarse, "coarse"));

    static readonly Dictionary<Type, object> All = new object[] { Estimator, Uplink, Aggregator, Optimizer, TieBreak, Attack, Delay, RoundPolicy, Partition, Model, Labels, NoiseLaw, Objective }
        .ToDictionary(s => s.GetType().GetGenericArguments()[0]);

    /// <summary>The table of <typeparamref name="T"/>.</summary>
    public static Spelling<T> For<T>() where T : struct, Enum => (Spelling<T>)All[typeof(T)];
}

/// <summary>One enum's spellings, in declaration order.</summary>
public sealed class Spelling<T> where T : struct, Enum
{
    readonly (T Value, string Name)[] _table;

    public Spelling(params (T Value, string Name)[] table)
    {
        var missing = Enum.GetValues<T>().Except(table.Select(t => t.Value)).ToArray();
        if (missing.Length > 0) throw new InvalidOperationException($"{typeof(T).Name}: no spelling for {string.Join(", ", missing)}");
        _table = table;
    }

    public IEnumerable<string> Names => _table.Select(t => t.Name);

    /// <summary>"a, b, c": what a setting accepts.</summary>
    public string Choices => string.Join(", ", Names);

    public string Of(T value) => _table.First(t => t.Value.Equals(value)).Name;

    public bool TryParse(string text, out T value)
    {
        foreach (var (v, name) in _table)
            if (name == text)
            {
                value = v;
                return true;
            }
        value = default;
        return false;
    }

    /// <summary>The kind <paramref name="text"/> spells; otherwise a <see cref="FormatException"/> "key = "text" is not one of: …".</summary>
    public T Parse(string text, string key) => TryParse(text, out var value) ? value : throw new FormatException($"{key} = \"{text}\" is not one of: {Choices}");
}
