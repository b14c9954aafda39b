using System.Globalization;
using SignActors.Training.Faults;

namespace SignActors.Host.Experiments;

/// <summary>One aggregator of the comparison: a preset and the grids its step size (and β, for momentum) is tuned over.</summary>
public sealed record ContenderSpec(string Label, string Preset, IReadOnlyList<double> LearningRates, IReadOnlyList<double> Betas);

/// <summary>One cell of the sweep, averaged over its seeds: test accuracy (mean, sample std), test loss, and how its runs ended.</summary>
public sealed record ByzantineCell(string Contender, ByzantineAttack? Attack, int Attackers, double TestAccuracy, double AccuracyStd, double TestLoss, int Seeds, int Completed, long Rounds, string? Refused)
{
    public bool HasResult => Completed > 0 && double.IsFinite(TestAccuracy);
}

/// <summary>
/// The headline experiment of SPEC §7 as a tuned grid: aggregator × attackers (f = 0 once, then
/// f Byzantine nodes per attack, the first f node ids) × seed. Each contender's η (and β) is tuned
/// once at f = 0 on the validation split, then held fixed across f and attacks — the defender does
/// not know the attack. <see cref="Write"/> writes the experiment file, <see cref="GridExperiment"/>
/// runs it (resumable), and <see cref="Summarise"/> adds results.csv, worst-case.csv, results.md
/// (per attack, and the worst case over attacks per aggregator and f) and two plots.
/// </summary>
public sealed class ByzantineExperiment(TextWriter output)
{
    public static readonly ByzantineAttack[] Attacks = Enum.GetValues<ByzantineAttack>();

    const string AggregatorAxis = "aggregator", AttackersAxis = "attackers";

    /// <summary>The experiment file of the sweep over <paramref name="settings"/> (the user's config, resolved).</summary>
    public static string Write(Akka.Configuration.Config settings, IReadOnlyList<ContenderSpec> contenders, IReadOnlyList<ByzantineAttack> attacks, IReadOnlyList<int> attackers,
        long rounds, long tuningRounds, int omniscientSample, double validation, IReadOnlyList<ulong> seeds, string directory, string name)
    {
        var c = CultureInfo.InvariantCulture;
        string List(IEnumerable<double> values) => "[" + string.Join(", ", values.Select(v => v.ToString("R", c))) + "]";
        var cells = new List<string> { "{ label = \"f=0\", faults.byzantine = [] }" };
        foreach (var attack in attacks)
            foreach (int f in attackers)
                cells.Add($"{{ label = \"{Name(attack)} f={f}\", faults.byzantine = [ {{ first = {f}, attack = {Name(attack)} }} ] }}");
        string Contender(ContenderSpec x) => $"{{ label = \"{x.Label}\", algorithm.preset = {x.Preset}, learning-rate.schedule = constant, "
            + $"tune {{ learning-rate.initial = {List(x.LearningRates)}{(x.Betas.Count > 0 ? $", algorithm.beta = {List(x.Betas)}" : "")} }} }}";
        return Configuration.ConfigKeys.Render(settings, Configuration.ConfigKeys.Root) + string.Create(c, $$"""
            signactors {
              rounds = {{rounds}}
              evaluation.every = {{Math.Max(1, rounds / 4)}}
              verify-replicas = off
              data.validation = {{validation.ToString("R", c)}}
              faults.omniscient-sample = {{omniscientSample}}
            }
            experiment {
              name = "{{name}}"
              directory = "{{directory.Replace("\\", "\\\\").Replace("\"", "\\\"")}}"
              grid {
                {{AggregatorAxis}} = [
                  {{string.Join("\n      ", contenders.Select(Contender))}}
                ]
                {{AttackersAxis}} = [
                  {{string.Join("\n      ", cells)}}
                ]
                seed = [{{string.Join(", ", seeds)}}]
              }
              # Each aggregator's η (and β) is chosen once, without attackers, on the validation split.
              tuning {
                per = [{{AggregatorAxis}}]
                rounds = {{tuningRounds}}
                seed = {{seeds[0]}}
                settings { faults.byzantine = [] }
              }
              compare { axis = {{AggregatorAxis}} }
            }

            """);
    }

