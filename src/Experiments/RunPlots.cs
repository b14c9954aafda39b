using System.Globalization;

namespace SignActors.Experiments;

/// <summary>One line of a plot: a method and the metrics.csv files of its runs (one per seed).</summary>
public sealed record PlotSeries(string Label, IReadOnlyList<string> MetricsFiles);

/// <summary>
/// The seeds' four plots: training loss, test accuracy, ‖∇f‖₁ and ‖∇f‖₂ against round, one line
/// per method (the mean over its runs) with a band of ± one standard deviation over seeds. Runs of
/// an objective (test_loss without test_accuracy) get f − f* on a log scale (f-gap.png), where
/// linear convergence is a straight line, in place of the accuracy they do not have.
/// </summary>
public static class RunPlots
{
    public static readonly (string Column, string Title, string File)[] Plots =
    {
        ("train_loss", "training loss", "train-loss.png"),
        ("test_accuracy", "test accuracy", "test-accuracy.png"),
        ("grad_l1", "‖∇f‖₁ of the global model", "grad-l1.png"),
        ("grad_l2", "‖∇f‖₂ of the global model", "grad-l2.png"),
    };

    /// <summary>An objective's f − f*, plotted as log₁₀ with labels 10^k (no band: a ± std band has no logarithm below 0).</summary>
    public static readonly (string Column, string Title, string File) Gap = ("test_loss", "f − f* (log scale)", "f-gap.png");

