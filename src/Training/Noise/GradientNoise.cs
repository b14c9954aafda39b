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

    /// <summary>
    /// The mean of <paramref name="draws"/> independent draws, drawn as one value of its exact law
    /// where that law is known: σZ/√B; σ(G_B/B − 1) with G_B ~ Gamma(B) (a sum of B exponentials);
    /// σ((2·Binomial(B, ½) − B)/B + Z/(4√B)), the binomial as B fair bits counted; Student t has
    /// no closed form, so its B draws are averaged. One draw is <see cref="Draw"/> itself.
    /// </summary>
    public static double DrawMean(ref RandomStream s, NoiseSpec spec, int draws)
    {
        if (draws == 1) return Draw(ref s, spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 1);
        switch (spec.Law)
        {
            case NoiseLaw.Gaussian: return spec.Scale * s.NextNormal() / Math.Sqrt(draws);
            case NoiseLaw.Skewed: return spec.Scale * (s.NextGamma(draws) / draws - 1);
            case NoiseLaw.Bimodal:
                int heads = 0;
                for (int left = draws; left > 0; left -= 64)
                    heads += System.Numerics.BitOperations.PopCount(left >= 64 ? s.NextUInt64() : s.NextUInt64() & ((1UL << left) - 1));
                return spec.Scale * ((2.0 * heads - draws) / draws + 0.25 * s.NextNormal() / Math.Sqrt(draws));
            case NoiseLaw.StudentT:
                double sum = 0;
                for (int i = 0; i < draws; i++) sum += Draw(ref s, spec);
                return sum / draws;
            default: return 0;
        }
    }

    /// <summary>
    /// g ← g + noise, coordinate k taking the k-th value of <paramref name="key"/>'s stream: one
    /// draw for a model of data (its minibatch is its own average), the mean of <paramref name="draws"/>
    /// (the batch) for an objective, whose only randomness this is.
    /// </summary>
    public static void Add(Span<float> gradient, NoiseSpec spec, in StreamKey key, int draws = 1)
    {
        if (spec.IsNone) return;
        var s = new RandomStream(key);
        for (int k = 0; k < gradient.Length; k++) gradient[k] += (float)DrawMean(ref s, spec, draws);
    }
}