    /// <summary>The Byzantine tables and plots of a finished grid, averaged over its seeds.</summary>
    public IReadOnlyList<ByzantineCell> Summarise(string root, IReadOnlyList<GridRun> runs, IReadOnlyList<ContenderSpec> contenders, IReadOnlyList<ByzantineAttack> attacks,
        IReadOnlyList<int> attackers, int nodes, long rounds, int omniscientSample)
    {
        var cells = new List<ByzantineCell>();
        foreach (var cell in runs.GroupBy(r => (Contender: r.Axes[AggregatorAxis], Attackers: r.Axes[AttackersAxis])))
        {
            var (attack, f) = Parse(cell.Key.Attackers);
            var results = cell.Select(r => RunResult.Of(Path.Combine(root, "runs", r.Name))).ToArray();
            var done = results.Where(x => x.Completed && x.HasEvaluation).ToArray();
            var accuracy = SeedStatistics.Of(done.Select(x => x.Accuracy).ToArray());
            cells.Add(new ByzantineCell(cell.Key.Contender, attack, f, accuracy.Mean, accuracy.Std, done.Select(x => x.Loss).DefaultIfEmpty(double.NaN).Average(),
                results.Length, done.Length, results.Min(x => x.Rounds), results.Select(x => x.Refused).FirstOrDefault(x => x is not null)));
        }
        var worst = WorstCase(cells, contenders, attacks, attackers);
        WriteCsv(cells, worst, root);
        string table = Table(cells, worst, contenders, attacks, attackers, nodes, rounds, omniscientSample, runs.Select(r => r.Axes["seed"]).Distinct().Count());
        File.WriteAllText(Path.Combine(root, "results.md"), table);
        Plot(cells, contenders, attacks, attackers, nodes, Path.Combine(root, "accuracy-vs-attackers.png"));
        PlotWorst(worst, contenders, attackers, nodes, Path.Combine(root, "worst-case-vs-attackers.png"));
        output.WriteLine();
        output.WriteLine(table);
        output.WriteLine($"written: {Path.Combine(root, "results.csv")}, worst-case.csv, results.md, accuracy-vs-attackers.png, worst-case-vs-attackers.png");
        return cells;
    }

    /// <summary>Per aggregator and f ≥ 1, the attack with the lowest mean test accuracy (a refused or stopped cell counts as worst); f = 0 is the clean run.</summary>
    public static IReadOnlyList<(string Contender, int Attackers, ByzantineCell Cell)> WorstCase(IReadOnlyList<ByzantineCell> cells, IReadOnlyList<ContenderSpec> contenders,
        IReadOnlyList<ByzantineAttack> attacks, IReadOnlyList<int> attackers)
    {
        var worst = new List<(string, int, ByzantineCell)>();
        foreach (var contender in contenders)
        {
            worst.Add((contender.Label, 0, cells.First(x => x.Contender == contender.Label && x.Attackers == 0)));
            foreach (int f in attackers)
                worst.Add((contender.Label, f, attacks.Select(a => cells.First(x => x.Contender == contender.Label && x.Attack == a && x.Attackers == f))
                    .MinBy(x => x.HasResult && x.Completed == x.Seeds ? x.TestAccuracy : double.NegativeInfinity)!));
        }
        return worst;
    }

    static (ByzantineAttack? Attack, int F) Parse(string label) =>
        label == "f=0" ? (null, 0) : (Attacks.Single(a => label.StartsWith(Name(a) + " ", StringComparison.Ordinal)), int.Parse(label[(label.IndexOf("f=", StringComparison.Ordinal) + 2)..], CultureInfo.InvariantCulture));

