using SignActors.Training.Data;
using SignActors.Training.Models;
using TorchSharp;

namespace SignActors.Bench;

/// <summary>
/// One node training step (forward + backward into the flat gradient) per model, batch size and
/// torch thread count, on the synthetic set. The ratio is the time against the same model and
/// batch at one thread, measured in the same run (below 1: the second thread helps).
/// </summary>
public sealed class TrainingBench(TextWriter output, double minMsPerCase)
{
    /// <summary>The zoo's models (a TorchScript model needs its file: the torchscript suite).</summary>
    public static IReadOnlyList<string> DefaultModels => Training.Spellings.Model.Names.Where(n => n != Training.Spellings.Model.Of(ModelKind.TorchScript) && n != Training.Spellings.Model.Of(ModelKind.Objective)).ToArray();

    public void Run(IReadOnlyList<string> models, IReadOnlyList<int> batches, IReadOnlyList<int> threads)
    {
        var set = Cifar100Set.FromRecords(SyntheticCifar100.Generate(new SyntheticSpec(1, 3, 1), 1), "synthetic (bench)").Images();
        int before = torch.get_num_threads();
        output.WriteLine($"# training step — forward + backward, median of ≥3 steps after a warm-up, ≥{minMsPerCase} ms per case");
        var rows = new List<string>();
        foreach (var name in models)
        {
            var kind = Training.Spellings.Model.Parse(name, "--models");
            using var model = new FlatModel(ModelSpec.For(kind, set), 1);
            foreach (int batch in batches)
            {
                using var builder = new MinibatchBuilder(batch, set);
                var (images, labels) = builder.Build(set, Enumerable.Range(0, batch).Select(i => i % set.Count).ToArray());
                double single = 0;
                foreach (int t in threads)
                {
                    torch.set_num_threads(t);
                    double ms = Stopwatches.MedianMilliseconds(() => model.Step(images, labels), minMsPerCase);
                    if (t == threads[0]) single = ms;
                    string row = $"| {name} | {model.Dimension:N0} | {batch} | {t} | {ms:F1} | {batch * 1000 / ms:F0} | {ms / single:F2} |";
                    rows.Add(row);
                    output.WriteLine($"  {name,-10} d={model.Dimension,-11:N0} batch {batch,-4} threads {t}  {ms,9:F1} ms/step  {batch * 1000 / ms,7:F0} images/s  vs {threads[0]} thread(s) {ms / single:F2}");
                }
            }
        }
        torch.set_num_threads(before);
        output.WriteLine();
        output.WriteLine($"| model | d | batch | torch threads | ms / step | images / s | time vs {threads[0]} thread(s) |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var row in rows) output.WriteLine(row);
    }
}
