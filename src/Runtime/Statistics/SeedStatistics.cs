namespace SignActors.Runtime.Statistics;

/// <summary>
/// Mean, sample standard deviation (n − 1) and the 95 % confidence interval of the mean
/// (Student t with n − 1 degrees of freedom) of one metric over seeds.
/// </summary>
public readonly record struct SeedStatistics(int Count, double Mean, double Std, double HalfWidth)
{
    /// <summary>t_{0.975, ν} for ν = 1 … 30; beyond 30 the normal 1.96 is within 2 %.</summary>
    static readonly double[] T975 =
    {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    };

    public static double TQuantile975(int degreesOfFreedom) =>
        degreesOfFreedom < 1 ? double.NaN : degreesOfFreedom <= T975.Length ? T975[degreesOfFreedom - 1] : 1.96;

    public static SeedStatistics Of(IReadOnlyList<double> values)
    {
        int n = values.Count;
        if (n == 0) return new SeedStatistics(0, double.NaN, double.NaN, double.NaN);
        double mean = values.Average();
        if (n == 1) return new SeedStatistics(1, mean, double.NaN, double.NaN);
        double std = Math.Sqrt(values.Sum(x => (x - mean) * (x - mean)) / (n - 1));
        return new SeedStatistics(n, mean, std, TQuantile975(n - 1) * std / Math.Sqrt(n));
    }

    /// <summary>The statistics of the paired differences a_i − b_i (the same seeds): the interval of the mean difference.</summary>
    public static SeedStatistics Paired(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count) throw new ArgumentException($"paired samples of {a.Count} and {b.Count} values", nameof(b));
        return Of(a.Zip(b, (x, y) => x - y).ToArray());
    }

    /// <summary>Whether the 95 % interval lies wholly above or below 0 (needs two or more values).</summary>
    public bool ExcludesZero => Count > 1 && (Mean - HalfWidth > 0 || Mean + HalfWidth < 0);

    /// <summary>"mean ± std [low, high]" scaled by <paramref name="scale"/>; one run gives its value alone.</summary>
    public string Format(double scale, string format)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        string F(double x) => (x * scale).ToString(format, c);
        if (Count == 0) return "—";
        if (Count == 1) return F(Mean);
        return $"{F(Mean)} ± {F(Std)} [{F(Mean - HalfWidth)}, {F(Mean + HalfWidth)}]";
    }
}
