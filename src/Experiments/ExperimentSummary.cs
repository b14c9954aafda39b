using SignActors.Runtime.Statistics;
using SignActors.Runtime.Federation;
using System.Text;

namespace SignActors.Experiments;

/// <summary>
/// The tables of summary.md: per cell, mean ± std [95 % t interval] over seeds of the final
/// metrics of the runs that completed as planned (<see cref="DegradedRuns"/>); paired comparisons
/// against a baseline over the same seeds; and the tuning stage's choices.
/// </summary>
public static class ExperimentSummary
{
    const string Legend = "mean ± sample standard deviation [95 % confidence interval of the mean, Student t over seeds]";

    /// <summary>Each run's final result, read once from its folder for all the tables of a summary.</summary>
    public static IReadOnlyDictionary<string, RunResult> Results(string stage, IReadOnlyList<GridRun> runs) =>
        runs.ToDictionary(r => r.Name, r => RunResult.Of(Path.Combine(stage, "runs", r.Name)));

    public static string Cells(IReadOnlyList<GridRun> runs, IReadOnlyDictionary<string, RunResult> result, DegradedRuns degraded = default)
    {
        var text = new StringBuilder();
        bool stationarity = result.Values.Any(r => double.IsFinite(r.StationarityL1)); // its columns only where some run measured it
        text.AppendLine("| cell | runs | degraded | final validation accuracy % | final test accuracy % | final test loss | final ‖∇f‖₁ | final ‖∇f‖₂ |"
            + (stationarity ? " mean ‖∇f(x_t)‖₁ (whole set) | mean ‖∇f(x_t)‖₂ (whole set) |" : ""));
        text.AppendLine("|---|---|---|---|---|---|---|---|" + (stationarity ? "---|---|" : ""));
        foreach (var cell in runs.GroupBy(r => r.Cell))
        {
            var all = cell.Select(r => result[r.Name]).ToArray();
            var finals = all.Where(degraded.Counts).ToArray(); // each column over the runs that have it: test = off still reports validation
            string Stat(Func<RunResult, double> pick, double scale, string format) => SeedStatistics.Of(finals.Select(pick).Where(double.IsFinite).ToArray()).Format(scale, format);
            string loss = finals.Length > 0 && finals.All(f => !double.IsFinite(f.Accuracy)) ? "G4" : "F3"; // an objective's f − f* falls by orders of magnitude
            text.AppendLine($"| {cell.Key} | {finals.Length}/{all.Length} | {degraded.Column(all)} | {Stat(f => f.Validation, 100, "F2")} | {Stat(f => f.Accuracy, 100, "F2")} | {Stat(f => f.Loss, 1, loss)} | {Stat(f => f.GradientL1, 1, "F1")} | {Stat(f => f.GradientL2, 1, "F3")} |"
                + (stationarity ? $" {Stat(f => f.StationarityL1, 1, "G4")} | {Stat(f => f.StationarityL2, 1, "G4")} |" : ""));
        }
        text.AppendLine();
        text.AppendLine(Legend + $"; runs: counted / in the cell; {degraded.Legend}."
            + (stationarity ? " Mean ‖∇f(x_t)‖: per run the mean over the rounds its stationarity measure drew (evaluation.stationarity-rounds)." : ""));
        return text.ToString();
    }

    /// <summary>The metrics a rate may be fitted to, by their name in the experiment file.</summary>
    public static readonly IReadOnlyDictionary<string, Func<RunResult, double>> RateMetrics = new Dictionary<string, Func<RunResult, double>>
    {
        ["grad-l1"] = r => r.GradientL1,
        ["grad-l2"] = r => r.GradientL2,
        ["stationarity-l1"] = r => r.StationarityL1,
        ["stationarity-l2"] = r => r.StationarityL2,
        ["test-loss"] = r => r.Loss,
        ["validation-loss"] = r => r.ValidationLoss,
    };

