namespace SignActors.Training.Schedules;

/// <summary>
/// η_t for rounds t = 1..T (SPEC §1). The server evaluates it and sends η_t in StartRound, so
/// replicas never compute it themselves; it is still a pure function of t.
/// </summary>
public abstract record LearningRateSchedule
{
    public abstract double At(long round);

    protected static void CheckRound(long round)
    {
        if (round < 1) throw new ArgumentOutOfRangeException(nameof(round), $"rounds start at 1, got {round}");
    }

    protected static void CheckPositive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(name, $"{name} must be a positive finite number, got {value}");
    }
}

/// <summary>η_t = η0.</summary>
public sealed record ConstantSchedule : LearningRateSchedule
{
    public ConstantSchedule(double initial) { CheckPositive(initial, nameof(initial)); Initial = initial; }
    public double Initial { get; }
    public override double At(long round) { CheckRound(round); return Initial; }
}

/// <summary>η_t = η0 · γ^⌊(t−1)/k⌋ (the power is a product of γ's, no libm pow).</summary>
public sealed record StepSchedule : LearningRateSchedule
{
    public StepSchedule(double initial, double gamma, long every)
    {
        CheckPositive(initial, nameof(initial));
        if (!(gamma > 0 && gamma <= 1)) throw new ArgumentOutOfRangeException(nameof(gamma), $"gamma must be in (0, 1], got {gamma}");
        if (every < 1) throw new ArgumentOutOfRangeException(nameof(every), $"every must be ≥ 1 round, got {every}");
        Initial = initial; Gamma = gamma; Every = every;
    }
    public double Initial { get; }
    public double Gamma { get; }
    public long Every { get; }
    public override double At(long round)
    {
        CheckRound(round);
        double eta = Initial;
        for (long i = (round - 1) / Every; i > 0; i--) eta *= Gamma;
        return eta;
    }
}

/// <summary>
/// η_t = η_min + (η0 − η_min)(1 + cos(π (t−1)/T))/2 (SPEC §1): η_1 = η0, and η_T is still above
/// η_min — every round, the last included, takes a step (the curve would reach η_min at t = T + 1).
/// </summary>
public sealed record CosineSchedule : LearningRateSchedule
{
    public CosineSchedule(double initial, long totalRounds, double minimum = 0)
    {
        CheckPositive(initial, nameof(initial));
        if (totalRounds < 1) throw new ArgumentOutOfRangeException(nameof(totalRounds), $"total rounds must be ≥ 1, got {totalRounds}");
        if (!(minimum >= 0 && minimum <= initial)) throw new ArgumentOutOfRangeException(nameof(minimum), $"minimum must be in [0, {initial}], got {minimum}");
        Initial = initial; TotalRounds = totalRounds; Minimum = minimum;
    }
    public double Initial { get; }
    public long TotalRounds { get; }
    public double Minimum { get; }
    public override double At(long round)
    {
        CheckRound(round);
        double progress = Math.Min(round - 1, TotalRounds) / (double)TotalRounds;
        return Minimum + (Initial - Minimum) * (1 + Math.Cos(Math.PI * progress)) / 2;
    }
}

/// <summary>η_t = η0 / √t.</summary>
public sealed record InverseSqrtSchedule : LearningRateSchedule
{
    public InverseSqrtSchedule(double initial) { CheckPositive(initial, nameof(initial)); Initial = initial; }
    public double Initial { get; }
    public override double At(long round) { CheckRound(round); return Initial / Math.Sqrt(round); }
}

/// <summary>η_t = η0 / t: 002's diminishing step α_k = c/(k + 1) for its O(1/k) rate (k = t − 1).</summary>
public sealed record InverseSchedule : LearningRateSchedule
{
    public InverseSchedule(double initial) { CheckPositive(initial, nameof(initial)); Initial = initial; }
    public double Initial { get; }
    public override double At(long round) { CheckRound(round); return Initial / round; }
}
