using System.Globalization;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using SignActors.Host.Configuration;
using SignActors.Host.Federation;

namespace SignActors.Host.Experiments;

/// <summary>
/// One run of a grid: its folder name, its method label (every axis but the seed), its settings
/// (key under signactors → HOCON value) and each axis's value (a variant axis's label).
/// </summary>
public sealed record GridRun(string Name, string Cell, IReadOnlyList<(string Key, string Hocon)> Settings, IReadOnlyDictionary<string, string> Axes);

/// <summary>
/// `signactors experiment F`: the config file's <c>experiment</c> section declares a grid —
/// <c>grid { "algorithm.preset" = [signum, mvsm-v1], seed = [1, 2, 3] }</c>, any key under
/// <c>signactors</c> — over the file's own settings. An axis of objects is a variant axis: each
/// object is a labelled bundle of settings that vary together,
/// <c>aggregator = [ { label = "mean", algorithm.preset = sgd, learning-rate.initial = 0.05 }, … ]</c>. Every combination runs in its own folder
/// under <c>&lt;directory&gt;/&lt;name&gt;/runs</c>; runs already complete are skipped, so an interrupted
/// experiment picks up where it stopped. At the end: a summary table of each cell's final test
/// accuracy, test loss and ‖∇f‖₁ as mean ± std over seeds, and the four plots.
/// </summary>
public static class GridExperiment
{
    public const string Section = "experiment";

    /// <param name="summarise">A further summariser of the finished grid (its root folder and runs), such as the Byzantine table.</param>
    public static int Execute(string path, TextWriter stdout, Action<string, IReadOnlyList<GridRun>>? summarise = null)
    {
        var config = RunConfig.Load(path, Section);
        var e = new SettingsReader(config, Section);
        if (!config.HasPath($"{Section}.grid")) throw new ConfigurationException($"{path}: no experiment.grid section (keys under signactors, each with a list of values)");
        string name = config.HasPath($"{Section}.name") ? e.String("name") : Path.GetFileNameWithoutExtension(path);
        string root = Path.GetFullPath(Path.Combine(config.HasPath($"{Section}.directory") ? e.String("directory") : "experiments", name));
        var runs = Runs(config);
        long rounds = new SettingsReader(config, ConfigKeys.Root).Long("rounds", 1);
        Directory.CreateDirectory(Path.Combine(root, "runs"));
        Directory.CreateDirectory(Path.Combine(root, "configs"));
        File.WriteAllLines(Path.Combine(root, "runs.csv"), new[] { "run,cell" }.Concat(runs.Select(r => $"{r.Name},{r.Cell}")));
        stdout.WriteLine($"experiment {name}: {runs.Count} runs ({runs.Select(r => r.Cell).Distinct().Count()} cells) → {root}");

        int failed = 0;
        for (int i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            string runDirectory = Path.Combine(root, "runs", run.Name);
            string prefix = $"[{i + 1}/{runs.Count}] {run.Name}";
            if (IsComplete(runDirectory, rounds))
            {
                stdout.WriteLine($"{prefix}: already complete, skipped");
                continue;
            }
            string runConfig = Path.Combine(root, "configs", run.Name + ".conf");
            File.WriteAllText(runConfig, ConfigKeys.Render(config, ConfigKeys.Root)
                + string.Concat(run.Settings.Select(s => $"signactors.{s.Key} = {s.Hocon}\n"))
                + $"signactors.output {{ directory = \"{Escape(Path.Combine(root, "runs"))}\", name = \"{run.Name}\" }}\n");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            int code = Execute(runConfig, runDirectory, stdout, prefix);
            if (code is 130 or 143)
            {
                stdout.WriteLine($"{prefix}: stopped by a signal after its checkpoint; `signactors experiment {path}` resumes it");
                return code;
            }
            if (code != 0) failed++;
            var last = Final(runDirectory);
            string result = last is { } l ? FormattableString.Invariant($"{(double.IsFinite(l.Validation) ? $", val acc {l.Validation * 100:F1} %" : "")}, test acc {l.Accuracy * 100:F1} %, test loss {l.Loss:F3}") : "";
            stdout.WriteLine(FormattableString.Invariant($"{prefix}: {(code == 0 ? "done" : "stopped")} in {clock.Elapsed.TotalSeconds:F0} s{result}"));
        }

        var summary = Summary(root, runs);
        File.WriteAllText(Path.Combine(root, "summary.md"), summary);
        stdout.WriteLine();
        stdout.WriteLine(summary);
        var plots = RunPlots.Write(Series(root, runs), root);
        stdout.WriteLine($"plots: {string.Join(", ", plots.Select(Path.GetFileName))} in {root}");
        summarise?.Invoke(root, runs);
        return failed == 0 ? 0 : 1;
    }

