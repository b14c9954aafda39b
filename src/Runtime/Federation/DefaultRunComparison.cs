using Akka.Configuration;
using SignActors.Runtime.Configuration;
using SignActors.Runtime.Statistics;

namespace SignActors.Runtime.Federation;

/// <summary>
/// The figures a run on the embedded default config ends with: its method and float32 SGD on the
/// same setting over five seeds, from the committed campaign named in
/// <c>default-run-comparison.conf</c> (an embedded copy; tests check it against the campaign's files).
/// </summary>
public sealed record DefaultRunComparison(string Source, long Rounds, string MethodLabel, double[] MethodAccuracy,
    string Float32Label, double Float32LearningRate, double[] Float32Accuracy, long Float32BitsUp, long MethodBitsUp)
{
    public const string ResourceName = "SignActors.default-run-comparison.conf";

    public static DefaultRunComparison Embedded { get; } = Read(ConfigurationFactory.ParseString(RunConfig.ReadResource(ResourceName)));

    static string? _defaultFingerprint;

    /// <summary>Whether <paramref name="settings"/> is the embedded default run (the same fingerprint: evaluation and output may differ).</summary>
    public static bool Describes(RunSettings settings) =>
        RunFingerprint.Of(settings) == (_defaultFingerprint ??= RunFingerprint.Of(RunSettings.Read(RunConfig.Reference)));

    public static DefaultRunComparison Read(Config root)
    {
        var c = root.GetConfig("comparison");
        double[] Accuracies(string path) => c.GetDoubleList(path).ToArray();
        return new DefaultRunComparison(c.GetString("source"), c.GetLong("rounds"),
            c.GetString("default-method.label"), Accuracies("default-method.test-accuracy"),
            c.GetString("float32.label"), c.GetDouble("float32.learning-rate"), Accuracies("float32.test-accuracy"),
            c.GetLong("float32.bits-up"), c.GetLong("float32.default-bits-up"));
    }

    /// <summary>The closing lines: both methods' final test accuracy, mean ± std [95 % interval] over the campaign's seeds.</summary>
    public IEnumerable<string> Lines()
    {
        int seeds = MethodAccuracy.Length;
        yield return $"the same setting in {Source} (committed, {Rounds:N0} rounds, seeds 1–{seeds}; test accuracy, mean ± std [95 % interval]):";
        yield return $"  {MethodLabel} (this run is its seed 1)  {Percent(MethodAccuracy)}";
        yield return $"  {Float32Label}, η = {Float32LearningRate}  {Percent(Float32Accuracy)} (seed 1: {100 * Float32Accuracy[0]:F2} %), with {(double)Float32BitsUp / MethodBitsUp:F1}× the uplink bits";
    }

    static string Percent(double[] values)
    {
        var s = SeedStatistics.Of(values);
        return $"{100 * s.Mean:F2} ± {100 * s.Std:F2} % [{100 * (s.Mean - s.HalfWidth):F2}, {100 * (s.Mean + s.HalfWidth):F2}]";
    }
}
