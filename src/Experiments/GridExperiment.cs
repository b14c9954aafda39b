using System.CommandLine;
using Akka.Configuration;
using SignActors.Runtime.Configuration;
using SignActors.Runtime.Federation;

namespace SignActors.Experiments;

/// <summary>
/// `signactors experiment F`: the config file's <c>experiment</c> section declares a grid over the
/// file's own settings (<see cref="ExperimentGrid"/>), optionally a tuning stage before it
/// (<see cref="TuningPlan"/>) and a paired comparison (<c>compare { axis, baseline }</c>; default
/// the first axis but the seed, against its first value). Tuning runs go under
/// <c>&lt;directory&gt;/&lt;name&gt;/tuning</c>, final runs under <c>&lt;directory&gt;/&lt;name&gt;/runs</c>; every run
/// already complete is skipped, so an interrupted experiment picks up where it stopped. At the
/// end: summary.md (the tuning choices, each cell's final metrics as mean ± std [95 % interval]
/// over seeds, the paired differences) and the four plots with ± std bands. A degraded run
/// (<see cref="DegradedRuns"/>) is kept as a result and left out of the statistics, unless
/// <c>include-degraded = on</c>; <c>--rerun-degraded</c> runs it again.
/// </summary>
public static class GridExperiment
{
    public const string Section = "experiment";
    static readonly string[] Keys = { "name", "directory", "grid", "tuning", "compare", "wall-clock-budget", "rate", "plot-per", DegradedRuns.Key };

    /// <summary>`--rerun-degraded`, for every command that runs an experiment.</summary>
    public static Option<bool> RerunDegradedOption() => new("--rerun-degraded")
    {
        Description = "run again, from scratch, every run whose outcome says degraded (it lost part of its federation unplanned); by default such a run is kept as a result and left out of the statistics",
    };

    /// <summary>The options of every command that runs an experiment: how this process takes part.</summary>
    public sealed class CommandOptions
    {
        public Option<bool> RerunDegraded { get; } = RerunDegradedOption();
        public Option<int> Parallel { get; } = new("--parallel") { Description = "runs at once, each in a child process (compute threads per run: cores ÷ this, unless the config sets compute.threads)", DefaultValueFactory = _ => 1 };
        public Option<string?> Shard { get; } = new("--shard") { Description = "run only shard i of N of each stage's runs (i/N, 0-based), or `slurm` (SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT); writes no summaries" };
        public Option<string> Stage { get; } = new("--stage") { Description = "all (tuning, then finals), tuning or finals", DefaultValueFactory = _ => "all" };
        public Option<bool> Summarise { get; } = new("--summarise") { Description = "run nothing: write the summaries, tuning choices and plots from whatever runs have finished" };

        public IEnumerable<Option> All => [RerunDegraded, Parallel, Shard, Stage, Summarise];

        public ExperimentOptions Read(ParseResult parse)
        {
            int parallel = parse.GetValue(Parallel);
            if (parallel < 1) throw new ConfigurationException($"--parallel: at least 1, got {parallel}");
            var stage = parse.GetValue(Stage) switch
            {
                "all" => ExperimentStage.All,
                "tuning" => ExperimentStage.Tuning,
                "finals" => ExperimentStage.Finals,
                var other => throw new ConfigurationException($"--stage \"{other}\" is not one of: all, tuning, finals"),
            };
            var share = parse.GetValue(Shard) is { } text ? RunShare.Parse(text, Environment.GetEnvironmentVariable) : (RunShare?)null;
            bool summarise = parse.GetValue(Summarise);
            if (summarise && (share is not null || stage != ExperimentStage.All)) throw new ConfigurationException("--summarise runs nothing: leave out --shard and --stage");
            return new ExperimentOptions(parallel, share, stage, summarise, parse.GetValue(RerunDegraded));
        }
    }

