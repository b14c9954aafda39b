using System.Globalization;
using SignActors.Host.Federation;
using SignActors.Server;
using SignActors.Server.Metrics;
using SignActors.Training.Algorithms;
using SignActors.Training.Data;
using SignActors.Training.Faults;
using SignActors.Training.Runs;
using SignActors.Training.Schedules;

namespace SignActors.Host.Experiments;

/// <summary>One aggregator of the comparison: a preset and its step size.</summary>
public sealed record ContenderSpec(string Label, string Preset, double LearningRate);

/// <summary>The result of one run of the sweep.</summary>
public sealed record ByzantineCell(string Contender, ByzantineAttack? Attack, int Attackers, double TestLoss, double TestAccuracy, double TrainLoss, long Rounds, bool Completed, string Note);

/// <summary>
/// The headline experiment of SPEC §7 as a grid: for each attack, the first f = 1 … ⌈n/2⌉ nodes are
/// Byzantine (f = 0 once, shared by every attack), and majority vote is compared with the float32
/// mean on the same data, model, rounds and seeds. <see cref="Write"/> writes the experiment file;
/// <see cref="GridExperiment"/> runs it like any other (a folder per run, resumable), and
/// <see cref="Summarise"/> adds results.csv, results.md (the table) and accuracy-vs-attackers.png.
/// </summary>
public sealed class ByzantineExperiment(TextWriter output)
{
    public static readonly ByzantineAttack[] Attacks = { ByzantineAttack.SignFlip, ByzantineAttack.Random, ByzantineAttack.Colluding, ByzantineAttack.Omniscient };

    const string AggregatorAxis = "aggregator", AttackersAxis = "attackers";

    /// <summary>The experiment file of the sweep over <paramref name="settings"/> (the user's config, resolved).</summary>
    public static string Write(Akka.Configuration.Config settings, IReadOnlyList<ContenderSpec> contenders, IReadOnlyList<ByzantineAttack> attacks, int nodes, long rounds,
        int omniscientSample, IReadOnlyList<ulong> seeds, string directory, string name)
    {
        var c = CultureInfo.InvariantCulture;
        var attackers = new List<string> { "{ label = \"f=0\", faults.byzantine = [] }" };
        foreach (var attack in attacks)
            for (int f = 1; f <= (nodes + 1) / 2; f++)
                attackers.Add($"{{ label = \"{Name(attack)} f={f}\", faults.byzantine = [ {{ first = {f}, attack = {Name(attack)} }} ] }}");
        return Configuration.ConfigKeys.Render(settings, Configuration.ConfigKeys.Root) + string.Create(c, $$"""
            signactors {
              rounds = {{rounds}}
              evaluation.every = {{Math.Max(1, rounds / 4)}}
              verify-replicas = off
              faults.omniscient-sample = {{omniscientSample}}
            }
            experiment {
              name = "{{name}}"
              directory = "{{directory.Replace("\\", "\\\\").Replace("\"", "\\\"")}}"
              grid {
                {{AggregatorAxis}} = [
                  {{string.Join("\n      ", contenders.Select(x => $"{{ label = \"{x.Label}\", algorithm.preset = {x.Preset}, learning-rate.initial = {x.LearningRate.ToString("R", c)}, learning-rate.schedule = constant }}"))}}
                ]
                {{AttackersAxis}} = [
                  {{string.Join("\n      ", attackers)}}
                ]
                seed = [{{string.Join(", ", seeds)}}]
              }
            }

            """);
    }

    /// <summary>The Byzantine table and plot of a finished grid, averaged over its seeds.</summary>
    public IReadOnlyList<ByzantineCell> Summarise(string root, IReadOnlyList<GridRun> runs, IReadOnlyList<ContenderSpec> contenders, IReadOnlyList<ByzantineAttack> attacks, int nodes, long rounds, int omniscientSample)
    {
        int fMax = (nodes + 1) / 2;
        var cells = new List<ByzantineCell>();
        foreach (var cell in runs.GroupBy(r => (Contender: r.Axes[AggregatorAxis], Attackers: r.Axes[AttackersAxis])))
        {
            var (attack, f) = Parse(cell.Key.Attackers);
            var finals = cell.Select(r => Path.Combine(root, "runs", r.Name)).Select(Final).ToArray();
            var done = finals.Where(x => x.Completed).ToArray();
            cells.Add(new ByzantineCell(cell.Key.Contender, attack, f,
                Mean(done.Select(x => x.Loss)), Mean(done.Select(x => x.Accuracy)), Mean(done.Select(x => x.TrainLoss)),
                finals.Min(x => x.Rounds), done.Length == finals.Length,
                done.Length == finals.Length ? "" : $"{finals.Length - done.Length} of {finals.Length} seeds stopped early"));
        }
        WriteCsv(cells, Path.Combine(root, "results.csv"));
        string table = Table(cells, contenders, attacks, fMax, nodes, rounds, omniscientSample, runs.Select(r => r.Axes["seed"]).Distinct().Count());
        File.WriteAllText(Path.Combine(root, "results.md"), table);
        Plot(cells, contenders, attacks, fMax, nodes, Path.Combine(root, "accuracy-vs-attackers.png"));
        output.WriteLine();
        output.WriteLine(table);
        output.WriteLine($"written: {Path.Combine(root, "results.csv")}, results.md, accuracy-vs-attackers.png");
        return cells;
    }

