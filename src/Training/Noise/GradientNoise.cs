using SignActors.Training.Numerics;
using SignActors.Training.Randomness;

namespace SignActors.Training.Noise;

/// <summary>The law of the noise added to each gradient coordinate (the seeds' noise assumptions, and what breaks them).</summary>
public enum NoiseLaw
{
    None,
    /// <summary>σZ, Z standard normal: symmetric and unimodal.</summary>
    Gaussian,
    /// <summary>σ(E − 1), E ~ Exp(1): mean 0, median σ(ln 2 − 1) ≈ −0.307σ, variance σ² — asymmetric.</summary>
    Skewed,
    /// <summary>σ(S + Z/4), S = ±1 with probability ½ each: symmetric, mean and median 0, two modes near ±σ, variance σ²(1 + 1/16).</summary>
    Bimodal,
    /// <summary>σT, T Student t with ν degrees of freedom: symmetric, heavy-tailed (infinite variance for ν ≤ 2).</summary>
    StudentT,
}

/// <summary>Gradient noise of a chosen law and scale σ (and ν for Student t), added per coordinate to a node's gradient.</summary>
public sealed record NoiseSpec(NoiseLaw Law, double Scale = 1, double Nu = 3)
{
    public static NoiseSpec None { get; } = new(NoiseLaw.None);

    public bool IsNone => Law == NoiseLaw.None;

    /// <summary>Null when the values fit the law, else the problem in one line.</summary>
    public string? Validate() =>
        IsNone ? null
        : !(Scale > 0 && double.IsFinite(Scale)) ? $"scale must be positive and finite, got {Scale}"
        : Law == NoiseLaw.StudentT && !(Nu > 0 && double.IsFinite(Nu)) ? $"nu (the Student t degrees of freedom) must be positive and finite, got {Nu}"
        : null;

    public override string ToString() => Law switch
    {
        NoiseLaw.None => "none",
        NoiseLaw.StudentT => FormattableString.Invariant($"student-t(ν = {Nu}, σ = {Scale})"),
        _ => FormattableString.Invariant($"{Spellings.NoiseLaw.Of(Law)}(σ = {Scale})"),
    };
}

/// <summary>
/// Draws the noise: coordinate k of a node's round takes the k-th draw of the node's GradientNoise
/// stream for that round (<see cref="StreamKey.ForNode"/>), so every replica and every host adds
/// the same floats, and a storm estimator's second gradient on the same minibatch gets the same
/// noise. Normal and gamma draws use portable math only (<see cref="RandomStream"/>).
/// </summary>
public static class GradientNoise
{
    /// <summary>One draw of <paramref name="spec"/>'s law.</summary>
    public static double Draw(ref RandomStream s, NoiseSpec spec) => spec.Law switch
    {
        NoiseLaw.Gaussian => spec.Scale * s.NextNormal(),
        NoiseLaw.Skewed => spec.Scale * (-PortableMath.Log(1.0 - s.NextDouble()) - 1),
        NoiseLaw.Bimodal => spec.Scale * (((s.NextUInt64() & 1) == 0 ? -1 : 1) + 0.25 * s.NextNormal()),
        NoiseLaw.StudentT => spec.Scale * s.NextNormal() / Math.Sqrt(2 * s.NextGamma(spec.Nu / 2) / spec.Nu),
        _ => 0,
    };

    /// <summary>g ← g + noise, coordinate k taking the k-th draw of <paramref name="key"/>'s stream.</summary>
    public static void Add(Span<float> gradient, NoiseSpec spec, in StreamKey key)
    {
        if (spec.IsNone) return;
        var s = new RandomStream(key);
        for (int k = 0; k < gradient.Length; k++) gradient[k] += (float)Draw(ref s, spec);
    }
}