    /// <summary>
    /// The log-log slope of <paramref name="metric"/> against the horizon axis (its values are T),
    /// per group of the other axes but the seed: per-seed slopes, their mean and interval, and the
    /// verdict against the claimed exponent (<see cref="RateFit"/>).
    /// </summary>
    public static string Rates(IReadOnlyList<GridRun> runs, IReadOnlyDictionary<string, RunResult> result, string axis, string metric, double claim, DegradedRuns degraded = default)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine($"Rate of the final {metric} against T = {axis}, claimed exponent {claim.ToString(c)}:");
        text.AppendLine();
        text.AppendLine("| cell | horizons | seeds | slope of ln(metric) on ln T | claim | verdict |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var (group, horizons, bySeed) in RateGroups(runs, result, axis, metric, degraded))
        {
            var fit = RateFit.Of(bySeed, claim);
            text.AppendLine($"| {group} | {horizons} | {fit.Slopes.Count} | {fit.Slopes.Format(1, "F3")} | {claim.ToString(c)} | {(fit.Slopes.Count == 0 ? "—" : fit.VerdictText)} |");
        }
        text.AppendLine();
        text.AppendLine("Per seed the least-squares slope over its horizons; " + Legend + ". The theorems bound the metric from above, so a slope at least as steep as the claim holds.");
        return text.ToString();
    }

