using System.Globalization;
using Akka.Configuration;
using SignActors.Runtime.Configuration;

namespace SignActors.Experiments;

/// <summary>The methods tuned on their own: one value of each <see cref="TuningPlan.Per"/> axis, its settings and its grid.</summary>
public sealed record TuningGroup(string Label, string Folder, IReadOnlyDictionary<string, string> Axes, IReadOnlyList<Setting> Settings, IReadOnlyList<GridAxis> Grid);

/// <summary>
/// An experiment's tuning stage, <c>experiment.tuning</c>: before the final grid, each method
/// (each combination of the <c>per</c> axes' values; default every axis but the seed) runs every
/// point of its hyper-parameter grid — <c>tuning.grid</c>, or a variant's own <c>tune</c> — for
/// <c>rounds</c> rounds at <c>seed</c>, with <c>settings</c> on top (as f = 0 in a Byzantine
/// sweep), and the point with the best <c>metric</c> on the validation split is the method's
/// setting in every final run. Tuning runs evaluate only after their last round and never on the
/// test set (<c>evaluation.test = off</c>).
/// </summary>
public sealed record TuningPlan(IReadOnlyList<string> Per, long Rounds, ulong Seed, TuningMetric Metric, IReadOnlyList<Setting> Settings, IReadOnlyList<TuningGroup> Groups)
{
    public const string Section = "experiment.tuning";
    static readonly string[] Keys = { "per", "rounds", "seed", "metric", "settings", "grid" };
    static readonly string[] Metrics = { "validation-accuracy", "validation-loss" };

    /// <summary>The plan of <paramref name="config"/>'s tuning section over the final grid's <paramref name="axes"/>; null when it has none.</summary>
    public static TuningPlan? Read(Config config, IReadOnlyList<GridAxis> axes)
    {
        if (!config.HasPath(Section))
        {
            if (axes.SelectMany(a => a.Values.Where(v => v.Tune is not null).Select(v => $"{a.Key} = {v.Label}")).FirstOrDefault() is { } tuned)
                throw new ConfigurationException($"experiment.grid: {tuned} has a tune {{ … }} grid but there is no {Section} section to run it");
            return null;
        }
        var section = config.GetValue(Section);
        if (!section.IsObject()) throw new ConfigurationException($"{Section} must be a section: per, rounds, seed, metric, settings, grid");
        foreach (var key in section.GetObject().Items.Keys)
            if (!Keys.Contains(key))
                throw new ConfigurationException($"unknown key {Section}.{key}" + (ConfigKeys.Closest(key, Keys) is { } near ? $"; did you mean {Section}.{near}?" : $"; valid keys: {string.Join(", ", Keys)}"));
        var t = new SettingsReader(config, Section);
        var run = new SettingsReader(config, ConfigKeys.Root);
        string metric = t.Has("metric") ? t.OneOf("metric", Metrics) : Metrics[0];
        var names = axes.Select(a => a.Key).Where(k => k != ExperimentGrid.SeedAxis).ToArray();
        var per = t.Has("per") ? config.GetStringList($"{Section}.per").ToArray() : names;
        foreach (var axis in per)
            if (!names.Contains(axis)) throw new ConfigurationException($"{Section}.per: \"{axis}\" is not an axis of experiment.grid (its axes: {string.Join(", ", names)}; the seed is never tuned per value)");
        var settings = ExperimentGrid.Settings(config, $"{Section}.settings");
        var common = config.HasPath($"{Section}.grid") ? ExperimentGrid.Axes(config, $"{Section}.grid") : null;
        var groups = GroupsOf(axes.Where(a => per.Contains(a.Key)).ToArray(), common);
        if (CheckValidation(config, settings, metric) is { } problem) throw new ConfigurationException($"{Section}: {problem}");
        return new TuningPlan(per, t.Has("rounds") ? t.Long("rounds", 1) : run.Long("rounds", 1),
            t.Has("seed") ? (ulong)t.Long("seed", 0) : (ulong)run.Long("seed", 0),
            metric == Metrics[0] ? TuningMetric.ValidationAccuracy : TuningMetric.ValidationLoss, settings, groups);
    }

    /// <summary>The tuning runs: every group × every point of its grid, in order.</summary>
    public IReadOnlyList<GridRun> Runs() => Groups.SelectMany(g => ExperimentGrid.Runs(g.Grid).Select(point => new GridRun(
        $"{g.Folder}_{point.Name}", g.Label,
        new[] { new Setting("evaluation.every", "0"), new Setting("evaluation.test", "off"), new Setting("rounds", Rounds.ToString(CultureInfo.InvariantCulture)), new Setting("seed", Seed.ToString(CultureInfo.InvariantCulture)) }
            .Concat(g.Settings).Concat(Settings).Concat(point.Settings).ToArray(),
        point.Axes))).ToArray();

