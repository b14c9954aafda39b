using SignActors.Runtime.Statistics;
using SignActors.Experiments;
using Xunit;

namespace SignActors.Tests.Host;

/// <summary>The experiment engine's pure parts: interval statistics, the tuning selection rules and the ETA, against values worked by hand.</summary>
public class ExperimentStatisticsTests
{
    [Fact]
    public void The_confidence_interval_is_student_t_over_seeds()
    {
        // {1, 2, 3, 4}: mean 2.5, sample variance 5/3, t(0.975, 3) = 3.182, half-width 3.182 · √(5/3) / 2.
        var s = SeedStatistics.Of(new[] { 1.0, 2, 3, 4 });
        Assert.Equal(2.5, s.Mean, 12);
        Assert.Equal(1.2909944487358056, s.Std, 12);
        Assert.Equal(2.0539721679386667, s.HalfWidth, 9);
        Assert.Equal("2.50 ± 1.29 [0.45, 4.55]", s.Format(1, "F2"));
        Assert.Equal("7", SeedStatistics.Of(new[] { 7.0 }).Format(1, "F0")); // one seed: no spread, no interval
    }

    [Fact]
    public void A_paired_comparison_is_the_interval_of_the_differences()
    {
        // d = (2, 3, 0): mean 5/3, sample variance 7/3, t(0.975, 2) = 4.303: half-width 4.303 · √(7/3) / √3 = 3.7949.
        var d = SeedStatistics.Paired(new[] { 3.0, 5, 4 }, new[] { 1.0, 2, 4 });
        Assert.Equal(5 / 3.0, d.Mean, 12);
        Assert.Equal(3.794889, d.HalfWidth, 5);
        Assert.False(d.ExcludesZero);
        // d = (1, 1.2, 0.8, 1): mean 1, half-width 3.182 · 0.1633 / 2 = 0.2598: the interval excludes 0.
        var e = SeedStatistics.Paired(new[] { 2.0, 2.2, 1.8, 3.0 }, new[] { 1.0, 1.0, 1.0, 2.0 });
        Assert.Equal(0.2598, e.HalfWidth, 4);
        Assert.True(e.ExcludesZero);
        Assert.Throws<ArgumentException>(() => SeedStatistics.Paired(new[] { 1.0 }, new[] { 1.0, 2.0 }));
    }

    [Fact]
    public void A_runs_standing_at_a_wall_clock_budget_is_its_last_evaluation_by_then()
    {
        string file = Path.Combine(Path.GetTempPath(), $"signactors-metrics-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(file, new[]
        {
            "round,elapsed_s,test_accuracy",
            "1,0.5,", "2,1.0,0.30", "3,1.6,", "4,2.2,0.50", "5,2.9,",
        });
        Assert.Equal((0.30, 3L), ExperimentSummary.AtTime(file, 2.0));  // rounds 1–3 closed by 2.0 s; the last evaluation among them is round 2's
        Assert.Equal((0.50, 5L), ExperimentSummary.AtTime(file, 9.0));
        var none = ExperimentSummary.AtTime(file, 0.7)!.Value;             // round 1 closed, nothing evaluated yet
        Assert.True(double.IsNaN(none.Accuracy));
        Assert.Equal(1L, none.Rounds);
        Assert.Null(ExperimentSummary.AtTime(file + ".missing", 1));
        File.Delete(file);
    }

