using SignActors.Training.Numerics;

namespace SignActors.Training.Faults;

/// <summary>
/// The attacks a Byzantine study compares robust aggregators with, crafted from the honest
/// messages of the round (simulation-only knowledge, like the omniscient attack): ALIE (Baruch et
/// al. 2019, "A little is enough") sends μ − zσ, IPM (Xie et al. 2020, inner-product manipulation)
/// sends −ε·μ, with μ and σ the coordinate-wise mean and (population) standard deviation of the
/// honest messages. On a sign uplink the honest messages are their ±1 signs and the attack is the
/// sign of the crafted vector (sign(0) = +1). Sums are in double, in message order.
/// </summary>
public static class CraftedAttacks
{
    /// <summary>IPM's ε when none is configured: Xie et al.'s small ε, the one that defeats median and Krum.</summary>
    public const double DefaultIpmEpsilon = 0.1;

    /// <summary>
    /// ALIE's z for n nodes of which f are Byzantine: with s = ⌊n/2 + 1⌋ − f honest supporters
    /// needed, z = Φ⁻¹((n − s)/n), the largest shift that stays within the honest spread. When the
    /// attackers alone are a majority (s ≤ 0) the formula has no value; s = 1 is taken.
    /// </summary>
    public static double AlieZ(int n, int f)
    {
        if (n < 2 || f < 0 || f > n) throw new ArgumentOutOfRangeException(nameof(f), $"alie: needs n ≥ 2 and 0 ≤ f ≤ n, got n = {n}, f = {f}");
        int s = Math.Max(1, n / 2 + 1 - f);
        return InverseNormal((double)(n - s) / n);
    }

    /// <summary>μ − zσ, coordinate-wise over the honest messages.</summary>
    public static float[] Alie(IReadOnlyList<float[]> honest, double z)
    {
        var (mean, std) = Moments(honest);
        var result = new float[mean.Length];
        for (int k = 0; k < result.Length; k++) result[k] = (float)(mean[k] - z * std[k]);
        return result;
    }

    /// <summary>−ε·μ, coordinate-wise over the honest messages.</summary>
    public static float[] Ipm(IReadOnlyList<float[]> honest, double epsilon)
    {
        var (mean, _) = Moments(honest);
        var result = new float[mean.Length];
        for (int k = 0; k < result.Length; k++) result[k] = (float)(-epsilon * mean[k]);
        return result;
    }

    /// <summary>The coordinate-wise mean and population standard deviation.</summary>
    public static (double[] Mean, double[] Std) Moments(IReadOnlyList<float[]> messages)
    {
        if (messages.Count == 0) throw new ArgumentException("no honest messages to craft from", nameof(messages));
        int d = messages[0].Length, n = messages.Count;
        var mean = new double[d];
        var std = new double[d];
        foreach (var m in messages)
        {
            if (m.Length != d) throw new ArgumentException($"messages of d={m.Length} and d={d}", nameof(messages));
            for (int k = 0; k < d; k++) mean[k] += m[k];
        }
        for (int k = 0; k < d; k++) mean[k] /= n;
        foreach (var m in messages)
            for (int k = 0; k < d; k++)
            {
                double x = m[k] - mean[k];
                std[k] += x * x;
            }
        for (int k = 0; k < d; k++) std[k] = Math.Sqrt(std[k] / n);
        return (mean, std);
    }

    /// <summary>Φ⁻¹(p), the standard normal quantile (Acklam's rational approximation, relative error below 1.2·10⁻⁹), with portable ln.</summary>
    public static double InverseNormal(double p)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), $"Φ⁻¹ takes p in (0, 1), got {p}");
        double[] a = { -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00 };
        double[] b = { -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01 };
        double[] c = { -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00 };
        double[] d = { 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00 };
        const double low = 0.02425;
        if (p < low || p > 1 - low)
        {
            double q = Math.Sqrt(-2 * PortableMath.Log(p < low ? p : 1 - p));
            double x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
            return p < low ? x : -x;
        }
        double r = p - 0.5, s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }
}