    /// <param name="summarise">A further summariser of the finished grid (its root folder, runs and the rule for degraded runs), such as the Byzantine table.</param>
    /// <param name="options">How this process takes part: all of it (default), a shard of a stage, or only the summaries.</param>
    public static int Execute(string path, TextWriter stdout, Action<string, IReadOnlyList<GridRun>, DegradedRuns>? summarise = null, ExperimentOptions? options = null)
    {
        options ??= new ExperimentOptions();
        var config = RunConfig.Load(path, Section);
        var e = new SettingsReader(config, Section);
        if (!config.HasPath($"{Section}.grid")) throw new ConfigurationException($"{path}: no experiment.grid section (keys under signactors, each with a list of values)");
        foreach (var key in config.GetValue(Section).GetObject().Items.Keys)
            if (!Keys.Contains(key)) throw new ConfigurationException($"unknown key {Section}.{key}; valid keys: {string.Join(", ", Keys)}");
        string name = config.HasPath($"{Section}.name") ? e.String("name") : Path.GetFileNameWithoutExtension(path);
        string root = Path.GetFullPath(Path.Combine(config.HasPath($"{Section}.directory") ? e.String("directory") : "experiments", name));
        var axes = ExperimentGrid.Axes(config, $"{Section}.grid");
        var rate = Rate(config, axes); // checked before any run starts
        // plot-per = <axis>: each plot once per value of that axis (files end in -<value>), its lines the other axes.
        string? plotPer = config.HasPath($"{Section}.plot-per") ? e.OneOf("plot-per", axes.Select(a => a.Key).Where(k => k != ExperimentGrid.SeedAxis).ToArray()) : null;
        var tuning = TuningPlan.Read(config, axes);
        var (compareAxis, baselines) = Comparison(config, axes);
        var grid = ExperimentGrid.Runs(axes);
        var tuningRuns = tuning?.Runs() ?? Array.Empty<GridRun>();
        long rounds = new SettingsReader(config, ConfigKeys.Root).Long("rounds", 1);
        // wall-clock-budget = auto (the quickest run's finish) or seconds: a table of where each run stood then, and the plots against time.
        double? budget = !config.HasPath($"{Section}.wall-clock-budget") ? null
            : e.String("wall-clock-budget") == "auto" ? double.NaN : e.Double("wall-clock-budget", double.Epsilon);
        var degraded = new DegradedRuns(config.HasPath($"{Section}.{DegradedRuns.Key}") && e.Bool(DegradedRuns.Key));
        string baseConfig = ConfigKeys.Render(config, ConfigKeys.Root);
        if (tuning is null && options.Stage == ExperimentStage.Tuning) throw new ConfigurationException($"--stage tuning: {path} has no experiment.tuning section");
        bool runTuning = tuning is not null && !options.Summarise && options.Stage != ExperimentStage.Finals;
        bool runFinals = !options.Summarise && options.Stage != ExperimentStage.Tuning;
        Directory.CreateDirectory(root);
        if (options.WritesSummaries) File.WriteAllLines(Path.Combine(root, "runs.csv"), new[] { "run,cell" }.Concat(grid.Select(r => $"{r.Name},{r.Cell}")));
        var share = options.Runs;
        var stageRuns = (runTuning ? tuningRuns.Where((_, i) => share.Takes(i)) : []).Concat(runFinals ? grid.Where((_, i) => share.Takes(i)) : []).ToArray();
        stdout.WriteLine($"experiment {name}: {grid.Count} runs ({grid.Select(r => r.Cell).Distinct().Count()} cells)"
            + (tuning is null ? "" : $" after {tuningRuns.Count} tuning runs ({tuning.Groups.Count} methods)") + $" → {root}"
            + (options.Summarise ? "; summarising what has finished" : options.Share is null ? "" : $"; shard {share}: {stageRuns.Length} of them")
            + (options.Stage == ExperimentStage.All ? "" : $", {(runTuning ? "tuning" : "finals")} stage only")
            + (options.Parallel > 1 ? $", {options.Parallel} at once" : ""));

        using var progress = new ExperimentProgress(stdout, stageRuns.Length, stageRuns.Sum(r => ExperimentRunner.RoundsOf(r, rounds)), ExperimentProgress.IsTerminal(stdout));
        var runner = new ExperimentRunner(path, baseConfig, rounds, progress, options.RerunDegraded, options.Share, options.Parallel, ChildComputeThreads(config, options.Parallel));
        string? tuningTable = null;
        int tuningStopped = 0, tuningRefused = 0;
        if (tuning is not null)
        {
            string stage = Path.Combine(root, "tuning");
            if (runTuning && runner.Execute(tuningRuns, stage, "tuning", showTest: false, out tuningStopped, out tuningRefused) is { } signal) return signal;
            if (!runFinals && !options.Summarise) return 0; // a tuning shard: the finals wait for every tuning shard
            if (!runTuning && runFinals)
            {
                // The finals need every tuning run's result; a process that did not run the tuning stage and cannot see them all refuses.
                int missing = tuningRuns.Count(r => !Finished(Path.Combine(stage, "runs", r.Name)));
                if (missing > 0)
                    throw new ConfigurationException($"the tuning stage is not finished ({missing} of {tuningRuns.Count} tuning runs have no result in {stage}); run `--stage tuning` (every shard of it) first");
            }
            var choices = tuning.Select(stage, degraded, write: options.WritesSummaries);
            tuningTable = ExperimentSummary.Tuning(tuning, choices.Select(c => (c.Group, c.Choice)).ToArray());
            if (options.WritesSummaries) File.WriteAllText(Path.Combine(stage, "tuning.md"), tuningTable);
            if (runTuning)
            {
                progress.Say("");
                progress.Say(tuningTable);
            }
            grid = grid.Select(r => r with { Settings = r.Settings.Concat(choices.Single(c => c.Group == tuning.GroupOf(r)).Chosen).ToArray() }).ToArray();
        }
        int stopped = 0, refused = 0;
        if (runFinals && runner.Execute(grid, root, "run", showTest: true, out stopped, out refused) is { } halted) return halted;
        if (!options.WritesSummaries) return 0; // a shard: `--summarise` writes the summaries once every shard is done

        var summary = new System.Text.StringBuilder();
        if (tuningTable is not null) summary.AppendLine(tuningTable);
        var results = ExperimentSummary.Results(root, grid);
        summary.Append(ExperimentSummary.Cells(grid, results, degraded));
        if (compareAxis is not null)
            foreach (string baseline in baselines)
                summary.AppendLine().Append(ExperimentSummary.Comparisons(grid, results, compareAxis, baseline, degraded));
        if (rate is { } fit)
            summary.AppendLine().Append(ExperimentSummary.Rates(grid, results, fit.Axis, fit.Metric, fit.Claim, degraded));
        if (budget is { } b)
            summary.AppendLine().Append(ExperimentSummary.WithinBudget(root, grid, results, double.IsNaN(b) ? ExperimentSummary.QuickestFinish(root, grid) : b, compareAxis, baselines.FirstOrDefault(), degraded));
        File.WriteAllText(Path.Combine(root, "summary.md"), summary.ToString());
        progress.Say("");
        progress.Say(summary.ToString());
        var groups = plotPer is null ? [(Suffix: "", Runs: grid)]
            : grid.GroupBy(r => r.Axes[plotPer]).Select(g => (Suffix: "-" + FileSafe(g.Key), Runs: (IReadOnlyList<GridRun>)g.ToArray())).ToArray();
        var plots = groups.SelectMany(g => RunPlots.Write(Series(root, g.Runs, plotPer), root, suffix: g.Suffix)).ToList();
        if (budget is not null) plots.AddRange(groups.SelectMany(g => RunPlots.Write(Series(root, g.Runs, plotPer), root, againstTime: true, suffix: g.Suffix)));
        if (rate is { } line) plots.Add(RunPlots.WriteRate(ExperimentSummary.RateGroups(grid, results, line.Axis, line.Metric, degraded), line.Axis, line.Metric, line.Claim, root));
        progress.Say($"plots: {string.Join(", ", plots.Select(Path.GetFileName))} in {root}");
        summarise?.Invoke(root, grid, degraded);
        if (refused + tuningRefused > 0) progress.Say($"{refused + tuningRefused} run(s) refused by the config checks (their refused.txt says why): not applicable, not failed");
        if (tuningStopped > 0) progress.Say($"{tuningStopped} tuning run(s) stopped before their last round (diverged, most often): they scored worst");
        if (stopped > 0) progress.Say($"{stopped} run(s) stopped before their last round (their outcome.txt says why; a diverged run is a result, not a failure of the experiment)");
        if (results.Values.Count(r => r.Completed && r.Degraded) is var lost and > 0)
            progress.Say($"{lost} run(s) degraded: they lost part of their federation unplanned (their outcome.txt says how); "
                + (degraded.Include ? $"counted in the statistics ({DegradedRuns.Key} = on)" : $"left out of the statistics ({DegradedRuns.Key} = on counts them; --rerun-degraded runs them again)"));
        if (options.Summarise && results.Values.Count(r => !r.Completed && r.Refused is null) is var unfinished and > 0)
            progress.Say($"{unfinished} of {grid.Count} final run(s) not finished yet: the tables count what has");
        return 0;
    }