    [Fact]
    public void Summaries_pair_each_run_with_the_baseline_of_its_seed_and_report_validation_only_runs()
    {
        string stage = Path.Combine(Path.GetTempPath(), $"signactors-stage-{Guid.NewGuid():N}");
        var runs = new List<GridRun>();
        void Run(string m, string seed, string? test, string val)
        {
            string name = $"m-{m}_seed-{seed}", folder = Path.Combine(stage, "runs", name);
            Directory.CreateDirectory(folder);
            File.WriteAllLines(Path.Combine(folder, "metrics.csv"), new[]
            {
                "round,train_loss,test_accuracy,test_loss,grad_l1,grad_l2,val_accuracy,val_loss,bits_up,bits_down",
                $"1,2.0,{test},{(test is null ? "" : "1.0")},10,1,{val},1.5,64,64",
            });
            File.WriteAllText(Path.Combine(folder, "outcome.txt"), "completed\nrounds 1\n");
            runs.Add(new GridRun(name, $"m={m}", Array.Empty<Setting>(), new Dictionary<string, string> { ["m"] = m, ["seed"] = seed }));
        }
        // Listed out of seed order, so pairing by position would be wrong.
        Run("a", "1", "0.50", "0.40"); Run("a", "2", "0.60", "0.40"); Run("a", "3", "0.70", "0.40");
        Run("b", "3", "0.71", "0.40"); Run("b", "1", "0.52", "0.40"); Run("b", "2", "0.63", "0.40");
        Run("c", "1", null, "0.55");  // evaluation.test = off: validation only
        try
        {
            var results = ExperimentSummary.Results(stage, runs);
            string cells = ExperimentSummary.Cells(runs, results);
            Assert.Contains("| m=c | 1/1 | 0 | 55.00 | — | — |", cells);
            // Δ = b − a by seed = (2, 3, 1) points: mean 2, std 1, t(0.975, 2) · 1 / √3 = 2.4843.
            string paired = ExperimentSummary.Comparisons(runs, results, "m", "a");
            Assert.Contains("| m=b | a | 3 | 0.00 ± 0.00 [0.00, 0.00] | 2.00 ± 1.00 [-0.48, 4.48] |", paired);
            Assert.Contains("| no (0 in the interval) |", paired);
            Assert.Contains("| m=c | a | 0 | — | — |", paired); // no test loss: nothing to pair
        }
        finally { Directory.Delete(stage, recursive: true); }
    }

    [Fact]
    public void A_degraded_run_has_its_own_column_and_stays_out_of_means_and_pairs_unless_included()
    {
        string stage = Path.Combine(Path.GetTempPath(), $"signactors-stage-{Guid.NewGuid():N}");
        var runs = new List<GridRun>();
        void Run(string m, string seed, string test, string? participation)
        {
            string name = $"m-{m}_seed-{seed}", folder = Path.Combine(stage, "runs", name);
            Directory.CreateDirectory(folder);
            File.WriteAllLines(Path.Combine(folder, "metrics.csv"), new[]
            {
                "round,train_loss,test_accuracy,test_loss,grad_l1,grad_l2,val_accuracy,val_loss,bits_up,bits_down",
                $"1,2.0,{test},1.0,10,1,{test},1.5,64,64",
            });
            File.WriteAllText(Path.Combine(folder, "outcome.txt"), "completed\nrounds 1\nfinal parameter hash 00\n1 rounds completed\n" + (participation is null ? "" : participation + "\n"));
            runs.Add(new GridRun(name, $"m={m}", Array.Empty<Setting>(), new Dictionary<string, string> { ["m"] = m, ["seed"] = seed }));
        }
        // Seed 3 of b lost half its federation: its 0.10 would drag b's mean from 0.62 to 0.45.
        const string lost = "participation: degraded: nodes 0, 1 absent for 1 of 1 rounds from round 1, unplanned (host 127.0.0.1:1 downed at round 1)";
        Run("a", "1", "0.50", "participation: as planned"); Run("a", "2", "0.60", null); Run("a", "3", "0.70", "participation: as planned");
        Run("b", "1", "0.52", "participation: as planned"); Run("b", "2", "0.72", null); Run("b", "3", "0.10", lost);
        try
        {
            var results = ExperimentSummary.Results(stage, runs);
            Assert.True(results["m-b_seed-3"].Degraded);
            Assert.False(results["m-a_seed-2"].Degraded); // written before runs reported participation: nothing says it lost anything
            // b over seeds 1, 2: mean 0.62, std √((0.1² + 0.1²)/1) = 0.14142, t(0.975, 1) · 0.14142 / √2 = 1.2706 points · 100.
            string cells = ExperimentSummary.Cells(runs, results);
            Assert.Contains("| m=b | 2/3 | 1 (left out) | 62.00 ± 14.14 [-65.06, 189.06] |", cells);
            Assert.Contains("| m=a | 3/3 | 0 | 60.00 ± 10.00 [35.16, 84.84] |", cells);
            // Pairs over seeds 1, 2 only: Δ = (2, 12) points, mean 7, std 7.0711, half-width 12.706 · 7.0711 / √2 = 63.53.
            string paired = ExperimentSummary.Comparisons(runs, results, "m", "a");
            Assert.Contains("| m=b | a | 2 | 7.00 ± 7.07 [-56.53, 70.53] |", paired);
            Assert.Contains("1 pair(s) left out: one of their runs is degraded", paired);

            var included = new DegradedRuns(Include: true);
            // All three: mean (0.52 + 0.72 + 0.10) / 3 = 0.4467.
            Assert.Contains("| m=b | 3/3 | 1 (included) | 44.67 ±", ExperimentSummary.Cells(runs, results, included));
            Assert.Contains("| m=b | a | 3 |", ExperimentSummary.Comparisons(runs, results, "m", "a", included));
            Assert.DoesNotContain("left out", ExperimentSummary.Comparisons(runs, results, "m", "a", included));
        }
        finally { Directory.Delete(stage, recursive: true); }
    }

