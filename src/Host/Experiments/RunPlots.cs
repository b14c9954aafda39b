using System.Globalization;

namespace SignActors.Host.Experiments;

/// <summary>One line of a plot: a method and the metrics.csv files of its runs (one per seed).</summary>
public sealed record PlotSeries(string Label, IReadOnlyList<string> MetricsFiles);

/// <summary>
/// The seeds' four plots: training loss, test accuracy, ‖∇f‖₁ and ‖∇f‖₂ against round, one line
/// per method (the mean over its runs) with a band of ± one standard deviation over seeds.
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

    public static IReadOnlyList<string> Write(IReadOnlyList<PlotSeries> series, string directory)
    {
        var written = new List<string>();
        foreach (var (column, title, file) in Plots)
        {
            var plot = new ScottPlot.Plot();
            var palette = new ScottPlot.Palettes.Category10();
            int colour = 0;
            foreach (var s in series)
            {
                var (rounds, mean, std) = Aggregate(s.MetricsFiles, column);
                if (rounds.Length == 0) continue;
                var color = palette.GetColor(colour++);
                if (s.MetricsFiles.Count > 1)
                {
                    var band = plot.Add.FillY(rounds, mean.Zip(std, (m, d) => m - d).ToArray(), mean.Zip(std, (m, d) => m + d).ToArray());
                    band.FillColor = color.WithAlpha(0.2);
                    band.LineColor = color.WithAlpha(0);
                }
                var line = plot.Add.Scatter(rounds, mean);
                line.Color = color;
                line.MarkerSize = rounds.Length > 40 ? 0 : 4;
                line.LegendText = s.MetricsFiles.Count > 1 ? $"{s.Label} (± std over {s.MetricsFiles.Count} seeds)" : s.Label;
            }
            plot.Title($"{title} against round");
            plot.XLabel("round");
            plot.YLabel(title);
            plot.ShowLegend();
            string path = Path.Combine(directory, file);
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

    /// <summary>round → value of <paramref name="column"/> in one metrics.csv (rows where it is empty are skipped).</summary>
    public static Dictionary<long, double> Read(string metricsFile, string column)
    {
        var lines = File.ReadAllLines(metricsFile);
        if (lines.Length == 0) throw new InvalidDataException($"{metricsFile} is empty");
        int index = Array.IndexOf(lines[0].Split(','), column);
        if (index < 0) throw new InvalidDataException($"{metricsFile} has no column {column}");
        var values = new Dictionary<long, double>();
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            if (cells.Length <= index || cells[index].Length == 0) continue;
            values[long.Parse(cells[0], CultureInfo.InvariantCulture)] = double.Parse(cells[index], CultureInfo.InvariantCulture);
        }
        return values;
    }
}
