using SignActors.Runtime.Statistics;
using SignActors.Experiments;
using SignActors.Training.Faults;
using Xunit;

namespace SignActors.Tests.Host;

/// <summary>The Byzantine sweep's verdicts and tolerances, on cells whose accuracies are written by hand.</summary>
public class ByzantineVerdictTests
{
    static readonly ContenderSpec Signum = new("majority (signum)", "signum", new[] { 0.001 }, new[] { 0.9 });
    static readonly ContenderSpec Mean = new("mean (sgd)", "sgd", new[] { 0.1 }, Array.Empty<double>());
    static readonly ContenderSpec Median = new("median", "median-sgd", new[] { 0.1 }, Array.Empty<double>());
    static readonly ContenderSpec Trimmed = new("trimmed mean", "trimmed-mean-sgd", new[] { 0.1 }, Array.Empty<double>());
    static readonly ContenderSpec Krum = new("krum", "krum-sgd", new[] { 0.1 }, Array.Empty<double>());
    static readonly ByzantineAttack[] TwoAttacks = { ByzantineAttack.SignFlip, ByzantineAttack.Omniscient };

    /// <summary>A cell of three seeds "1", "2", "3" with these accuracies.</summary>
    static ByzantineCell Cell(string contender, ByzantineAttack? attack, int f, params double[] accuracy) =>
        new(contender, attack, f, SeedStatistics.Of(accuracy), 0.5, 1, 1, 3, accuracy.Length, 10, null, false,
            accuracy.Select((a, i) => ($"{i + 1}", a)).ToDictionary(x => x.Item1, x => x.a));

    [Theory]
    [InlineData("signum", 3, true)]   // 2f < n: honest majority
    [InlineData("signum", 4, false)]  // n/2: no majority left
    [InlineData("mvsm-v2", 3, true)]
    [InlineData("sgd", 1, false)]     // the mean tolerates no one
    [InlineData("median-sgd", 3, true)]
    [InlineData("median-sgd", 4, false)]
    [InlineData("trimmed-mean-sgd", 3, true)]
    [InlineData("krum-sgd", 2, true)] // 8 ≥ 2·2 + 3
    [InlineData("krum-sgd", 3, false)] // 8 < 9
    public void Tolerance_at_n_8_is_each_aggregators_textbook_bound(string preset, int f, bool within)
    {
        Assert.Equal(within, new ContenderSpec(preset, preset, new[] { 0.1 }, Array.Empty<double>()).Tolerates(8, f));
        Assert.True(new ContenderSpec(preset, preset, new[] { 0.1 }, Array.Empty<double>()).Tolerates(8, 0));
    }

    [Fact]
    public void Only_the_sign_uplinks_count_as_majority_vote()
    {
        Assert.True(Signum.Votes(8));
        Assert.True(new ContenderSpec("v2", "mvsm-v2", new[] { 0.001 }, new[] { 0.5 }).Votes(8));
        Assert.False(Mean.Votes(8));
        Assert.False(Krum.Votes(8));
    }

    [Fact]
    public void Majority_holds_at_85_percent_of_clean_in_every_non_omniscient_cell_up_to_f_3()
    {
        // Clean mean 0.80: the bar is 0.68. Sign-flip at f = 1..3 keeps 0.70, 0.69, 0.681 (just over the bar: holds);
        // the omniscient attack drops to 0.30 at f = 3 and does not count; f = 4 (beyond 3) does not count either.
        var cells = new List<ByzantineCell>
        {
            Cell(Signum.Label, null, 0, 0.79, 0.80, 0.81),
            Cell(Signum.Label, ByzantineAttack.SignFlip, 1, 0.70, 0.70, 0.70),
            Cell(Signum.Label, ByzantineAttack.SignFlip, 2, 0.69, 0.69, 0.69),
            Cell(Signum.Label, ByzantineAttack.SignFlip, 3, 0.681, 0.681, 0.681),
            Cell(Signum.Label, ByzantineAttack.SignFlip, 4, 0.10, 0.10, 0.10),
            Cell(Signum.Label, ByzantineAttack.Omniscient, 1, 0.60, 0.60, 0.60),
            Cell(Signum.Label, ByzantineAttack.Omniscient, 2, 0.50, 0.50, 0.50),
            Cell(Signum.Label, ByzantineAttack.Omniscient, 3, 0.30, 0.30, 0.30),
            Cell(Signum.Label, ByzantineAttack.Omniscient, 4, 0.10, 0.10, 0.10),
        };
        var (holds, lowest) = ByzantineExperiment.Holds(cells, Signum.Label, TwoAttacks, new[] { 1, 2, 3, 4 });
        Assert.True(holds);
        Assert.Equal((ByzantineAttack?)ByzantineAttack.SignFlip, lowest.Attack);
        Assert.Equal(3, lowest.Attackers);

        cells[3] = Cell(Signum.Label, ByzantineAttack.SignFlip, 3, 0.679, 0.679, 0.679); // just under the bar
        Assert.False(ByzantineExperiment.Holds(cells, Signum.Label, TwoAttacks, new[] { 1, 2, 3, 4 }).Holds);
        cells[3] = Cell(Signum.Label, ByzantineAttack.SignFlip, 3, 0.90, 0.90); // one seed of three missing: fails
        Assert.False(ByzantineExperiment.Holds(cells, Signum.Label, TwoAttacks, new[] { 1, 2, 3, 4 }).Holds);
    }