    static string FileSafe(string label) => string.Concat(label.Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '.' or '_' ? ch : '-'));

    /// <summary>A run has a result: it completed, stopped for good, or was refused.</summary>
    static bool Finished(string runDirectory) =>
        File.Exists(Path.Combine(runDirectory, ExperimentRunner.RefusedFile)) || RunDirectory.Completed(runDirectory)
        || File.Exists(Path.Combine(runDirectory, RunDirectory.OutcomeFile)) && !File.Exists(Path.Combine(runDirectory, RunDirectory.CheckpointFile));

    /// <summary>Compute threads per child with several runs at once: cores ÷ runs (at least 1), unless the config sets compute.threads.</summary>
    static int? ChildComputeThreads(Akka.Configuration.Config config, int parallel) =>
        parallel <= 1 || config.GetString($"{ConfigKeys.Root}.compute.threads") != "auto" ? null : Math.Max(1, Environment.ProcessorCount / parallel);

    /// <summary>The final grid's runs of an experiment file, its tuning section checked too.</summary>
    public static IReadOnlyList<GridRun> Runs(Akka.Configuration.Config config)
    {
        var axes = ExperimentGrid.Axes(config, $"{Section}.grid");
        TuningPlan.Read(config, axes);
        return ExperimentGrid.Runs(axes);
    }

    /// <summary>
    /// The axis compared across and its baselines: <c>compare { axis, baseline }</c>, where baseline is
    /// one value or a list (one table each), or the first axis but the seed with two or more values, against its first.
    /// </summary>
    static (string? Axis, IReadOnlyList<string> Baselines) Comparison(Akka.Configuration.Config config, IReadOnlyList<GridAxis> axes)
    {
        string section = $"{Section}.compare";
        var c = new SettingsReader(config, section);
        var axis = c.Has("axis")
            ? axes.FirstOrDefault(a => a.Key == c.String("axis")) ?? throw new ConfigurationException($"{Section}.compare.axis = \"{c.String("axis")}\" is not one of the grid's axes: {string.Join(", ", axes.Select(a => a.Key))}")
            : axes.FirstOrDefault(a => a.Key != ExperimentGrid.SeedAxis && a.Values.Count > 1);
        if (axis is null) return (null, Array.Empty<string>());
        if (!c.Has("baseline")) return (axis.Key, new[] { axis.Values[0].Label });
        var labels = axis.Values.Select(v => v.Label).ToArray();
        if (!config.GetValue($"{section}.baseline").IsArray()) return (axis.Key, new[] { c.OneOf("baseline", labels) });
        var given = config.GetStringList($"{section}.baseline");
        if (given.Count == 0) throw new ConfigurationException($"{section}.baseline: give one value of {axis.Key} or a list of them, not an empty list");
        foreach (string b in given)
            if (!labels.Contains(b)) throw new ConfigurationException($"{section}.baseline: \"{b}\" is not one of: {string.Join(", ", labels)}");
        return (axis.Key, given.Distinct().ToArray());
    }

    /// <summary>
    /// <c>rate { axis = rounds, metric = grad-l1, claim = -0.25 }</c>: the log-log slope of a final
    /// metric against an axis whose values are the horizon T, beside a claimed exponent.
    /// </summary>
    static (string Axis, string Metric, double Claim)? Rate(Akka.Configuration.Config config, IReadOnlyList<GridAxis> axes)
    {
        string section = $"{Section}.rate";
        if (!config.HasPath(section)) return null;
        var c = new SettingsReader(config, section);
        string axis = c.Has("axis") ? c.String("axis") : "rounds";
        var values = axes.FirstOrDefault(a => a.Key == axis)
            ?? throw new ConfigurationException($"{section}.axis = \"{axis}\" is not one of the grid's axes: {string.Join(", ", axes.Select(a => a.Key))}");
        foreach (var v in values.Values)
            if (!double.TryParse(v.Label, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double t) || !(t > 0))
                throw new ConfigurationException($"{section}.axis: {axis} = {v.Label} is not a positive horizon T");
        return (axis, c.OneOf("metric", ExperimentSummary.RateMetrics.Keys.ToArray()), c.Double("claim"));
    }

    /// <param name="without">An axis every run here shares (plot-per): left out of the lines' labels.</param>
    static IReadOnlyList<PlotSeries> Series(string root, IReadOnlyList<GridRun> runs, string? without = null) =>
        runs.GroupBy(r => without is null ? r.Cell : ExperimentGrid.CellOf(r.Axes.Where(a => a.Key != without && a.Key != ExperimentGrid.SeedAxis).Select(a => (a.Key, a.Value))))
            .Select(g => new PlotSeries(g.Key, g.Select(r => Path.Combine(root, "runs", r.Name, RunDirectory.MetricsFile)).Where(File.Exists).ToArray()))
            .Where(s => s.MetricsFiles.Count > 0).ToArray();

    /// <summary>`signactors plot DIR`: the four plots of an experiment folder (grouped by its runs.csv), or of every run folder under DIR.</summary>
    public static int Plot(string directory, TextWriter stdout, bool againstTime = false)
    {
        if (!Directory.Exists(directory)) throw new ConfigurationException($"{directory}: no such folder");
        IReadOnlyList<PlotSeries> series;
        string index = Path.Combine(directory, "runs.csv");
        if (File.Exists(index))
            series = File.ReadAllLines(index).Skip(1).Select(l => l.Split(',', 2)).GroupBy(p => p[1])
                .Select(g => new PlotSeries(g.Key, g.Select(p => Path.Combine(directory, "runs", p[0], RunDirectory.MetricsFile)).Where(File.Exists).ToArray()))
                .Where(s => s.MetricsFiles.Count > 0).ToArray();
        else
            series = Directory.GetFiles(directory, RunDirectory.MetricsFile, SearchOption.AllDirectories).Order()
                .Select(f => new PlotSeries(Path.GetFileName(Path.GetDirectoryName(f))!, new[] { f })).ToArray();
        if (series.Count == 0) throw new ConfigurationException($"{directory}: no finished runs (no {RunDirectory.MetricsFile}) found");
        var plots = RunPlots.Write(series, directory, againstTime);
        stdout.WriteLine($"plots: {string.Join(", ", plots.Select(Path.GetFileName))} in {directory} ({series.Count} lines)");
        return 0;
    }
}
