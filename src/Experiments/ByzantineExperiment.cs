using SignActors.Runtime.Statistics;
using System.Globalization;
using System.Text;
using SignActors.Training.Algorithms;
using SignActors.Training.Faults;

namespace SignActors.Experiments;

/// <summary>One aggregator of the comparison: a preset and the grids its step size (and β, for momentum) is tuned over.</summary>
public sealed record ContenderSpec(string Label, string Preset, IReadOnlyList<double> LearningRates, IReadOnlyList<double> Betas)
{
    /// <summary>Whether the contender aggregates signs (1 bit a coordinate up): the majority-vote side of the comparison.</summary>
    public bool Votes(int nodes) => Presets.Resolve(Preset, nodes).Uplink.Declare().Produces != Messages.PayloadKind.Dense;

    /// <summary>
    /// Whether f Byzantine nodes of n are within the aggregator's design tolerance, as it declares it:
    /// none for the mean; an honest majority (2f &lt; n) for the median and for the vote aggregators
    /// (majority vote, S_1 of the vote); trimmed mean with b = f needs n &gt; 2f; Krum n ≥ 2f + 3.
    /// Cells beyond it are run where they can be, and marked.
    /// </summary>
    public bool Tolerates(int nodes, int f) => f == 0 || Presets.Resolve(Preset, nodes).Aggregator.Declare().Tolerates(nodes, f);
}

/// <summary>
/// One cell of the sweep over its seeds: test accuracy (mean, std, 95 % interval), test loss, the bits
/// a round up and down, how its runs ended, and whether f is beyond the aggregator's tolerance.
/// <see cref="BySeed"/> holds each counted seed's accuracy, for differences paired by seed.
/// <see cref="Completed"/> counts the runs in the statistics; <see cref="Degraded"/> the completed
/// runs that lost part of their federation unplanned, <see cref="LeftOut"/> those of them left out.
/// </summary>
public sealed record ByzantineCell(string Contender, ByzantineAttack? Attack, int Attackers, SeedStatistics Accuracy, double TestLoss, double BitsUpPerRound, double BitsDownPerRound,
    int Seeds, int Completed, long Rounds, string? Refused, bool BeyondTolerance, IReadOnlyDictionary<string, double> BySeed, int Degraded = 0, int LeftOut = 0)
{
    public double TestAccuracy => Accuracy.Mean;
    public bool HasResult => Completed > 0 && double.IsFinite(TestAccuracy);
    public bool Whole => HasResult && Completed == Seeds;
}

/// <summary>
/// The headline experiment of SPEC §7 as a tuned grid: aggregator × attackers (f = 0 once, then
/// f Byzantine nodes per attack, the first f node ids) × seed. Each contender's η (and β) is tuned
/// once at f = 0 on the validation split, then held fixed across f and attacks — the defender does
/// not know the attack. <see cref="Write"/> writes the experiment file, <see cref="GridExperiment"/>
/// runs it (resumable), and <see cref="Summarise"/> adds results.csv, worst-case.csv, results.md
/// (verdicts, the bits each contender sent, majority vote against the robust float32 aggregators,
/// the worst case over attacks and every cell, with 95 % intervals) and the plots.
/// </summary>
public sealed class ByzantineExperiment(TextWriter output)
{
    public static readonly ByzantineAttack[] Attacks = Enum.GetValues<ByzantineAttack>();

    /// <summary>The verdicts' thresholds: majority vote holds when it keeps this share of its clean accuracy…</summary>
    public const double HoldsShare = 0.85;
    /// <summary>…for every f up to this (and every attack but the omniscient one); a cell collapses within this many points of chance.</summary>
    public const int HoldsUpTo = 3;
    public const double CollapseMargin = 0.05;

    const string AggregatorAxis = "aggregator", AttackersAxis = "attackers";