    [Fact]
    public void A_cell_collapses_within_5_points_of_chance()
    {
        Assert.True(ByzantineExperiment.Collapses(Cell(Mean.Label, ByzantineAttack.SignFlip, 1, 0.15, 0.15, 0.15), 0.10));
        Assert.False(ByzantineExperiment.Collapses(Cell(Mean.Label, ByzantineAttack.SignFlip, 1, 0.16, 0.15, 0.15), 0.10));
        Assert.True(ByzantineExperiment.Collapses(Cell(Mean.Label, ByzantineAttack.SignFlip, 1, 0.02, 0.01, 0.03), 0.01)); // 100 classes
        Assert.True(ByzantineExperiment.Collapses(Cell(Mean.Label, ByzantineAttack.SignFlip, 1), 0.10)); // every seed diverged: a collapse
        var refused = new ByzantineCell(Krum.Label, ByzantineAttack.SignFlip, 3, SeedStatistics.Of(Array.Empty<double>()), double.NaN, double.NaN, double.NaN, 3, 0, 0,
            "krum(3) needs at least 9 votes", true, new Dictionary<string, double>());
        Assert.False(ByzantineExperiment.Collapses(refused, 0.10)); // refused: it never ran
        var lost = new ByzantineCell(Mean.Label, ByzantineAttack.SignFlip, 1, SeedStatistics.Of(Array.Empty<double>()), double.NaN, double.NaN, double.NaN, 3, 0, 40,
            null, false, new Dictionary<string, double>(), Degraded: 3, LeftOut: 3);
        Assert.False(ByzantineExperiment.Collapses(lost, 0.10)); // every seed lost part of its federation: no evidence either way
        Assert.True(ByzantineExperiment.Collapses(lost with { LeftOut = 1 }, 0.10)); // the two others diverged
    }

    [Fact]
    public void The_worst_case_is_taken_per_seed_then_paired()
    {
        // Seed 1's worst is sign-flip (0.5), seed 2's omniscient (0.4); seed 3 has no omniscient run: NaN.
        var cells = new[]
        {
            Cell(Median.Label, ByzantineAttack.SignFlip, 2, 0.5, 0.6, 0.7),
            new ByzantineCell(Median.Label, ByzantineAttack.Omniscient, 2, SeedStatistics.Of(new[] { 0.55, 0.4 }), 0.5, 1, 1, 3, 2, 10, null, false,
                new Dictionary<string, double> { ["1"] = 0.55, ["2"] = 0.4 }),
        };
        var worst = ByzantineExperiment.WorstBySeed(cells, Median.Label, TwoAttacks, 2);
        Assert.Equal(0.5, worst["1"]);
        Assert.Equal(0.4, worst["2"]);
        Assert.True(double.IsNaN(worst["3"]));
    }

    [Fact]
    public void The_worst_case_table_picks_the_lowest_mean_and_counts_a_refused_cell_as_worst()
    {
        var refused = new ByzantineCell(Krum.Label, ByzantineAttack.Omniscient, 3, SeedStatistics.Of(Array.Empty<double>()), double.NaN, double.NaN, double.NaN, 3, 0, 0,
            "krum(3) needs at least 9 votes", true, new Dictionary<string, double>());
        var cells = new[]
        {
            Cell(Krum.Label, null, 0, 0.8, 0.8, 0.8),
            Cell(Krum.Label, ByzantineAttack.SignFlip, 3, 0.2, 0.2, 0.2),
            refused,
            Cell(Trimmed.Label, null, 0, 0.8, 0.8, 0.8),
            Cell(Trimmed.Label, ByzantineAttack.SignFlip, 3, 0.5, 0.5, 0.5),
            Cell(Trimmed.Label, ByzantineAttack.Omniscient, 3, 0.4, 0.4, 0.41),
        };
        var worst = ByzantineExperiment.WorstCase(cells, new[] { Krum, Trimmed }, TwoAttacks, new[] { 3 });
        Assert.Same(refused, worst.Single(w => w.Contender == Krum.Label && w.Attackers == 3).Cell);
        Assert.Equal((ByzantineAttack?)ByzantineAttack.Omniscient, worst.Single(w => w.Contender == Trimmed.Label && w.Attackers == 3).Cell.Attack);
    }
}