    /// <summary>One run; a run stopped earlier (a signal, a killed process) goes on from its checkpoint when it has one of this config.</summary>
    static int Execute(string runConfig, string runDirectory, TextWriter stdout, string prefix)
    {
        string checkpoint = Path.Combine(runDirectory, RunDirectory.CheckpointFile);
        if (!File.Exists(checkpoint)) return RunCommand.Execute(runConfig, TextWriter.Null);
        try
        {
            stdout.WriteLine($"{prefix}: resuming from its checkpoint");
            return RunCommand.Execute(runConfig, TextWriter.Null, checkpoint);
        }
        catch (Training.Runs.CheckpointException e)
        {
            stdout.WriteLine($"{prefix}: {e.Message}; starting it afresh");
            File.Delete(checkpoint);
            return RunCommand.Execute(runConfig, TextWriter.Null);
        }
    }

    /// <summary>The cartesian product of the grid's axes, in declaration order (the last axis varies fastest).</summary>
    public static IReadOnlyList<GridRun> Runs(Config config)
    {
        var grid = config.GetValue($"{Section}.grid");
        if (grid is null || !grid.IsObject()) throw new ConfigurationException("experiment.grid must be a section of keys, each with a list of values");
        var known = ConfigKeys.SettingPaths(RunConfig.Reference);
        var axes = new List<(string Key, GridValue[] Values)>();
        foreach (var (key, value) in Axes(grid))
        {
            if (value.IsString() || value.IsObject()) throw new ConfigurationException($"experiment.grid.{key} must be a list of values, like [1, 2, 3]");
            var items = value.GetArray();
            if (items.Count == 0) throw new ConfigurationException($"experiment.grid.{key} is an empty list");
            if (items.All(v => v.IsObject())) axes.Add((key, items.Select((v, i) => Variant(key, i, v, known)).ToArray()));
            else
            {
                CheckKnown($"experiment.grid: unknown key {key}", key, known);
                axes.Add((key, items.Select(v => new GridValue(v.GetString(), $"{Short(key)}-{Sanitise(v.GetString())}", new[] { (key, ConfigKeys.Inline(v)) })).ToArray()));
            }
        }
        if (axes.Count == 0) throw new ConfigurationException("experiment.grid declares no axis");
        IEnumerable<IReadOnlyList<(string Axis, GridValue Value)>> product = new[] { Array.Empty<(string, GridValue)>() };
        foreach (var axis in axes)
            product = product.SelectMany(p => axis.Values.Select(v => (IReadOnlyList<(string, GridValue)>)p.Append((axis.Key, v)).ToArray())).ToArray();
        return product.Select(choice => new GridRun(
            string.Join("_", choice.Select(c => c.Value.Folder)),
            choice.Any(c => c.Axis != "seed") ? string.Join(" ", choice.Where(c => c.Axis != "seed").Select(c => $"{Short(c.Axis)}={c.Value.Label}")) : "all",
            choice.SelectMany(c => c.Value.Settings).ToArray(),
            choice.ToDictionary(c => c.Axis, c => c.Value.Label))).ToArray();
    }

    /// <summary>One value of an axis: its label, its part of the folder name, the settings it sets.</summary>
    sealed record GridValue(string Label, string Folder, IReadOnlyList<(string Key, string Hocon)> Settings);

    static GridValue Variant(string axis, int index, HoconValue bundle, IReadOnlySet<string> known)
    {
        var settings = new List<(string, string)>();
        string label = $"{index + 1}";
        foreach (var (key, value) in Flatten(bundle))
        {
            if (key == "label") { label = value.GetString(); continue; }
            CheckKnown($"experiment.grid.{axis}[{index}]: unknown key {key}", key, known);
            settings.Add((key, ConfigKeys.Inline(value)));
        }
        return new GridValue(label, $"{Short(axis)}-{Sanitise(label)}", settings);
    }