    /// <summary>The experiment file of the sweep over <paramref name="settings"/> (the user's config, resolved); tuning runs at <paramref name="tuningSeed"/>.</summary>
    public static string Write(Akka.Configuration.Config settings, IReadOnlyList<ContenderSpec> contenders, IReadOnlyList<ByzantineAttack> attacks, IReadOnlyList<int> attackers,
        long rounds, long tuningRounds, int omniscientSample, double validation, IReadOnlyList<ulong> seeds, ulong tuningSeed, string directory, string name, bool randomAttackers = false)
    {
        var c = CultureInfo.InvariantCulture;
        string List(IEnumerable<double> values) => "[" + string.Join(", ", values.Select(v => v.ToString("R", c))) + "]";
        var cells = new List<string> { "{ label = \"f=0\", faults.byzantine = [] }" };
        foreach (var attack in attacks)
            foreach (int f in attackers)
                cells.Add($"{{ label = \"{Name(attack)} f={f}\", faults.byzantine = [ {{ {(randomAttackers ? "random" : "first")} = {f}, attack = {Name(attack)} }} ] }}");
        string Contender(ContenderSpec x) => $"{{ label = \"{x.Label}\", algorithm.preset = {x.Preset}, learning-rate.schedule = constant, "
            + $"tune {{ learning-rate.initial = {List(x.LearningRates)}{(x.Betas.Count > 0 ? $", algorithm.beta = {List(x.Betas)}" : "")} }} }}";
        return Runtime.Configuration.ConfigKeys.Render(settings, Runtime.Configuration.ConfigKeys.Root) + string.Create(c, $$"""
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
                seed = {{tuningSeed}}
                settings { faults.byzantine = [] }
              }
              compare { axis = {{AggregatorAxis}} }
            }

            """);
    }

    /// <summary>The Byzantine tables and plots of a finished grid, over its seeds; <paramref name="classes"/> sets chance (1 / classes).</summary>
    public IReadOnlyList<ByzantineCell> Summarise(string root, IReadOnlyList<GridRun> runs, IReadOnlyList<ContenderSpec> contenders, IReadOnlyList<ByzantineAttack> attacks,
        IReadOnlyList<int> attackers, int nodes, int classes, long rounds, int omniscientSample, DegradedRuns degraded = default, bool randomAttackers = false)
    {
        var cells = new List<ByzantineCell>();
        foreach (var cell in runs.GroupBy(r => (Contender: r.Axes[AggregatorAxis], Attackers: r.Axes[AttackersAxis])))
        {
            var (attack, f) = Parse(cell.Key.Attackers);
            var results = cell.Select(r => (Seed: r.Axes.GetValueOrDefault(ExperimentGrid.SeedAxis, ""), Result: RunResult.Of(Path.Combine(root, "runs", r.Name)))).ToArray();
            var done = results.Where(x => degraded.Counts(x.Result) && x.Result.HasEvaluation).ToArray();
            int degradedRuns = results.Count(x => x.Result.Completed && x.Result.Degraded);
            var contender = contenders.First(x => x.Label == cell.Key.Contender);
            double Mean(Func<RunResult, double> pick) => done.Select(x => pick(x.Result)).DefaultIfEmpty(double.NaN).Average();
            cells.Add(new ByzantineCell(cell.Key.Contender, attack, f, SeedStatistics.Of(done.Select(x => x.Result.Accuracy).ToArray()), Mean(x => x.Loss),
                Mean(x => x.BitsUpPerRound), Mean(x => x.BitsDownPerRound), results.Length, done.Length, results.Min(x => x.Result.Rounds),
                results.Select(x => x.Result.Refused).FirstOrDefault(x => x is not null), !contender.Tolerates(nodes, f), done.ToDictionary(x => x.Seed, x => x.Result.Accuracy),
                degradedRuns, degraded.Include ? 0 : degradedRuns));
        }
        var worst = WorstCase(cells, contenders, attacks, attackers);
        WriteCsv(cells, worst, root);
        int seeds = runs.Select(r => r.Axes.GetValueOrDefault(ExperimentGrid.SeedAxis, "")).Distinct().Count();
        string table = Report(cells, worst, contenders, attacks, attackers, nodes, 1.0 / classes, rounds, omniscientSample, seeds,
            randomAttackers ? "f nodes drawn at random on each seed's stream Byzantine" : "the first f nodes Byzantine");
        File.WriteAllText(Path.Combine(root, "results.md"), table);
        var plots = attacks.Select(a => Plot(cells, contenders, a, attackers, nodes, Path.Combine(root, $"accuracy-vs-attackers-{Name(a)}.png"))).ToList();
        plots.Add(PlotWorst(worst, contenders, attackers, nodes, Path.Combine(root, "worst-case-vs-attackers.png")));
        output.WriteLine();
        output.WriteLine(table);
        output.WriteLine($"written: {Path.Combine(root, "results.csv")}, worst-case.csv, results.md, {string.Join(", ", plots.Select(Path.GetFileName))}");
        return cells;
    }

