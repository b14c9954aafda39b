using SignActors.Training.Faults;
using SignActors.Training.Numerics;
using SignActors.Training.Randomness;

namespace SignActors.Node.Faults;

/// <summary>
/// A straggler's extra delay in round t (SPEC §7), from the node's StragglerDelay stream for the
/// round: draw 0 decides whether the node is slow (u &lt; probability); then fixed = mean;
/// exponential = −mean·ln(1 − u); log-normal = exp(μ + σZ) with μ = ln(mean) − σ²/2, so its mean is
/// the configured mean. Pure: the same (seed, node, round) always gives the same delay.
/// </summary>
public static class StragglerDelay
{
    public static TimeSpan For(StragglerSpec? spec, ulong seed, int node, long round)
    {
        if (spec is null || spec.Probability == 0 || spec.MeanMs == 0) return TimeSpan.Zero;
        var s = new RandomStream(StreamKey.ForNode(seed, node, round, StreamPurpose.StragglerDelay));
        if (s.NextDouble() >= spec.Probability) return TimeSpan.Zero;
        double ms = spec.Distribution switch
        {
            DelayDistribution.Fixed => spec.MeanMs,
            DelayDistribution.Exponential => -spec.MeanMs * PortableMath.Log(1.0 - s.NextDouble()),
            DelayDistribution.LogNormal => PortableMath.Exp(PortableMath.Log(spec.MeanMs) - spec.Sigma * spec.Sigma / 2 + spec.Sigma * s.NextNormal()),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), $"unknown delay distribution {spec.Distribution}"),
        };
        return TimeSpan.FromMilliseconds(ms);
    }
}