    static void CheckKnown(string message, string key, IReadOnlySet<string> known)
    {
        if (known.Contains($"{ConfigKeys.Root}.{key}")) return;
        throw new ConfigurationException(message + (ConfigKeys.Closest($"{ConfigKeys.Root}.{key}", known) is { } near ? $"; did you mean {near[(ConfigKeys.Root.Length + 1)..]}?" : ""));
    }

    /// <summary>The grid's axes: dotted keys down to the first value that is not a section.</summary>
    static IEnumerable<(string Key, HoconValue Value)> Axes(HoconValue value, string prefix = "")
    {
        foreach (var (key, child) in value.GetObject().Items)
        {
            string path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            if (child.IsObject()) foreach (var leaf in Axes(child, path)) yield return leaf;
            else yield return (path, child);
        }
    }

    /// <summary>A bundle's settings: dotted keys down to values; lists (of fault entries) are values.</summary>
    static IEnumerable<(string Key, HoconValue Value)> Flatten(HoconValue value, string prefix = "") => Axes(value, prefix);

    static string Short(string key) => key[(key.LastIndexOf('.') + 1)..];

    static string Sanitise(string value) => new(value.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' ? c : '-').ToArray());

    static string Escape(string path) => path.Replace("\\", "\\\\").Replace("\"", "\\\"");

    /// <summary>A run is complete when its outcome says every round ran and its metrics.csv has a row for each.</summary>
    static bool IsComplete(string runDirectory, long rounds)
    {
        string metrics = Path.Combine(runDirectory, RunDirectory.MetricsFile);
        return RunDirectory.Completed(runDirectory) && File.Exists(metrics) && File.ReadLines(metrics).Count() == rounds + 1;
    }

    /// <summary>The last evaluation's test accuracy, test loss, ‖∇f‖₁ and validation accuracy (NaN without a validation split).</summary>
    static (double Accuracy, double Loss, double GradientL1, double Validation)? Final(string runDirectory)
    {
        string metrics = Path.Combine(runDirectory, RunDirectory.MetricsFile);
        if (!File.Exists(metrics)) return null;
        var columns = RunPlots.Read(metrics, new[] { "test_accuracy", "test_loss", "grad_l1", "val_accuracy" });
        if (columns[0].Count == 0) return null;
        long last = columns[0].Keys.Max();
        return (columns[0][last], columns[1][last], columns[2][last], columns[3].GetValueOrDefault(last, double.NaN));
    }

    /// <summary>Per cell, mean ± sample std [95 % t interval] over seeds of each final metric.</summary>
    static string Summary(string root, IReadOnlyList<GridRun> runs)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("| cell | runs | final validation accuracy % | final test accuracy % | final test loss | final ‖∇f‖₁ |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var cell in runs.GroupBy(r => r.Cell))
        {
            var finals = cell.Select(r => Final(Path.Combine(root, "runs", r.Name))).Where(f => f is not null).Select(f => f!.Value).ToArray();
            string Stat(Func<(double Accuracy, double Loss, double GradientL1, double Validation), double> pick, double scale, string format) =>
                SeedStatistics.Of(finals.Select(pick).Where(double.IsFinite).ToArray()).Format(scale, format);
            text.AppendLine($"| {cell.Key} | {finals.Length}/{cell.Count()} | {Stat(f => f.Validation, 100, "F2")} | {Stat(f => f.Accuracy, 100, "F2")} | {Stat(f => f.Loss, 1, "F3")} | {Stat(f => f.GradientL1, 1, "F1")} |");
        }
        text.AppendLine();
        text.AppendLine("mean ± sample standard deviation [95 % confidence interval of the mean, Student t over seeds]");
        return text.ToString();
    }

    static IReadOnlyList<PlotSeries> Series(string root, IReadOnlyList<GridRun> runs) =>
        runs.GroupBy(r => r.Cell)
            .Select(g => new PlotSeries(g.Key, g.Select(r => Path.Combine(root, "runs", r.Name, RunDirectory.MetricsFile)).Where(File.Exists).ToArray()))
            .Where(s => s.MetricsFiles.Count > 0).ToArray();

    /// <summary>`signactors plot DIR`: the four plots of an experiment folder (grouped by its runs.csv), or of every run folder under DIR.</summary>
    public static int Plot(string directory, TextWriter stdout)
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
        var plots = RunPlots.Write(series, directory);
        stdout.WriteLine($"plots: {string.Join(", ", plots.Select(Path.GetFileName))} in {directory} ({series.Count} lines)");
        return 0;
    }
}