    /// <summary>Per aggregator and f ≥ 1, the attack with the lowest mean test accuracy (a refused or stopped cell counts as worst); f = 0 is the clean run.</summary>
    public static IReadOnlyList<(string Contender, int Attackers, ByzantineCell Cell)> WorstCase(IReadOnlyList<ByzantineCell> cells, IReadOnlyList<ContenderSpec> contenders,
        IReadOnlyList<ByzantineAttack> attacks, IReadOnlyList<int> attackers)
    {
        var worst = new List<(string, int, ByzantineCell)>();
        foreach (var contender in contenders)
        {
            worst.Add((contender.Label, 0, Clean(cells, contender.Label)));
            foreach (int f in attackers)
                worst.Add((contender.Label, f, attacks.Select(a => Cell(cells, contender.Label, a, f)).MinBy(x => x.Whole ? x.TestAccuracy : double.NegativeInfinity)!));
        }
        return worst;
    }

    /// <summary>
    /// Per seed, the lowest accuracy over <paramref name="attacks"/> at f; NaN for a seed where any of
    /// them is missing (refused, stopped). The worst case paired by seed, for the comparison of aggregators.
    /// </summary>
    public static IReadOnlyDictionary<string, double> WorstBySeed(IReadOnlyList<ByzantineCell> cells, string contender, IReadOnlyList<ByzantineAttack> attacks, int f)
    {
        var their = attacks.Select(a => Cell(cells, contender, a, f)).ToArray();
        var seeds = their.SelectMany(x => x.BySeed.Keys).Distinct();
        return seeds.ToDictionary(s => s, s => their.All(x => x.BySeed.ContainsKey(s)) ? their.Min(x => x.BySeed[s]) : double.NaN);
    }

    /// <summary>Majority vote holds when every f ≤ <see cref="HoldsUpTo"/> and every attack but the omniscient keeps ≥ 85 % of the clean mean accuracy (a missing cell fails it).</summary>
    public static (bool Holds, ByzantineCell Lowest) Holds(IReadOnlyList<ByzantineCell> cells, string contender, IReadOnlyList<ByzantineAttack> attacks, IReadOnlyList<int> attackers)
    {
        double clean = Clean(cells, contender).TestAccuracy;
        var checkedCells = attacks.Where(a => a != ByzantineAttack.Omniscient).SelectMany(a => attackers.Where(f => f <= HoldsUpTo).Select(f => Cell(cells, contender, a, f))).ToArray();
        var lowest = checkedCells.MinBy(x => x.Whole ? x.TestAccuracy : double.NegativeInfinity)!;
        return (double.IsFinite(clean) && checkedCells.All(x => x.Whole && x.TestAccuracy >= HoldsShare * clean), lowest);
    }

    /// <summary>A cell collapses when the mean accuracy of its counted seeds ends within 5 points of chance, or every seed diverged (stopped); a refused cell did not run, and one whose every seed was degraded is not evidence.</summary>
    public static bool Collapses(ByzantineCell cell, double chance) =>
        cell.HasResult ? cell.TestAccuracy <= chance + CollapseMargin : cell.Refused is null && cell.LeftOut < cell.Seeds && cell.Seeds > 0 && cell.Rounds > 0;

    static ByzantineCell Clean(IReadOnlyList<ByzantineCell> cells, string contender) => cells.First(x => x.Contender == contender && x.Attackers == 0);

    static ByzantineCell Cell(IReadOnlyList<ByzantineCell> cells, string contender, ByzantineAttack attack, int f) =>
        cells.First(x => x.Contender == contender && x.Attack == attack && x.Attackers == f);

