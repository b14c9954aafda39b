using SignActors.Training.Randomness;

namespace SignActors.Training.Runs;

/// <summary>
/// The seeds' stationarity measure, E‖∇f(x_τ)‖ with τ uniform on 1..T (000, 001, 003), which is
/// the average of ‖∇f(x_t)‖ over the run's rounds. It is estimated at k rounds drawn uniformly
/// without replacement on the server's stream: the sample mean is unbiased for that average, and
/// k ≥ T takes every round, which makes it exact.
/// </summary>
public static class Stationarity
{
    /// <summary>The fewest rounds an estimate is taken at (fewer is refused: the interval would say little).</summary>
    public const int MinimumRounds = 100;

    /// <summary>
    /// k = <paramref name="count"/> distinct rounds of 1..<paramref name="rounds"/>, uniform over
    /// the k-subsets (Floyd's algorithm on the server's Stationarity stream); every round when k ≥ T;
    /// none when k = 0.
    /// </summary>
    public static IReadOnlySet<long> Draw(ulong seed, long rounds, int count)
    {
        if (count <= 0) return new HashSet<long>();
        if (count >= rounds) return new HashSet<long>(Enumerable.Range(1, checked((int)rounds)).Select(t => (long)t));
        if (rounds > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(rounds), $"T = {rounds}: rounds are drawn for the stationarity measure only up to T = {int.MaxValue}");
        var s = new RandomStream(StreamKey.ForServer(seed, 0, StreamPurpose.Stationarity));
        var drawn = new HashSet<long>(count);
        // Floyd: for j = T − k + 1 … T take a uniform t in 1..j, or j itself when t is taken already.
        for (long j = rounds - count + 1; j <= rounds; j++)
        {
            long t = 1 + s.NextInt((int)j);
            drawn.Add(drawn.Contains(t) ? j : t);
        }
        return drawn;
    }

    /// <summary>
    /// The estimate of the average over all <paramref name="rounds"/> rounds from the values at the
    /// drawn ones: their mean, and its standard error with the finite-population correction
    /// √(1 − k/T) (zero when every round was measured).
    /// </summary>
    public static StationarityEstimate Estimate(IReadOnlyList<double> values, long rounds)
    {
        int k = values.Count;
        if (k == 0) return new StationarityEstimate(double.NaN, double.NaN, 0, rounds);
        double mean = values.Average();
        if (k == 1) return new StationarityEstimate(mean, k >= rounds ? 0 : double.NaN, k, rounds);
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (k - 1);
        double correction = Math.Max(0, 1 - (double)k / rounds);
        return new StationarityEstimate(mean, Math.Sqrt(variance / k * correction), k, rounds);
    }
}

/// <summary>The mean of a stationarity measure over <paramref name="Measured"/> of <paramref name="Rounds"/> rounds, with its standard error.</summary>
public readonly record struct StationarityEstimate(double Mean, double StandardError, int Measured, long Rounds)
{
    public override string ToString() =>
        Measured >= Rounds ? FormattableString.Invariant($"{Mean:G6} (every one of the {Rounds} rounds)")
        : FormattableString.Invariant($"{Mean:G6} ± {1.96 * StandardError:G3} (95 %, {Measured} of {Rounds} rounds drawn uniformly)");
}
