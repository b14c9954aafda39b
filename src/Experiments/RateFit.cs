using SignActors.Runtime.Statistics;

namespace SignActors.Experiments;

/// <summary>
/// Where a measured rate stands against a theorem's: the theorems bound a metric from above
/// (E‖∇f‖₁ ≤ C·T^claim), so a measured slope at least as steep as the claim holds; a flatter one
/// whose interval lies wholly above the claim does not hold in this regime; a flatter one whose
/// interval still reaches the claim is consistent with it.
/// </summary>
public enum RateVerdict { Holds, Consistent, DoesNotHold }

/// <summary>
/// The log-log slope of a metric against the horizon T: per seed, the least-squares slope of
/// ln(metric) on ln(T) over the horizons that seed ran; over seeds, mean ± std with the 95 %
/// Student-t interval (<see cref="SeedStatistics"/>), beside the claimed exponent.
/// </summary>
public sealed record RateFit(SeedStatistics Slopes, double Claim, RateVerdict Verdict)
{
    /// <summary>The least-squares slope of ln y on ln T (NaN with fewer than two horizons, or a value ≤ 0).</summary>
    public static double Slope(IReadOnlyList<(double T, double Y)> points)
    {
        if (points.Count < 2 || points.Any(p => !(p.T > 0) || !(p.Y > 0) || !double.IsFinite(p.Y))) return double.NaN;
        double mx = points.Average(p => Math.Log(p.T)), my = points.Average(p => Math.Log(p.Y));
        double sxy = points.Sum(p => (Math.Log(p.T) - mx) * (Math.Log(p.Y) - my)), sxx = points.Sum(p => (Math.Log(p.T) - mx) * (Math.Log(p.T) - mx));
        return sxx > 0 ? sxy / sxx : double.NaN;
    }

    /// <param name="bySeed">Each seed's (T, metric) points.</param>
    public static RateFit Of(IEnumerable<IReadOnlyList<(double T, double Y)>> bySeed, double claim)
    {
        var slopes = SeedStatistics.Of(bySeed.Select(Slope).Where(double.IsFinite).ToArray());
        var verdict = slopes.Mean <= claim ? RateVerdict.Holds
            : slopes.Count > 1 && slopes.Mean - slopes.HalfWidth > claim ? RateVerdict.DoesNotHold
            : RateVerdict.Consistent;
        return new RateFit(slopes, claim, verdict);
    }

    public string VerdictText => Verdict switch
    {
        RateVerdict.Holds => "holds (at least as steep as claimed)",
        RateVerdict.DoesNotHold => "does not hold in this regime (flatter; the interval excludes the claim)",
        _ => "consistent (flatter, but the interval reaches the claim)",
    };
}
