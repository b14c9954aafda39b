using System.Globalization;
using SignActors.Runtime.Configuration;
using SignActors.Runtime.Federation;
using Xunit;

namespace SignActors.Tests.Host;

/// <summary>
/// The default run ends with figures copied from a committed campaign: they must be that
/// campaign's, and the default run must be the campaign's run it claims to be.
/// </summary>
public sealed class DefaultRunComparisonTests
{
    static readonly string Campaign = Path.Combine(RepositoryRoot(), "docs", "claims", "cifar100-synthetic-comparison");

    static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "SignActors.sln"))) return d.FullName;
        throw new InvalidOperationException($"no SignActors.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>A column of the last row of a run's metrics.csv, found by its header.</summary>
    static double Final(string run, string column)
    {
        var lines = File.ReadAllLines(Path.Combine(Campaign, "runs", run, "metrics.csv"));
        int index = Array.IndexOf(lines[0].Split(','), column);
        Assert.True(index >= 0, $"{run}/metrics.csv has no column {column}");
        return double.Parse(lines[^1].Split(',')[index], CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Every_figure_is_the_committed_campaigns()
    {
        var c = DefaultRunComparison.Embedded;
        Assert.Equal("docs/claims/cifar100-synthetic-comparison", c.Source);
        Assert.Equal(5, c.MethodAccuracy.Length);
        for (int seed = 1; seed <= 5; seed++)
        {
            Assert.Equal(Final($"method-mvsm-v1_seed-{seed}", "test_accuracy"), c.MethodAccuracy[seed - 1], 12);
            Assert.Equal(Final($"method-sgd_seed-{seed}", "test_accuracy"), c.Float32Accuracy[seed - 1], 12);
            Assert.Equal(c.Rounds, (long)Final($"method-sgd_seed-{seed}", "round"));
        }
        Assert.Equal(Final("method-sgd_seed-1", "bits_up"), c.Float32BitsUp);
        Assert.Equal(Final("method-mvsm-v1_seed-1", "bits_up"), c.MethodBitsUp);
        Assert.Contains($"signactors.learning-rate.initial = \"{c.Float32LearningRate.ToString(CultureInfo.InvariantCulture)}\"",
            File.ReadAllText(Path.Combine(Campaign, "configs", "method-sgd_seed-1.conf")));
    }

    [Fact]
    public void The_default_run_is_the_campaigns_seed_1_run_of_its_method()
    {
        var reference = RunSettings.Read(RunConfig.Reference);
        var campaignRun = RunSettings.Read(RunConfig.Load(Path.Combine(Campaign, "runs", "method-mvsm-v1_seed-1", "config.conf")));
        Assert.Equal(RunFingerprint.Of(campaignRun), RunFingerprint.Of(reference));
        Assert.True(DefaultRunComparison.Describes(campaignRun));
        Assert.Equal(DefaultRunComparison.Embedded.Rounds, reference.Contract.Rounds);
        var other = RunSettings.Read(RunConfig.Load(Path.Combine(Campaign, "runs", "method-mvsm-v1_seed-2", "config.conf")));
        Assert.False(DefaultRunComparison.Describes(other));
    }

    [Fact]
    public void The_closing_lines_give_mean_std_and_interval_over_the_seeds()
    {
        // MVSM v1: mean of (0.6085, 0.5305, 0.662, 0.6795, 0.5435) = 0.6048, std 0.067300, t(4) = 2.776 → ±0.083554.
        var lines = DefaultRunComparison.Embedded.Lines().ToArray();
        Assert.Contains("60.48 ± 6.73 % [52.12, 68.84]", lines[1]);
        Assert.Contains("93.69 ± 0.64 % [92.90, 94.48]", lines[2]);
        Assert.Contains("(seed 1: 92.85 %)", lines[2]);
        Assert.Contains("31.9× the uplink bits", lines[2]);
    }
}
