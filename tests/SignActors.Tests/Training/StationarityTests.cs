using Akka.Configuration;
using SignActors.Runtime.Configuration;
using SignActors.Training.Runs;
using Xunit;

namespace SignActors.Tests.Training;

/// <summary>The stationarity measure's uniform draw of rounds, and its estimate worked out by hand.</summary>
public class StationarityTests
{
    [Fact]
    public void The_draw_is_k_distinct_rounds_of_1_to_T_and_the_same_for_a_seed()
    {
        var drawn = Stationarity.Draw(7, 1000, 100);
        Assert.Equal(100, drawn.Count);
        Assert.All(drawn, t => Assert.InRange(t, 1, 1000));
        Assert.Equal(drawn.Order(), Stationarity.Draw(7, 1000, 100).Order());
        Assert.NotEqual(drawn.Order(), Stationarity.Draw(8, 1000, 100).Order());
        Assert.Equal(Enumerable.Range(1, 40).Select(t => (long)t), Stationarity.Draw(7, 40, 100).Order()); // k ≥ T: every round
        Assert.Empty(Stationarity.Draw(7, 40, 0));
    }

    [Fact]
    public void Every_round_is_drawn_with_probability_k_over_T()
    {
        // 2,000 seeds, k = 100 of T = 400: each round's count is Binomial(2000, 1/4), mean 500 and sd 19.4.
        const int Seeds = 2000, T = 400, K = 100;
        var counts = new int[T + 1];
        for (ulong seed = 0; seed < Seeds; seed++)
            foreach (long t in Stationarity.Draw(seed, T, K)) counts[t]++;
        for (int t = 1; t <= T; t++) Assert.InRange(counts[t], 500 - 5 * 19.4, 500 + 5 * 19.4);
        // Pairs too: rounds 1 and 2 together with probability k(k−1)/(T(T−1)) = 0.0620, 124 of 2,000 (sd 10.8).
        int both = 0;
        for (ulong seed = 0; seed < Seeds; seed++) { var d = Stationarity.Draw(seed, T, K); if (d.Contains(1) && d.Contains(2)) both++; }
        Assert.InRange(both, 124 - 5 * 10.8, 124 + 5 * 10.8);
        // Σ (c_t − 500)² / (2000 · ¼ · ¾) has mean T = 400 and sd about √(2 · 400): the counts spread as uniform draws do.
        double spread = counts.Skip(1).Sum(c => (c - 500.0) * (c - 500.0)) / 375.0;
        Assert.InRange(spread, 400 - 5 * Math.Sqrt(800), 400 + 5 * Math.Sqrt(800));
    }

    [Fact]
    public void The_estimate_is_the_mean_with_a_finite_population_standard_error()
    {
        // Values 1, 2, 3, 6 at 4 of 10 rounds: mean 3, sample variance (4 + 1 + 0 + 9)/3 = 14/3,
        // standard error √(14/3 / 4 · (1 − 4/10)) = √0.7.
        var e = Stationarity.Estimate(new double[] { 1, 2, 3, 6 }, 10);
        Assert.Equal(3, e.Mean, 15);
        Assert.Equal(Math.Sqrt(0.7), e.StandardError, 15);
        Assert.Equal(0, Stationarity.Estimate(new double[] { 1, 2, 3, 6 }, 4).StandardError); // every round: exact
        Assert.Equal("3 (every one of the 4 rounds)", Stationarity.Estimate(new double[] { 1, 2, 3, 6 }, 4).ToString());
        Assert.True(double.IsNaN(Stationarity.Estimate([], 10).Mean));
    }

    [Fact]
    public void Fewer_than_100_rounds_is_one_line()
    {
        var e = Assert.Throws<ConfigurationException>(() => RunSettings.Read(ConfigurationFactory.ParseString("signactors.evaluation.stationarity-rounds = 50").WithFallback(RunConfig.Reference)));
        Assert.Equal("signactors.evaluation.stationarity-rounds = 50: 0 (off) or at least 100 rounds (T or more measures every round)", e.Message);
        Assert.Equal(100, RunSettings.Read(ConfigurationFactory.ParseString("signactors.evaluation.stationarity-rounds = 100").WithFallback(RunConfig.Reference)).Options.StationarityRounds);
    }
}