    static string Sample(int omniscientSample) => omniscientSample > 0 ? $"{omniscientSample} training records" : "the whole training set";

    public static string Name(ByzantineAttack attack) => Training.Spellings.Attack.Of(attack);

    static string AttackName(ByzantineAttack? attack) => attack is { } a ? Name(a) : "none";

    static void WriteCsv(IReadOnlyList<ByzantineCell> cells, IReadOnlyList<(string Contender, int Attackers, ByzantineCell Cell)> worst, string root)
    {
        var c = CultureInfo.InvariantCulture;
        string Quote(string? x) => $"\"{(x ?? "").Replace("\"", "'")}\"";
        var lines = new List<string> { "aggregator,attack,attackers,test_accuracy,test_accuracy_std,test_loss,seeds,completed,rounds,refused" };
        lines.AddRange(cells.Select(x => string.Join(',', Quote(x.Contender), AttackName(x.Attack), x.Attackers.ToString(c), x.TestAccuracy.ToString("R", c), x.AccuracyStd.ToString("R", c),
            x.TestLoss.ToString("R", c), x.Seeds.ToString(c), x.Completed.ToString(c), x.Rounds.ToString(c), Quote(x.Refused))));
        File.WriteAllLines(Path.Combine(root, "results.csv"), lines);
        File.WriteAllLines(Path.Combine(root, "worst-case.csv"), new[] { "aggregator,attackers,worst_attack,test_accuracy" }
            .Concat(worst.Select(w => string.Join(',', Quote(w.Contender), w.Attackers.ToString(c), AttackName(w.Cell.Attack), w.Cell.TestAccuracy.ToString("R", c)))));
    }

    static string Table(IReadOnlyList<ByzantineCell> cells, IReadOnlyList<(string Contender, int Attackers, ByzantineCell Cell)> worst, IReadOnlyList<ContenderSpec> contenders,
        IReadOnlyList<ByzantineAttack> attacks, IReadOnlyList<int> attackers, int nodes, long rounds, int omniscientSample, int seeds)
    {
        var c = CultureInfo.InvariantCulture;
        var columns = new[] { 0 }.Concat(attackers).ToArray();
        string Header(params string[] first) => $"| {string.Join(" | ", first)} |" + string.Concat(columns.Select(f => string.Create(c, $" f = {f} |")))
            + "\n|" + string.Concat(first.Concat(columns.Select(f => "")).Select(_ => "---|")) + "\n";
        var text = new System.Text.StringBuilder();
        text.AppendLine($"Final test accuracy (test loss) after {rounds} rounds, n = {nodes}, the first f nodes Byzantine; each aggregator's step size tuned once at f = 0 on the validation split "
            + $"and held fixed; omniscient attackers use {Sample(omniscientSample)}; " + (seeds > 1 ? $"mean ± std over {seeds} seeds." : "one seed."));
        text.AppendLine();
        text.AppendLine("Worst case over the attacks (the attack that did it):");
        text.AppendLine();
        text.Append(Header("aggregator"));
        foreach (var contender in contenders)
            text.AppendLine($"| {contender.Label} |" + string.Concat(columns.Select(f => worst.First(w => w.Contender == contender.Label && w.Attackers == f).Cell is var x
                ? $" {Format(x, seeds)}{(x.Attack is { } a && x.Refused is null ? $", {Name(a)}" : "")} |" : "")));
        text.AppendLine();
        text.AppendLine("Per attack:");
        text.AppendLine();
        text.Append(Header("aggregator", "attack"));
        foreach (var contender in contenders)
        {
            var clean = cells.First(x => x.Contender == contender.Label && x.Attackers == 0);
            foreach (var attack in attacks)
                text.AppendLine($"| {contender.Label} | {Name(attack)} |" + string.Concat(columns.Select(f =>
                    $" {Format(f == 0 ? clean : cells.First(x => x.Contender == contender.Label && x.Attack == attack && x.Attackers == f), seeds)} |")));
        }
        if (cells.FirstOrDefault(x => x.Refused is not null) is { } refused)
            text.AppendLine().AppendLine($"n/a: the aggregator cannot run with that many attackers, e.g. \"{refused.Refused}\".");
        return text.ToString();
    }

    static string Format(ByzantineCell cell, int seeds)
    {
        var c = CultureInfo.InvariantCulture;
        if (cell.Refused is not null) return "n/a";
        if (!cell.HasResult) return $"stopped at round {cell.Rounds}";
        string s = seeds > 1 && double.IsFinite(cell.AccuracyStd) ? string.Create(c, $"{cell.TestAccuracy * 100:F1} ± {cell.AccuracyStd * 100:F1} % ({cell.TestLoss:F2})")
            : string.Create(c, $"{cell.TestAccuracy * 100:F1} % ({cell.TestLoss:F2})");
        return cell.Completed == cell.Seeds ? s : s + $", {cell.Seeds - cell.Completed} of {cell.Seeds} seeds stopped";
    }

    static double Percent(ByzantineCell x) => x.HasResult ? x.TestAccuracy * 100 : 0.01;

    static void Plot(IReadOnlyList<ByzantineCell> cells, IReadOnlyList<ContenderSpec> contenders, IReadOnlyList<ByzantineAttack> attacks, IReadOnlyList<int> attackers, int n, string path)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var patterns = new[] { ScottPlot.LinePattern.Solid, ScottPlot.LinePattern.Dashed, ScottPlot.LinePattern.Dotted, ScottPlot.LinePattern.DenselyDashed };
        var xs = new[] { 0 }.Concat(attackers).Select(f => (double)f).ToArray();
        for (int i = 0; i < contenders.Count; i++)
        {
            var clean = cells.First(x => x.Contender == contenders[i].Label && x.Attackers == 0);
            for (int a = 0; a < attacks.Count; a++)
            {
                var ys = new[] { clean }.Concat(attackers.Select(f => cells.First(x => x.Contender == contenders[i].Label && x.Attack == attacks[a] && x.Attackers == f))).Select(Percent).ToArray();
                var line = plot.Add.Scatter(xs, ys);
                line.LegendText = $"{contenders[i].Label}, {Name(attacks[a])}";
                line.Color = palette.GetColor(a);
                line.LinePattern = patterns[i % patterns.Length];
                line.MarkerSize = 5;
            }
        }
        Finish(plot, n, $"Test accuracy against the number of Byzantine nodes, per attack (n = {n})", path);
    }

    static void PlotWorst(IReadOnlyList<(string Contender, int Attackers, ByzantineCell Cell)> worst, IReadOnlyList<ContenderSpec> contenders, IReadOnlyList<int> attackers, int n, string path)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var xs = new[] { 0 }.Concat(attackers).Select(f => (double)f).ToArray();
        for (int i = 0; i < contenders.Count; i++)
        {
            var line = plot.Add.Scatter(xs, xs.Select(f => Percent(worst.First(w => w.Contender == contenders[i].Label && w.Attackers == (int)f).Cell)).ToArray());
            line.LegendText = contenders[i].Label;
            line.Color = palette.GetColor(i);
            line.MarkerSize = 7;
        }
        Finish(plot, n, $"Worst case over attacks: test accuracy against Byzantine nodes (n = {n})", path);
    }

    static void Finish(ScottPlot.Plot plot, int n, string title, string path)
    {
        plot.Add.VerticalLine(n / 2.0).LinePattern = ScottPlot.LinePattern.Dotted; // f = n/2: majority vote's limit
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        plot.Title(title);
        plot.XLabel("Byzantine nodes f");
        plot.YLabel("final test accuracy (%)");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.SavePng(path, 1100, 680);
    }
}
