using SignActors.Experiments;
using Xunit;

namespace SignActors.Tests.Host;

/// <summary>The log-log slope and its verdict on made-up data, worked out by hand.</summary>
public class RateFitTests
{
    [Fact]
    public void The_slope_of_three_horizons_is_the_end_to_end_slope_when_the_middle_sits_on_the_mean()
    {
        // ln T = 0, ln 10, ln 100: the middle point has zero deviation, so the slope is (ln 0.1 − ln 1)/(ln 100 − ln 1) = −½.
        Assert.Equal(-0.5, RateFit.Slope([(1, 1), (10, 0.5), (100, 0.1)]), 12);
        Assert.Equal(-0.25, RateFit.Slope([(100, 3 * Math.Pow(100, -0.25)), (400, 3 * Math.Pow(400, -0.25)), (1600, 3 * Math.Pow(1600, -0.25))]), 12);
        Assert.True(double.IsNaN(RateFit.Slope([(100, 1)])));
        Assert.True(double.IsNaN(RateFit.Slope([(100, 1), (400, 0)])));
    }

    static IReadOnlyList<(double, double)> Power(double c, double exponent) => new[] { 100.0, 400, 1600 }.Select(t => (t, c * Math.Pow(t, exponent))).ToArray();

    [Fact]
    public void Steeper_holds_flatter_outside_the_interval_does_not_flatter_within_it_is_consistent()
    {
        // Three seeds with slopes −0.50, −0.52, −0.48 against a claim of −0.25: steeper, holds.
        var steep = RateFit.Of([Power(5, -0.50), Power(4, -0.52), Power(6, -0.48)], -0.25);
        Assert.Equal(RateVerdict.Holds, steep.Verdict);
        Assert.Equal(-0.5, steep.Slopes.Mean, 12);
        // Slopes −0.10, −0.11, −0.09: mean −0.10, std 0.01, half-width 4.303 · 0.01/√3 = 0.0248; the interval [−0.125, −0.075] lies above −0.25.
        var flat = RateFit.Of([Power(5, -0.10), Power(5, -0.11), Power(5, -0.09)], -0.25);
        Assert.Equal(RateVerdict.DoesNotHold, flat.Verdict);
        Assert.Equal(4.303 * 0.01 / Math.Sqrt(3), flat.Slopes.HalfWidth, 6);
        // Slopes −0.20, −0.05, −0.35 (mean −0.20, std 0.15, half-width 0.373): flatter than −0.25, but the interval reaches it.
        Assert.Equal(RateVerdict.Consistent, RateFit.Of([Power(5, -0.20), Power(5, -0.05), Power(5, -0.35)], -0.25).Verdict);
    }
}

/// <summary>An experiment with a rate section: its summary's slope is the one the runs' own metrics give.</summary>
[Collection("host-runs")]
public sealed class RateSummaryTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("signactors-rate-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_summary_fits_the_slope_of_the_runs_final_metric_against_T()
    {
        string file = Path.Combine(_directory, "rate.conf");
        File.WriteAllText(file, $$"""
            signactors {
              nodes = 2, model.name = mlp, evaluation.probe-records = 50, learning-rate { initial = 0.05, t-exponent = -0.5 }
              data { cache-directory = "{{Path.Combine(Path.GetTempPath(), "signactors-test-cache")}}", synthetic { train-per-class = 3, test-per-class = 1 } }
            }
            experiment {
              name = rate, directory = "{{_directory}}"
              grid { rounds = [4, 16], seed = [1, 2] }
              rate { axis = rounds, metric = grad-l1, claim = -0.25 }
            }
            """);
        var (code, output, error) = CommandTests.Run("experiment", file);
        Assert.True(code == 0, output + error);
        double Final(string run)
        {
            var lines = File.ReadAllLines(Path.Combine(_directory, "rate", "runs", run, "metrics.csv"));
            int column = Array.IndexOf(lines[0].Split(','), "grad_l1");
            return double.Parse(lines[^1].Split(',')[column], System.Globalization.CultureInfo.InvariantCulture);
        }
        // Two horizons: each seed's slope is (ln y₁₆ − ln y₄)/(ln 16 − ln 4).
        var slopes = new[] { 1, 2 }.Select(s => (Math.Log(Final($"rounds-16_seed-{s}")) - Math.Log(Final($"rounds-4_seed-{s}"))) / Math.Log(4)).ToArray();
        string summary = File.ReadAllText(Path.Combine(_directory, "rate", "summary.md"));
        Assert.Contains($"| all | 2 | 2 | {slopes.Average().ToString("F3", System.Globalization.CultureInfo.InvariantCulture)} ± ", summary);
        Assert.Contains(slopes.Average() <= -0.25 ? "holds (at least as steep as claimed)" : "consistent", summary);
    }
}
