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
/// The headline experiment of SPEC §7: for each attack, the first f = 0 … ⌈n/2⌉ nodes are
/// Byzantine, and majority vote is compared with the float32 mean on the same data, model, seed
/// and rounds. f = 0 is run once per contender and shared by every attack. Writes results.csv,
/// results.md (the table) and accuracy-vs-attackers.png into the output folder.
/// </summary>
public sealed class ByzantineExperiment(TextWriter output)
{
    public static readonly ByzantineAttack[] Attacks = { ByzantineAttack.SignFlip, ByzantineAttack.Random, ByzantineAttack.Colluding, ByzantineAttack.Omniscient };

    public IReadOnlyList<ByzantineCell> Run(FederationSpec template, ImageSet train, ImageSet test, Shard[] shards,
        IReadOnlyList<ContenderSpec> contenders, IReadOnlyList<ByzantineAttack> attacks, int computeThreads, int torchThreads, string directory)
    {
        int n = template.Nodes, fMax = (n + 1) / 2;
        var cells = new List<ByzantineCell>();
        output.WriteLine($"byzantine sweep: n = {n}, f = 0…{fMax}, attacks {string.Join(", ", attacks.Select(Name))}, {template.Rounds} rounds each, "
            + $"model {Training.Models.ModelZoo.Name(template.Model)}, omniscient sample {Sample(template)}");
        foreach (var contender in contenders)
        {
            var spec = template with
            {
                Algorithm = Presets.Resolve(contender.Preset, n) with { WeightDecay = template.Algorithm.WeightDecay },
                Schedule = new ConstantSchedule(contender.LearningRate),
                VerifyReplicas = false,
                EvalEvery = (int)Math.Max(1, template.Rounds / 4),
            };
            var clean = RunOne(spec with { Faults = FaultPlan.None }, contender, null, 0, train, test, shards, computeThreads, torchThreads);
            cells.Add(clean);
            foreach (var attack in attacks)
                for (int f = 1; f <= fMax; f++)
                {
                    var plan = new FaultPlan(Enumerable.Range(0, f).ToDictionary(j => j, _ => new NodeFaults(Attack: attack)), template.FaultPlan.OmniscientSample);
                    cells.Add(RunOne(spec with { Faults = plan }, contender, attack, f, train, test, shards, computeThreads, torchThreads));
                }
        }
        Directory.CreateDirectory(directory);
        WriteCsv(cells, Path.Combine(directory, "results.csv"));
        string table = Table(cells, contenders, attacks, fMax, template);
        File.WriteAllText(Path.Combine(directory, "results.md"), table);
        Plot(cells, contenders, attacks, fMax, n, Path.Combine(directory, "accuracy-vs-attackers.png"));
        output.WriteLine();
        output.WriteLine(table);
        output.WriteLine($"written: {Path.Combine(directory, "results.csv")}, results.md, accuracy-vs-attackers.png");
        return cells;
    }

    ByzantineCell RunOne(FederationSpec spec, ContenderSpec contender, ByzantineAttack? attack, int f, ImageSet train, ImageSet test, Shard[] shards, int computeThreads, int torchThreads)
    {
        var observer = new RunRecorder(null, TextWriter.Null, spec.Rounds);
        var outcome = InProcessFederation.Run(spec, train, test, shards, observer, computeThreads, torchThreads, "error");
        var last = observer.Rows.LastOrDefault(r => r.Evaluation is not null);
        var cell = new ByzantineCell(contender.Label, attack, f,
            last?.Evaluation?.Loss ?? double.NaN, last?.Evaluation?.Accuracy ?? double.NaN,
            observer.Rows.Count > 0 ? observer.Rows[^1].TrainLoss : double.NaN, outcome.Rounds, outcome.Completed,
            outcome.Completed ? "" : $"stopped after round {outcome.Rounds}: {outcome.Message}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {contender.Label,-16} {(attack is null ? "none" : Name(attack.Value)),-11} f = {f}: test acc {cell.TestAccuracy * 100,5:F1} %, test loss {cell.TestLoss,7:F3}{(cell.Completed ? "" : $"  ({cell.Note})")}"));
        return cell;
    }

    static string Sample(FederationSpec spec) => spec.FaultPlan.OmniscientSample > 0 ? $"{spec.FaultPlan.OmniscientSample} training records" : "the whole training set";

    public static string Name(ByzantineAttack attack) => attack switch
    {
        ByzantineAttack.SignFlip => "sign-flip", ByzantineAttack.Random => "random",
        ByzantineAttack.Colluding => "colluding", _ => "omniscient",
    };

    static void WriteCsv(IEnumerable<ByzantineCell> cells, string path)
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string> { "aggregator,attack,attackers,test_loss,test_accuracy,train_loss,rounds,completed,note" };
        lines.AddRange(cells.Select(x => string.Join(',', x.Contender, x.Attack is null ? "none" : Name(x.Attack.Value), x.Attackers.ToString(c),
            x.TestLoss.ToString("R", c), x.TestAccuracy.ToString("R", c), x.TrainLoss.ToString("R", c), x.Rounds.ToString(c), x.Completed ? "yes" : "no", $"\"{x.Note.Replace("\"", "'")}\"")));
        File.WriteAllLines(path, lines);
    }

    static string Table(IReadOnlyList<ByzantineCell> cells, IReadOnlyList<ContenderSpec> contenders, IReadOnlyList<ByzantineAttack> attacks, int fMax, FederationSpec template)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder();
        text.AppendLine($"Final test accuracy (test loss) after {template.Rounds} rounds, n = {template.Nodes}, the first f nodes Byzantine; omniscient attackers use {Sample(template)}.");
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