    static TuningScore Point(double score, string eta, string? beta = null) =>
        new(beta is null ? new Dictionary<string, string> { ["learning-rate.initial"] = eta } : new Dictionary<string, string> { ["learning-rate.initial"] = eta, ["algorithm.beta"] = beta }, score, double.IsNegativeInfinity(score) ? "stopped at round 3" : "ok");

    static readonly (string, IReadOnlyList<string>)[] EtaGrid = { ("learning-rate.initial", new[] { "0.005", "0.001", "0.0001" }) };

    [Fact]
    public void The_best_validation_score_wins_and_ties_go_to_the_smaller_step()
    {
        var scores = new[] { Point(0.70, "0.005"), Point(0.75, "0.001"), Point(0.75, "0.0001") };
        var choice = TuningSelection.Choose(scores, EtaGrid);
        Assert.Same(scores[2], choice.Best);       // 0.75 twice: η = 1e-4 < 1e-3
        Assert.Same(scores[1], choice.RunnerUp);
        Assert.Equal(new[] { "learning-rate.initial = 0.0001 is the smallest value of its grid" }, choice.Flags);
    }

    [Fact]
    public void A_diverged_or_stopped_run_scores_worst()
    {
        Assert.Equal(double.NegativeInfinity, TuningSelection.Score(TuningMetric.ValidationAccuracy, completed: false, 0.9, 0.1));
        Assert.Equal(double.NegativeInfinity, TuningSelection.Score(TuningMetric.ValidationLoss, completed: true, 0.9, double.NaN));
        Assert.Equal(-0.25, TuningSelection.Score(TuningMetric.ValidationLoss, completed: true, 0.9, 0.25)); // lower loss is better
        var scores = new[] { Point(double.NegativeInfinity, "0.005"), Point(0.10, "0.001"), Point(double.NegativeInfinity, "0.0001") };
        var choice = TuningSelection.Choose(scores, EtaGrid);
        Assert.Same(scores[1], choice.Best);
        Assert.Empty(choice.Flags);               // the middle of its grid
        Assert.Same(scores[2], choice.RunnerUp);  // among the failed, the smaller η
    }

    [Fact]
    public void A_choice_at_either_edge_is_flagged_per_key_and_all_failed_is_said()
    {
        var grid = new (string, IReadOnlyList<string>)[] { EtaGrid[0], ("algorithm.beta", new[] { "0.9", "0.5", "0.1" }), ("algorithm.radius", new[] { "auto", "per-tensor" }) };
        var choice = TuningSelection.Choose(new[] { Point(0.5, "0.001", "0.9"), Point(0.4, "0.005", "0.5") }, grid);
        Assert.Equal(new[] { "algorithm.beta = 0.9 is the largest value of its grid" }, choice.Flags); // radius is not numeric
        var failed = TuningSelection.Choose(new[] { Point(double.NegativeInfinity, "0.005"), Point(double.NegativeInfinity, "0.001") }, EtaGrid);
        Assert.Equal("0.001", failed.Best.Point["learning-rate.initial"]);
        Assert.StartsWith("every tuning run diverged or stopped", failed.Flags[0]);
    }

    [Fact]
    public void The_eta_is_the_time_per_round_so_far_times_the_rounds_left()
    {
        Assert.Null(ExperimentProgress.Eta(TimeSpan.Zero, 0, 100));
        Assert.Equal(TimeSpan.FromSeconds(150), ExperimentProgress.Eta(TimeSpan.FromSeconds(60), 200, 500)); // 0.3 s a round
        Assert.Equal("2 m 30 s", ExperimentProgress.Format(TimeSpan.FromSeconds(150)));
        Assert.Equal("1 h 05 m", ExperimentProgress.Format(TimeSpan.FromMinutes(65)));
    }
}