    /// <summary>
    /// The points a rate is fitted to: per group of the other axes but the seed (its label, its
    /// horizons), per seed the (T, metric) of each completed run that counts.
    /// </summary>
    public static IReadOnlyList<RateGroup> RateGroups(
        IReadOnlyList<GridRun> runs, IReadOnlyDictionary<string, RunResult> result, string axis, string metric, DegradedRuns degraded = default)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var pick = RateMetrics[metric];
        string Others(GridRun r) => string.Join(", ", r.Axes.Where(a => a.Key != axis && a.Key != ExperimentGrid.SeedAxis).Select(a => $"{a.Key}={a.Value}")) is { Length: > 0 } k ? k : "all";
        return runs.GroupBy(Others).Select(group => new RateGroup(group.Key, group.Select(r => r.Axes[axis]).Distinct().Count(),
            group.Where(r => degraded.Counts(result[r.Name]) && result[r.Name].Completed)
                .GroupBy(r => r.Axes.TryGetValue(ExperimentGrid.SeedAxis, out var seed) ? seed : "")
                .Select(seed => (IReadOnlyList<(double, double)>)seed.Select(r => (double.Parse(r.Axes[axis], c), pick(result[r.Name]))).ToArray()).ToArray())).ToArray();
    }

    /// <summary>
    /// Each value of <paramref name="axis"/> against <paramref name="baseline"/>, the other axes
    /// equal, paired by seed over the seeds where both runs completed (and ran as planned, unless
    /// degraded runs are included): the mean difference and its interval.
    /// </summary>
    public static string Comparisons(IReadOnlyList<GridRun> runs, IReadOnlyDictionary<string, RunResult> result, string axis, string baseline, DegradedRuns degraded = default)
    {
        bool Usable(RunResult r) => degraded.Counts(r) && r.HasEvaluation && double.IsFinite(r.Loss);
        int leftOut = 0;
        var text = new StringBuilder();
        text.AppendLine($"Paired differences against {ExperimentGrid.Short(axis)}={baseline}, over the seeds where both completed (Δ = method − baseline):");
        text.AppendLine();
        text.AppendLine("| method | against | pairs | Δ validation accuracy (points) | Δ test accuracy (points) | Δ test loss | Δ ‖∇f‖₁ | Δ ‖∇f‖₂ | test accuracy differs? |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        string Others(GridRun r) => string.Join(" ", r.Axes.Where(a => a.Key != axis && a.Key != ExperimentGrid.SeedAxis).Select(a => $"{a.Key}={a.Value}"));
        foreach (var context in runs.GroupBy(Others).Where(c => c.Any(r => r.Axes[axis] == baseline)))
            foreach (var value in context.Where(r => r.Axes[axis] != baseline).GroupBy(r => r.Axes[axis]))
            {
                var candidates = value.Select(r => (Run: r, Base: PairOf(runs, r, axis, baseline))).Where(p => p.Base is not null).ToArray();
                var pairs = candidates.Where(p => Usable(result[p.Run.Name]) && Usable(result[p.Base!.Name]))
                    .Select(p => (Run: result[p.Run.Name], Base: result[p.Base!.Name])).ToArray();
                leftOut += degraded.Include ? 0 : candidates.Count(p => result[p.Run.Name].Degraded || result[p.Base!.Name].Degraded);
                SeedStatistics Delta(Func<RunResult, double> pick)
                {
                    var both = pairs.Where(p => double.IsFinite(pick(p.Run)) && double.IsFinite(pick(p.Base))).ToArray();
                    return SeedStatistics.Paired(both.Select(p => pick(p.Run)).ToArray(), both.Select(p => pick(p.Base)).ToArray());
                }
                var accuracy = Delta(r => r.Accuracy);
                string verdict = accuracy.Count == 0 ? "— (no accuracy)" : accuracy.Count < 2 ? "— (one pair)" : accuracy.ExcludesZero ? (accuracy.Mean > 0 ? "yes, higher" : "yes, lower") : "no (0 in the interval)";
                string label = ExperimentGrid.CellOf(new[] { (axis, value.Key) }) + (context.Key.Length > 0 ? $" ({context.Key})" : "");
                text.AppendLine($"| {label} | {baseline} | {pairs.Length} | {Delta(r => r.Validation).Format(100, "F2")} | {accuracy.Format(100, "F2")} | {Delta(r => r.Loss).Format(1, "F3")} | {Delta(r => r.GradientL1).Format(1, "F1")} | {Delta(r => r.GradientL2).Format(1, "F3")} | {verdict} |");
            }
        text.AppendLine();
        text.AppendLine(Legend.Replace("the mean", "the mean difference") + "."
            + (leftOut > 0 ? $" {leftOut} pair(s) left out: one of their runs is degraded ({DegradedRuns.Key} = on counts them)." : ""));
        return text.ToString();
    }

    /// <summary>
    /// Per cell, where each run stood after <paramref name="seconds"/> of wall clock (metrics.csv's
    /// elapsed_s): the test accuracy of its last evaluation by then, and the rounds it had closed;
    /// the wall clock its last round took; and the accuracy at the budget paired by seed against
    /// the same run with <paramref name="axis"/> = <paramref name="baseline"/>, when given. A degraded
    /// run is left out, unless degraded runs are included.
    /// </summary>
    public static string WithinBudget(string stage, IReadOnlyList<GridRun> runs, IReadOnlyDictionary<string, RunResult> result, double seconds, string? axis = null, string? baseline = null, DegradedRuns degraded = default)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        string Metrics(GridRun r) => Path.Combine(stage, "runs", r.Name, RunDirectory.MetricsFile);
        bool Left(GridRun r) => !degraded.Include && result[r.Name].Degraded;
        var at = runs.ToDictionary(r => r.Name, r => Left(r) ? null : Standing(Metrics(r), seconds)); // one read of each metrics.csv
        bool paired = axis is not null && baseline is not null;
        var text = new StringBuilder();
        text.AppendLine(string.Create(c, $"Within a wall-clock budget of {seconds:F1} s (elapsed since round 1 started): the test accuracy of each run's last evaluation by then, and the rounds it had closed")
            + (paired ? $"; Δ: paired by seed against {ExperimentGrid.Short(axis!)}={baseline}:" : ":"));
        text.AppendLine();
        text.AppendLine("| cell | runs | test accuracy % at the budget | rounds closed by the budget | wall clock of all rounds (s) |" + (paired ? " Δ test accuracy at the budget (points) |" : ""));
        text.AppendLine("|---|---|---|---|---|" + (paired ? "---|" : ""));
        foreach (var cell in runs.GroupBy(r => r.Cell))
        {
            var done = cell.Where(r => at[r.Name] is not null).ToArray();
            string line = $"| {cell.Key} | {done.Length}/{cell.Count()} | {SeedStatistics.Of(done.Select(r => at[r.Name]!.Value.Accuracy).Where(double.IsFinite).ToArray()).Format(100, "F2")} "
                + $"| {SeedStatistics.Of(done.Select(r => (double)at[r.Name]!.Value.Rounds).ToArray()).Format(1, "F0")} "
                + $"| {SeedStatistics.Of(done.Select(r => at[r.Name]!.Value.Finish).ToArray()).Format(1, "F1")} |";
            if (paired)
            {
                var pairs = done.Where(r => r.Axes[axis!] != baseline)
                    .Select(r => (Run: at[r.Name]!.Value.Accuracy, Base: PairOf(runs, r, axis!, baseline!) is { } b && at[b.Name] is { } x ? x.Accuracy : double.NaN))
                    .Where(p => double.IsFinite(p.Run) && double.IsFinite(p.Base)).ToArray();
                line += pairs.Length == 0 ? " — |" : $" {SeedStatistics.Paired(pairs.Select(p => p.Run).ToArray(), pairs.Select(p => p.Base).ToArray()).Format(100, "F2")} |";
            }
            text.AppendLine(line);
        }
        text.AppendLine();
        text.AppendLine(Legend + $"; runs: with metrics / in the cell{(degraded.Include ? "" : $", a degraded run left out ({DegradedRuns.Key} = on counts it)")}.");
        return text.ToString();
    }

    /// <summary>A run's last test accuracy and its rounds closed at <paramref name="seconds"/>; null without metrics.</summary>
    public static (double Accuracy, long Rounds)? AtTime(string metricsFile, double seconds) =>
        Standing(metricsFile, seconds) is { } x ? (x.Accuracy, x.Rounds) : null;

    /// <summary><see cref="AtTime"/> and the wall clock of the run's last round, from one read of its metrics.csv.</summary>
    static (double Accuracy, long Rounds, double Finish)? Standing(string metricsFile, double seconds)
    {
        if (!File.Exists(metricsFile)) return null;
        var columns = RunPlots.Read(metricsFile, new[] { "elapsed_s", "test_accuracy" });
        var inTime = columns[0].Where(e => e.Value <= seconds).Select(e => e.Key).ToHashSet();
        long rounds = inTime.Count == 0 ? 0 : inTime.Max();
        var evaluated = columns[1].Keys.Where(inTime.Contains).ToArray();
        return (evaluated.Length == 0 ? double.NaN : columns[1][evaluated.Max()], rounds, columns[0].Values.DefaultIfEmpty(double.NaN).Max());
    }

    /// <summary>The wall clock of the quickest run of the grid to finish: the default budget, at which every run still has metrics.</summary>
    public static double QuickestFinish(string stage, IReadOnlyList<GridRun> runs) =>
        runs.Select(r => Path.Combine(stage, "runs", r.Name, RunDirectory.MetricsFile)).Where(File.Exists)
            .Select(f => RunPlots.Read(f, "elapsed_s").Values.DefaultIfEmpty(double.NaN).Max()).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();

    /// <summary>The run that differs from <paramref name="run"/> only in having <paramref name="axis"/> = <paramref name="baseline"/>: its pair, same seed and same other axes.</summary>
    static GridRun? PairOf(IReadOnlyList<GridRun> runs, GridRun run, string axis, string baseline) =>
        runs.FirstOrDefault(b => b.Axes[axis] == baseline && b.Axes.All(a => a.Key == axis || run.Axes[a.Key] == a.Value));

    /// <summary>The tuning stage: per method the chosen setting and its score, the runner-up, and the flags.</summary>
    public static string Tuning(TuningPlan plan, IReadOnlyList<(TuningGroup Group, TuningChoice Choice)> choices)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        string metric = plan.Metric == TuningMetric.ValidationAccuracy ? "final validation accuracy %" : "final validation loss";
        string Score(TuningScore s) => s.Failed ? s.Status : plan.Metric == TuningMetric.ValidationAccuracy ? (s.Score * 100).ToString("F2", c) : (-s.Score).ToString("F4", c);
        string Point(TuningScore s) => string.Join(", ", s.Point.Select(p => $"{p.Key} = {p.Value}"));
        var text = new StringBuilder();
        text.AppendLine($"Tuning: {plan.Rounds} rounds at seed {plan.Seed}, selected on the {metric} (test data is not read); ties go to the smaller η.");
        text.AppendLine();
        text.AppendLine($"| method | chosen | {metric} | runner-up | its score | note |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var (group, choice) in choices)
            text.AppendLine($"| {group.Label} | {Point(choice.Best)} | {Score(choice.Best)} | {(choice.RunnerUp is { } r ? Point(r) : "—")} | {(choice.RunnerUp is { } s ? Score(s) : "—")} | {(choice.Flags.Count == 0 ? "" : "⚠ " + string.Join("; ", choice.Flags) + (choice.Flags.Any(f => f.Contains("value of its grid")) ? " — widen the grid" : ""))} |");
        return text.ToString();
    }
}

/// <summary>One line of a rate fit: its cell label (the axes but T and the seed), how many horizons it has, and per seed the (T, metric) points.</summary>
public sealed record RateGroup(string Group, int Horizons, IReadOnlyList<IReadOnlyList<(double T, double Value)>> BySeed);