    static (ByzantineAttack? Attack, int F) Parse(string label) =>
        label == "f=0" ? (null, 0) : (Attacks.Single(a => label.StartsWith(Name(a) + " ", StringComparison.Ordinal)), int.Parse(label[(label.IndexOf("f=", StringComparison.Ordinal) + 2)..], CultureInfo.InvariantCulture));

    static string Sample(int omniscientSample) => omniscientSample > 0 ? $"{omniscientSample} training records" : "the whole training set";

    public static string Name(ByzantineAttack attack) => Training.Spellings.Attack.Of(attack);

    static string AttackName(ByzantineAttack? attack) => attack is { } a ? Name(a) : "none";

    static void WriteCsv(IReadOnlyList<ByzantineCell> cells, IReadOnlyList<(string Contender, int Attackers, ByzantineCell Cell)> worst, string root)
    {
        var c = CultureInfo.InvariantCulture;
        string Quote(string? x) => $"\"{(x ?? "").Replace("\"", "'")}\"";
        var lines = new List<string> { "aggregator,attack,attackers,test_accuracy,test_accuracy_std,test_accuracy_ci95,test_loss,bits_up_per_round,bits_down_per_round,seeds,completed,rounds,beyond_tolerance,refused,degraded,degraded_left_out" };
        lines.AddRange(cells.Select(x => string.Join(',', Quote(x.Contender), AttackName(x.Attack), x.Attackers.ToString(c), x.TestAccuracy.ToString("R", c), x.Accuracy.Std.ToString("R", c),
            x.Accuracy.HalfWidth.ToString("R", c), x.TestLoss.ToString("R", c), x.BitsUpPerRound.ToString("R", c), x.BitsDownPerRound.ToString("R", c), x.Seeds.ToString(c), x.Completed.ToString(c),
            x.Rounds.ToString(c), x.BeyondTolerance ? "true" : "false", Quote(x.Refused), x.Degraded.ToString(c), x.LeftOut.ToString(c))));
        File.WriteAllLines(Path.Combine(root, "results.csv"), lines);
        File.WriteAllLines(Path.Combine(root, "worst-case.csv"), new[] { "aggregator,attackers,worst_attack,test_accuracy,test_accuracy_ci95" }
            .Concat(worst.Select(w => string.Join(',', Quote(w.Contender), w.Attackers.ToString(c), AttackName(w.Cell.Attack), w.Cell.TestAccuracy.ToString("R", c), w.Cell.Accuracy.HalfWidth.ToString("R", c)))));
    }

    static string Report(IReadOnlyList<ByzantineCell> cells, IReadOnlyList<(string Contender, int Attackers, ByzantineCell Cell)> worst, IReadOnlyList<ContenderSpec> contenders,
        IReadOnlyList<ByzantineAttack> attacks, IReadOnlyList<int> attackers, int nodes, double chance, long rounds, int omniscientSample, int seeds, string whoAttacks)
    {
        var c = CultureInfo.InvariantCulture;
        var columns = new[] { 0 }.Concat(attackers).ToArray();
        string Header(params string[] first) => $"| {string.Join(" | ", first)} |" + string.Concat(columns.Select(f => string.Create(c, $" f = {f} |")))
            + "\n|" + string.Concat(first.Concat(columns.Select(f => "")).Select(_ => "---|")) + "\n";
        string Percent(double x) => (x * 100).ToString("F1", c);
        var text = new StringBuilder();
        text.AppendLine($"Final test accuracy % after {rounds} rounds, n = {nodes}, {whoAttacks}; each aggregator's step size tuned once at f = 0 on the validation split "
            + $"and held fixed; omniscient attackers use {Sample(omniscientSample)}; " + (seeds > 1 ? $"mean ± std [95 % interval of the mean, Student t] over {seeds} seeds." : "one seed.")
            + " † marks f beyond the aggregator's tolerance (mean: any f; median and the vote aggregators: 2f ≥ n; trimmed mean b = f: 2f ≥ n; Krum: n < 2f + 3).");
        text.AppendLine();

        var voters = contenders.Where(x => x.Votes(nodes)).ToArray();
        var floats = contenders.Where(x => !x.Votes(nodes)).ToArray();
        text.AppendLine("Verdicts:");
        text.AppendLine();
        foreach (var v in voters)
        {
            var (holds, lowest) = Holds(cells, v.Label, attacks, attackers);
            double clean = Clean(cells, v.Label).TestAccuracy;
            text.AppendLine($"- {v.Label} **{(holds ? "holds" : "does not hold")}**: clean {Percent(clean)} %; its lowest cell for f ≤ {HoldsUpTo} without the omniscient attack is "
                + (lowest.Whole ? $"{Percent(lowest.TestAccuracy)} % ({AttackName(lowest.Attack)}, f = {lowest.Attackers}), {(clean > 0 ? (lowest.TestAccuracy / clean * 100).ToString("F0", c) : "—")} % of clean" : $"{AttackName(lowest.Attack)}, f = {lowest.Attackers}: {Format(lowest, seeds)}")
                + $" (holds: ≥ {HoldsShare * 100:F0} % of clean in every such cell).");
        }
        foreach (var contender in contenders)
        {
            var collapsed = cells.Where(x => x.Contender == contender.Label && Collapses(x, chance)).OrderBy(x => x.Attackers).ThenBy(x => x.Attack).ToArray();
            text.AppendLine($"- {contender.Label} collapses (ends within {CollapseMargin * 100:F0} points of chance, {Percent(chance)} %) in "
                + (collapsed.Length == 0 ? "no cell." : string.Join(", ", collapsed.Select(x => (x.Attack is null ? "the clean run (f = 0)" : $"{AttackName(x.Attack)} f = {x.Attackers}")
                    + (x.HasResult ? "" : " (diverged)"))) + "."));
        }
        text.AppendLine();

        text.AppendLine("Traffic at f = 0 (mean bits a round; up: all nodes' votes together, down: what the server sends each node):");
        text.AppendLine();
        var reference = floats.FirstOrDefault(f => double.IsFinite(Clean(cells, f.Label).BitsUpPerRound));
        double floatUp = reference is null ? double.NaN : Clean(cells, reference.Label).BitsUpPerRound;
        text.AppendLine($"| aggregator | bits up a round | bits down a round | up, relative to {reference?.Label ?? "float32"} |");
        text.AppendLine("|---|---|---|---|");
        foreach (var contender in contenders)
        {
            var clean = Clean(cells, contender.Label);
            text.AppendLine($"| {contender.Label} | {clean.BitsUpPerRound.ToString("N0", c)} | {clean.BitsDownPerRound.ToString("N0", c)} | {(double.IsFinite(floatUp) ? (clean.BitsUpPerRound / floatUp).ToString("G3", c) : "—")} |");
        }
        text.AppendLine();

        if (voters.Length > 0 && floats.Length > 0)
        {
            text.AppendLine("Majority vote against the float32 aggregators, worst case over all attacks, paired by seed (Δ = vote − float32, points):");
            text.AppendLine();
            text.AppendLine("| vote aggregator | float32 aggregator | f | pairs | Δ worst-case accuracy | verdict |");
            text.AppendLine("|---|---|---|---|---|---|");
            foreach (var v in voters)
                foreach (var fl in floats)
                    foreach (int f in attackers.Where(f => f <= HoldsUpTo))
                    {
                        var a = WorstBySeed(cells, v.Label, attacks, f);
                        var b = WorstBySeed(cells, fl.Label, attacks, f);
                        var paired = a.Keys.Where(s => b.ContainsKey(s) && double.IsFinite(a[s]) && double.IsFinite(b[s])).ToArray();
                        var delta = SeedStatistics.Paired(paired.Select(s => a[s]).ToArray(), paired.Select(s => b[s]).ToArray());
                        bool cannotRun = attacks.Any(x => Cell(cells, fl.Label, x, f).Refused is not null);
                        int diverged = attacks.Max(x => Cell(cells, fl.Label, x, f).Seeds) - b.Values.Count(double.IsFinite);
                        string verdict = cannotRun ? $"{fl.Label} cannot run at f = {f}"
                            : diverged > 0 && a.Count > 0 && a.Values.All(double.IsFinite) ? $"vote higher: {fl.Label} diverged at {diverged} of its seeds"
                            : paired.Length == 0 ? "—"
                            : delta.Count < 2 ? "— (one pair)" : delta.ExcludesZero ? (delta.Mean > 0 ? "vote higher" : "vote lower") : "not separable";
                        text.AppendLine($"| {v.Label} | {fl.Label} | {f} | {paired.Length} | {delta.Format(100, "F1")} | {verdict} |");
                    }
            text.AppendLine();
        }

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
            var clean = Clean(cells, contender.Label);
            foreach (var attack in attacks)
                text.AppendLine($"| {contender.Label} | {Name(attack)} |" + string.Concat(columns.Select(f => $" {Format(f == 0 ? clean : Cell(cells, contender.Label, attack, f), seeds)} |")));
        }
        if (cells.FirstOrDefault(x => x.Refused is not null) is { } refused)
            text.AppendLine().AppendLine($"n/a: the aggregator cannot run with that many attackers, e.g. \"{refused.Refused}\".");
        if (cells.Sum(x => x.Degraded) is var degraded and > 0)
            text.AppendLine().AppendLine($"{degraded} run(s) lost part of their federation unplanned (degraded; their outcome.txt says how): "
                + (cells.Sum(x => x.LeftOut) > 0 ? $"left out of the cells above ({DegradedRuns.Key} = on counts them)." : "counted in the cells above."));
        return text.ToString();
    }

    static string Format(ByzantineCell cell, int seeds)
    {
        var c = CultureInfo.InvariantCulture;
        if (cell.Refused is not null) return "n/a";
        if (!cell.HasResult) return cell.LeftOut > 0 ? $"{cell.LeftOut} of {cell.Seeds} seeds degraded, left out" : $"stopped at round {cell.Rounds}";
        string s = (seeds > 1 && cell.Accuracy.Count > 1 ? cell.Accuracy.Format(100, "F1") : (cell.TestAccuracy * 100).ToString("F1", c)) + (cell.BeyondTolerance ? " †" : "");
        int stopped = cell.Seeds - cell.Completed - cell.LeftOut;
        return s + (stopped > 0 ? $", {stopped} of {cell.Seeds} seeds stopped" : "") + (cell.LeftOut > 0 ? $", {cell.LeftOut} of {cell.Seeds} degraded, left out" : "");
    }

    static double Percent(ByzantineCell x) => x.HasResult ? x.TestAccuracy * 100 : 0.01;

    static double HalfWidth(ByzantineCell x) => x.HasResult && double.IsFinite(x.Accuracy.HalfWidth) ? x.Accuracy.HalfWidth * 100 : 0;

    /// <summary>One attack: each contender's accuracy against f, with its 95 % interval as error bars.</summary>
    static string Plot(IReadOnlyList<ByzantineCell> cells, IReadOnlyList<ContenderSpec> contenders, ByzantineAttack attack, IReadOnlyList<int> attackers, int n, string path)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var xs = new[] { 0 }.Concat(attackers).Select(f => (double)f).ToArray();
        for (int i = 0; i < contenders.Count; i++)
        {
            var points = new[] { Clean(cells, contenders[i].Label) }.Concat(attackers.Select(f => Cell(cells, contenders[i].Label, attack, f))).ToArray();
            // A small sideways offset per contender keeps overlapping error bars apart.
            var shifted = xs.Select(x => x + (i - (contenders.Count - 1) / 2.0) * 0.04).ToArray();
            var line = plot.Add.Scatter(shifted, points.Select(Percent).ToArray());
            line.LegendText = contenders[i].Label;
            line.Color = palette.GetColor(i);
            line.MarkerSize = 6;
            var bars = plot.Add.ErrorBar(shifted, points.Select(Percent).ToArray(), points.Select(HalfWidth).ToArray());
            bars.Color = palette.GetColor(i);
        }
        Finish(plot, n, $"{Name(attack)}: test accuracy against Byzantine nodes, 95 % intervals (n = {n})", path);
        return path;
    }

    static string PlotWorst(IReadOnlyList<(string Contender, int Attackers, ByzantineCell Cell)> worst, IReadOnlyList<ContenderSpec> contenders, IReadOnlyList<int> attackers, int n, string path)
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
        return path;
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