    static (ByzantineAttack? Attack, int F) Parse(string label) =>
        label == "f=0" ? (null, 0) : (Attacks.Single(a => label.StartsWith(Name(a) + " ", StringComparison.Ordinal)), int.Parse(label[(label.IndexOf("f=", StringComparison.Ordinal) + 2)..], CultureInfo.InvariantCulture));

    /// <summary>A run's last evaluation and last train loss, whether it ran every round, and how many it ran.</summary>
    static (double Loss, double Accuracy, double TrainLoss, long Rounds, bool Completed) Final(string runDirectory)
    {
        string metrics = Path.Combine(runDirectory, RunDirectory.MetricsFile);
        if (!File.Exists(metrics)) return (double.NaN, double.NaN, double.NaN, 0, false);
        var columns = RunPlots.Read(metrics, new[] { "test_loss", "test_accuracy", "train_loss" });
        long Last(IReadOnlyDictionary<long, double> c) => c.Count == 0 ? 0 : c.Keys.Max();
        double At(IReadOnlyDictionary<long, double> c) => c.Count == 0 ? double.NaN : c[Last(c)];
        return (At(columns[0]), At(columns[1]), At(columns[2]), Last(columns[2]), RunDirectory.Completed(runDirectory));
    }

    static double Mean(IEnumerable<double> values) => values.DefaultIfEmpty(double.NaN).Average();

    static string Sample(int omniscientSample) => omniscientSample > 0 ? $"{omniscientSample} training records" : "the whole training set";

    public static string Name(ByzantineAttack attack) => Training.Spellings.Attack.Of(attack);

    static void WriteCsv(IEnumerable<ByzantineCell> cells, string path)
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string> { "aggregator,attack,attackers,test_loss,test_accuracy,train_loss,rounds,completed,note" };
        lines.AddRange(cells.Select(x => string.Join(',', x.Contender, x.Attack is null ? "none" : Name(x.Attack.Value), x.Attackers.ToString(c),
            x.TestLoss.ToString("R", c), x.TestAccuracy.ToString("R", c), x.TrainLoss.ToString("R", c), x.Rounds.ToString(c), x.Completed ? "yes" : "no", $"\"{x.Note.Replace("\"", "'")}\"")));
        File.WriteAllLines(path, lines);
    }

    static string Table(IReadOnlyList<ByzantineCell> cells, IReadOnlyList<ContenderSpec> contenders, IReadOnlyList<ByzantineAttack> attacks, int fMax, int nodes, long rounds, int omniscientSample, int seeds)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder();
        text.AppendLine($"Final test accuracy (test loss) after {rounds} rounds, n = {nodes}, the first f nodes Byzantine; omniscient attackers use {Sample(omniscientSample)}; "
            + (seeds > 1 ? $"mean over {seeds} seeds." : "one seed."));
        text.AppendLine();
        text.Append("| aggregator | attack |");
        for (int f = 0; f <= fMax; f++) text.Append(c, $" f = {f} |");
        text.AppendLine();
        text.Append("|---|---|").Append(string.Concat(Enumerable.Repeat("---|", fMax + 1))).AppendLine();
        foreach (var contender in contenders)
        {
            var clean = cells.First(x => x.Contender == contender.Label && x.Attackers == 0);
            foreach (var attack in attacks)
            {
                text.Append(c, $"| {contender.Label} | {Name(attack)} |");
                for (int f = 0; f <= fMax; f++)
                {
                    var cell = f == 0 ? clean : cells.First(x => x.Contender == contender.Label && x.Attack == attack && x.Attackers == f);
                    text.Append(' ').Append(Format(cell)).Append(" |");
                }
                text.AppendLine();
            }
        }
        return text.ToString();
    }

    static string Format(ByzantineCell cell)
    {
        var c = CultureInfo.InvariantCulture;
        if (double.IsNaN(cell.TestAccuracy)) return $"stopped at round {cell.Rounds}";
        string s = string.Create(c, $"{cell.TestAccuracy * 100:F1} % ({cell.TestLoss:F2})");
        return cell.Completed ? s : s + $", stopped at round {cell.Rounds}";
    }

    static void Plot(IReadOnlyList<ByzantineCell> cells, IReadOnlyList<ContenderSpec> contenders, IReadOnlyList<ByzantineAttack> attacks, int fMax, int n, string path)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int colour = 0;
        foreach (var contender in contenders)
        {
            var clean = cells.First(x => x.Contender == contender.Label && x.Attackers == 0);
            foreach (var attack in attacks)
            {
                var series = Enumerable.Range(0, fMax + 1)
                    .Select(f => f == 0 ? clean : cells.First(x => x.Contender == contender.Label && x.Attack == attack && x.Attackers == f))
                    .Select(x => double.IsNaN(x.TestAccuracy) ? 0.01 : x.TestAccuracy * 100).ToArray();
                var line = plot.Add.Scatter(Enumerable.Range(0, fMax + 1).Select(f => (double)f).ToArray(), series);
                line.LegendText = $"{contender.Label}, {Name(attack)}";
                line.Color = palette.GetColor(colour++);
                line.LinePattern = contender == contenders[0] ? ScottPlot.LinePattern.Solid : ScottPlot.LinePattern.Dashed;
                line.MarkerSize = 6;
            }
        }
        plot.Add.VerticalLine(n / 2.0).LinePattern = ScottPlot.LinePattern.Dotted; // f = n/2: majority vote's limit
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        plot.Title($"Test accuracy against the number of Byzantine nodes (n = {n})");
        plot.XLabel("Byzantine nodes f");
        plot.YLabel("final test accuracy (%)");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.SavePng(path, 1000, 620);
    }
}