    /// <summary>
    /// Scores every tuning run under <paramref name="stage"/>, chooses per group, and writes
    /// <c>scores.csv</c> (every run) and <c>choices.csv</c> (chosen, runner-up, flags) there. A
    /// degraded run scores worst, as a stopped one does, unless degraded runs are included.
    /// </summary>
    /// <param name="write">Write scores.csv and choices.csv (one process does: never a shard).</param>
    public IReadOnlyList<(TuningGroup Group, TuningChoice Choice, IReadOnlyList<Setting> Chosen)> Select(string stage, DegradedRuns degraded = default, bool write = true)
    {
        var c = CultureInfo.InvariantCulture;
        var chosen = new List<(TuningGroup, TuningChoice, IReadOnlyList<Setting>)>();
        var scores = new List<string> { "method,point,status,val_accuracy,val_loss,score" };
        var choices = new List<string> { "method,chosen,score,runner_up,runner_up_score,flags" };
        string Csv(string x) => $"\"{x.Replace("\"", "'")}\"";
        string Point(TuningScore s) => string.Join("; ", s.Point.Select(p => $"{p.Key} = {p.Value}"));
        foreach (var group in Groups)
        {
            var points = ExperimentGrid.Runs(group.Grid);
            var scored = points.Select(point =>
            {
                var result = RunResult.Of(Path.Combine(stage, "runs", $"{group.Folder}_{point.Name}"));
                double score = TuningSelection.Score(Metric, degraded.Counts(result), result.Validation, result.ValidationLoss);
                string status = result.Refused is { } r ? $"refused: {r}" : !result.Completed ? $"stopped at round {result.Rounds}"
                    : !degraded.Counts(result) ? "degraded, left out"
                    : double.IsNegativeInfinity(score) ? "no validation value" : "ok";
                scores.Add(string.Join(',', Csv(group.Label), Csv(Point(new TuningScore(point.Axes, 0, ""))), Csv(status),
                    result.Validation.ToString("R", c), result.ValidationLoss.ToString("R", c), score.ToString("R", c)));
                return new TuningScore(point.Axes, score, status);
            }).ToArray();
            var choice = TuningSelection.Choose(scored, group.Grid.Select(a => (a.Key, (IReadOnlyList<string>)a.Values.Select(v => v.Label).ToArray())).ToArray());
            choices.Add(string.Join(',', Csv(group.Label), Csv(Point(choice.Best)), choice.Best.Score.ToString("R", c),
                Csv(choice.RunnerUp is { } u ? Point(u) : ""), (choice.RunnerUp?.Score ?? double.NaN).ToString("R", c), Csv(string.Join("; ", choice.Flags))));
            chosen.Add((group, choice, points[Array.IndexOf(scored, choice.Best)].Settings));
        }
        if (write)
        {
            File.WriteAllLines(Path.Combine(stage, "scores.csv"), scores);
            File.WriteAllLines(Path.Combine(stage, "choices.csv"), choices);
        }
        return chosen;
    }

    /// <summary>The group a final run belongs to.</summary>
    public TuningGroup GroupOf(GridRun run) => Groups.Single(g => g.Axes.All(a => run.Axes[a.Key] == a.Value));

    static IReadOnlyList<TuningGroup> GroupsOf(IReadOnlyList<GridAxis> per, IReadOnlyList<GridAxis>? common) =>
        ExperimentGrid.Product(per).Select(choice =>
        {
            string label = ExperimentGrid.CellOf(choice.Select(c => (c.Axis, c.Value.Label)));
            // A variant's own grid replaces the common one (the last per axis that has one).
            var grid = choice.Select(c => c.Value.Tune).LastOrDefault(t => t is not null) ?? common
                ?? throw new ConfigurationException($"{Section}: no grid for {label} (set {Section}.grid, or a tune {{ … }} in its variant)");
            return new TuningGroup(label, choice.Count == 0 ? "all" : string.Join("_", choice.Select(c => c.Value.Folder)),
                choice.ToDictionary(c => c.Axis, c => c.Value.Label), choice.SelectMany(c => c.Value.Settings).ToArray(), grid);
        }).ToArray();

    /// <summary>Selection reads the validation split, so there must be one.</summary>
    static string? CheckValidation(Config config, IReadOnlyList<Setting> settings, string metric)
    {
        string Value(string key) => settings.LastOrDefault(s => s.Key == key).Hocon ?? config.GetString($"{ConfigKeys.Root}.{key}") ?? "";
        if (Value("model.name").Trim('"') == "objective") // no data: its validation loss is f − f*, and there is no accuracy
            return metric == "validation-loss" ? null : "an objective has no data and no accuracy; its validation loss is f − f*: set metric = validation-loss";
        string text = Value("data.validation");
        return double.TryParse(text.Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 ? null
            : $"selecting on validation data needs signactors.data.validation > 0, got {text} (test data is never used to tune)";
    }
}