    /// <param name="againstTime">x is the wall-clock time (metrics.csv's elapsed_s, averaged over runs) instead of the round; files end in -vs-time.png.</param>
    /// <param name="suffix">Added to each file name before .png (one set of plots per value of an axis).</param>
    public static IReadOnlyList<string> Write(IReadOnlyList<PlotSeries> series, string directory, bool againstTime = false, string suffix = "")
    {
        var written = new List<string>();
        // An objective's runs: test_loss without test_accuracy (one read of the first file, both columns at once).
        bool objective = series.SelectMany(s => s.MetricsFiles).Take(1).Select(f => Read(f, ["test_accuracy", "test_loss"])).Any(c => c[0].Count == 0 && c[1].Count > 0);
        foreach (var (column, title, file) in objective ? Plots.Where(p => p.Column != "test_accuracy").Append(Gap) : Plots)
        {
            bool log = file == Gap.File;
            var plot = new ScottPlot.Plot();
            var palette = new ScottPlot.Palettes.Category10();
            int colour = 0;
            foreach (var s in series)
            {
                var (rounds, mean, std) = Aggregate(s.MetricsFiles, column);
                if (log) (rounds, mean, std) = Log10(rounds, mean);
                if (rounds.Length == 0) continue;
                if (againstTime) rounds = MeanAt(s.MetricsFiles, "elapsed_s", rounds);
                var color = palette.GetColor(colour++);
                if (s.MetricsFiles.Count > 1 && !log)
                {
                    var band = plot.Add.FillY(rounds, mean.Zip(std, (m, d) => m - d).ToArray(), mean.Zip(std, (m, d) => m + d).ToArray());
                    band.FillColor = color.WithAlpha(0.2);
                    band.LineColor = color.WithAlpha(0);
                }
                var line = plot.Add.Scatter(rounds, mean);
                line.Color = color;
                line.MarkerSize = rounds.Length > 40 ? 0 : 4;
                line.LegendText = s.MetricsFiles.Count <= 1 ? s.Label : log ? $"{s.Label} (mean over {s.MetricsFiles.Count} seeds)" : $"{s.Label} (± std over {s.MetricsFiles.Count} seeds)";
            }
            plot.Title(againstTime ? $"{title} against wall-clock time" : $"{title} against round");
            plot.XLabel(againstTime ? "seconds since round 1 started" : "round");
            plot.YLabel(title);
            if (log) plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true, LabelFormatter = y => $"1e{y:F0}" };
            plot.ShowLegend();
            string path = Path.Combine(directory, (againstTime ? file.Replace(".png", "-vs-time.png") : file).Replace(".png", suffix + ".png"));
            plot.SavePng(path, 1000, 620);
            written.Add(path);
        }
        return written;
    }

    /// <summary>Per round where every run has a value: the mean and the (population) standard deviation over runs.</summary>
    public static (double[] Rounds, double[] Mean, double[] Std) Aggregate(IReadOnlyList<string> files, string column)
    {
        var perRun = files.Select(f => Read(f, column)).ToArray();
        var rounds = perRun.Select(r => (IEnumerable<long>)r.Keys).Aggregate((a, b) => a.Intersect(b)).Order().ToArray();
        var mean = new double[rounds.Length];
        var std = new double[rounds.Length];
        for (int i = 0; i < rounds.Length; i++)
        {
            var values = perRun.Select(r => r[rounds[i]]).ToArray();
            mean[i] = values.Average();
            std[i] = Math.Sqrt(values.Sum(v => (v - mean[i]) * (v - mean[i])) / values.Length);
        }
        return (rounds.Select(r => (double)r).ToArray(), mean, std);
    }

    /// <summary>
    /// A rate fit on log-log axes (rate-&lt;metric&gt;.png): per group, the metric against T as the
    /// mean over seeds of log₁₀ (what the per-seed slopes are fitted to), with a dashed line of the
    /// claimed slope through the first group's first point.
    /// </summary>
    public static string WriteRate(IReadOnlyList<RateGroup> groups,
        string axis, string metric, double claim, string directory)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int colour = 0;
        (double X, double Y)? anchor = null;
        foreach (var (group, _, bySeed) in groups)
        {
            var points = bySeed.SelectMany(s => s).Where(p => p.T > 0 && p.Value > 0).GroupBy(p => p.T).OrderBy(g => g.Key)
                .Select(g => (X: Math.Log10(g.Key), Y: g.Average(p => Math.Log10(p.Value)))).ToArray();
            if (points.Length == 0) continue;
            anchor ??= points[0];
            var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
            line.Color = palette.GetColor(colour++);
            line.MarkerSize = 6;
            line.LegendText = $"{group} ({bySeed.Count} seeds)";
        }
        if (anchor is { } a)
        {
            var xs = groups.SelectMany(g => g.BySeed).SelectMany(s => s).Where(p => p.T > 0).Select(p => Math.Log10(p.T)).ToArray();
            var reference = plot.Add.Line(a.X, a.Y, xs.Max(), a.Y + claim * (xs.Max() - a.X));
            reference.LinePattern = ScottPlot.LinePattern.Dashed;
            reference.Color = ScottPlot.Colors.Gray;
            reference.LegendText = FormattableString.Invariant($"claimed slope {claim:G4}");
        }
        static string Power(double v) => Math.Pow(10, v).ToString("G3", CultureInfo.InvariantCulture); // the axes hold log₁₀; the labels say the value
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Power };
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Power };
        plot.Title($"{metric} against {axis} (log-log; mean of log over seeds)");
        plot.XLabel(axis);
        plot.YLabel(metric);
        plot.ShowLegend(ScottPlot.Alignment.UpperRight); // falling lines leave that corner empty
        string path = Path.Combine(directory, $"rate-{metric}.png");
        plot.SavePng(path, 1000, 620);
        return path;
    }

    /// <summary>The points with a positive mean, as log₁₀ of it (an exact 0 has no place on a log scale).</summary>
    static (double[] Rounds, double[] Mean, double[] Std) Log10(double[] rounds, double[] mean)
    {
        var kept = Enumerable.Range(0, rounds.Length).Where(i => mean[i] > 0).ToArray();
        return (kept.Select(i => rounds[i]).ToArray(), kept.Select(i => Math.Log10(mean[i])).ToArray(), new double[kept.Length]);
    }

    /// <summary>The mean over runs of <paramref name="column"/> at each of <paramref name="rounds"/>.</summary>
    static double[] MeanAt(IReadOnlyList<string> files, string column, double[] rounds)
    {
        var perRun = files.Select(f => Read(f, column)).ToArray();
        return rounds.Select(r => perRun.Average(run => run[(long)r])).ToArray();
    }

    /// <summary>round → value of <paramref name="column"/> in one metrics.csv (rows where it is empty are skipped).</summary>
    public static Dictionary<long, double> Read(string metricsFile, string column) => Read(metricsFile, new[] { column })[0];

    /// <summary>Several columns of one metrics.csv, reading the file once.</summary>
    /// <param name="absentIsEmpty">A column the file does not have (it was written before the column existed) reads as empty instead of an error.</param>
    public static Dictionary<long, double>[] Read(string metricsFile, string[] columns, bool absentIsEmpty = false)
    {
        var lines = File.ReadAllLines(metricsFile);
        if (lines.Length == 0) throw new InvalidDataException($"{metricsFile} is empty");
        var header = lines[0].Split(',');
        var indices = columns.Select(c => Array.IndexOf(header, c) is var i && (i >= 0 || absentIsEmpty) ? i : throw new InvalidDataException($"{metricsFile} has no column {c}")).ToArray();
        var values = columns.Select(_ => new Dictionary<long, double>()).ToArray();
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            long round = long.Parse(cells[0], CultureInfo.InvariantCulture);
            for (int c = 0; c < indices.Length; c++)
                if (indices[c] >= 0 && cells.Length > indices[c] && cells[indices[c]].Length > 0)
                    values[c][round] = double.Parse(cells[indices[c]], CultureInfo.InvariantCulture);
        }
        return values;
    }
}
