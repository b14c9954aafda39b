using System.Diagnostics;
using Akka.Configuration;
using SignActors.Runtime.Configuration;
using SignActors.Messages.Protocol;
using SignActors.Node;
using SignActors.Training.Data;
using SignActors.Training.Models;
using SignActors.Training.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace SignActors.Bench;

/// <summary>
/// What a node spends around the training step. Node compute is what a node actor does between a
/// <see cref="StartRound"/> received and its <see cref="Vote"/> sent, without a straggler delay:
/// <see cref="NodeReplica.ComputeVote"/> — the minibatch drawn and gathered, forward and backward
/// into the flat gradient, the estimator, the compressor, the vote's scalars — on node 0 of the
/// default run with <c>model.name</c> replaced. The minimal loop is the same module's forward,
/// cross-entropy and backward on one preallocated batch, as a TorchSharp user writes it. Both run
/// at the run's torch thread count, as interleaved pairs (the order alternates); the aggregate a
/// node applies between rounds is not timed.
/// </summary>
public sealed class StepOverheadBench(TextWriter output, double minMsPerSide)
{
    public static IReadOnlyList<string> DefaultModels { get; } = ["cnn-small", "resnet18"];

    public IReadOnlyList<(string Model, double NodeMs, double LoopMs, PairedRatio Ratio)> Run(IReadOnlyList<string> models, int pairs)
    {
        var results = new List<(string, double, double, PairedRatio)>();
        output.WriteLine($"# around the step — node compute (StartRound → Vote) ÷ a minimal TorchSharp loop, {pairs} interleaved pairs, ≥{minMsPerSide} ms a side");
        foreach (var name in models)
        {
            var config = ConfigurationFactory.ParseString($"signactors.model.name = {name}").WithFallback(RunConfig.Reference);
            var settings = RunSettings.Read(config);
            var spec = settings.Contract;
            var (train, _) = settings.Data.Load(_ => { });
            var shards = settings.Data.Deal(train, spec.Nodes, spec.Seed);
            int before = torch.get_num_threads();
            torch.set_num_threads(spec.TorchThreads);
            using var node = new NodeReplica(0, spec, train, shards[0].Records);
            using var loop = new MinimalLoop(spec.ModelFor(train), spec.BatchSize, spec.Seed);
            var (nodeMedian, loopMedian, ratio) = Pairs(name, pairs, ("node", NodeRounds(node, spec)),
                ("loop", () => Median(() => { long t0 = Stopwatch.GetTimestamp(); loop.Step(); return Stopwatch.GetElapsedTime(t0).TotalMilliseconds; })));
            torch.set_num_threads(before);
            output.WriteLine($"  {name,-10} d={node.Dimension:N0} batch {spec.BatchSize} threads {spec.TorchThreads}: node {nodeMedian:F1} ms, loop {loopMedian:F1} ms, node ÷ loop {ratio}");
            results.Add((name, nodeMedian, loopMedian, ratio));
        }
        output.WriteLine();
        output.WriteLine("| model | batch | torch threads | node compute (ms, median) | minimal loop (ms, median) | node ÷ loop, median [interval] | ≤ 1.05 |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var (model, node, loop, ratio) in results)
            output.WriteLine($"| {model} | 32 | 1 | {node:F1} | {loop:F1} | {ratio} | {(ratio.Under(1.05) ? "met" : "**not met**")} |");
        return results;
    }

    /// <summary>
    /// Node compute with the zoo's cnn-small against the same node with <paramref name="file"/>, its
    /// TorchScript export (scripts/torchscript-fixtures/make.py), in interleaved pairs: what a round
    /// costs a node when its model comes from PyTorch. The data is 2,048 seeded random 1×28×28
    /// images of 10 classes (Fashion-MNIST's shape, which the export takes); the run is the default
    /// run's contract otherwise (batch 32, one torch thread).
    /// </summary>
    public PairedRatio RunTorchScript(string file, int pairs)
    {
        var script = TorchScriptFile.Read(file);
        var random = new Random(1);
        var pixels = new byte[2048 * 28 * 28];
        random.NextBytes(pixels);
        var train = new ImageSet("random 1×28×28 (bench)", new ImageShape(1, 28, 28), pixels, Enumerable.Range(0, 2048).Select(_ => random.Next(10)).ToArray());
        script.Check(train.Shape, train.Classes);
        var zooSpec = RunSettings.Read(ConfigurationFactory.ParseString("signactors.model.name = cnn-small").WithFallback(RunConfig.Reference)).Contract;
        var scriptSpec = zooSpec with { Model = ModelKind.TorchScript, Script = script };
        var records = Enumerable.Range(0, train.Count).ToArray();
        output.WriteLine($"# TorchScript — node compute (StartRound → Vote) with {file} ÷ the zoo's cnn-small, {pairs} interleaved pairs, ≥{minMsPerSide} ms a side");
        int before = torch.get_num_threads();
        torch.set_num_threads(zooSpec.TorchThreads);
        using var zoo = new NodeReplica(0, zooSpec, train, records);
        using var exported = new NodeReplica(0, scriptSpec, train, records);
        var (scriptMs, zooMs, ratio) = Pairs("cnn-small", pairs, ("torchscript", NodeRounds(exported, scriptSpec)), ("zoo", NodeRounds(zoo, zooSpec)));
        torch.set_num_threads(before);
        output.WriteLine($"  d={zoo.Dimension:N0} batch {zooSpec.BatchSize} threads {zooSpec.TorchThreads}: torchscript {scriptMs:F1} ms, zoo {zooMs:F1} ms, torchscript ÷ zoo {ratio}");
        output.WriteLine();
        output.WriteLine("| model | batch | torch threads | TorchScript node compute (ms, median) | zoo node compute (ms, median) | TorchScript ÷ zoo, median [interval] | ≤ 1.15 |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        output.WriteLine($"| cnn-small (1×28×28, 10 classes) | {zooSpec.BatchSize} | {zooSpec.TorchThreads} | {scriptMs:F1} | {zooMs:F1} | {ratio} | {(ratio.Under(1.15) ? "met" : "**not met**")} |");
        return ratio;
    }

    /// <summary>A node's rounds, one after another, each timed from StartRound to its Vote (the aggregate it then applies is not timed).</summary>
    Func<double> NodeRounds(NodeReplica node, RunContract spec)
    {
        long round = 0;
        return () => Median(() =>
        {
            round++;
            var start = new StartRound(round, spec.LearningRate(round), null, 0);
            long t0 = Stopwatch.GetTimestamp();
            var vote = node.ComputeVote(start) ?? throw new InvalidOperationException($"node 0 did not vote in round {round}");
            double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            node.Apply(new Aggregate(round, vote.Payload, start.LearningRate));
            return ms;
        });
    }

    /// <summary>
    /// <paramref name="pairs"/> interleaved A/B pairs after one warm-up of each (JIT tiers, libtorch's
    /// first allocations), the order alternating; each pair printed. Returns both medians and A ÷ B.
    /// </summary>
    (double A, double B, PairedRatio Ratio) Pairs(string name, int pairs, (string Name, Func<double> Time) a, (string Name, Func<double> Time) b)
    {
        a.Time(); b.Time();
        var (ratios, aMs, bMs) = (new List<double>(), new List<double>(), new List<double>());
        for (int p = 0; p < pairs; p++)
        {
            double x, y;
            if (p % 2 == 0) { x = a.Time(); y = b.Time(); }
            else { y = b.Time(); x = a.Time(); }
            aMs.Add(x); bMs.Add(y); ratios.Add(x / y);
            output.WriteLine($"  {name,-10} pair {p + 1}: {a.Name} {x,9:F1} ms  {b.Name} {y,9:F1} ms  ratio {x / y:F3}");
        }
        return (PairedRatio.Of(aMs).Median, PairedRatio.Of(bMs).Median, PairedRatio.Of(ratios));
    }

    /// <summary>The median of repeated timings of <paramref name="once"/>, at least 3 and at least <c>minMsPerSide</c> in all.</summary>
    double Median(Func<double> once)
    {
        var times = new List<double>();
        double total = 0;
        while (times.Count < 3 || total < minMsPerSide)
        {
            double ms = once();
            times.Add(ms);
            total += ms;
        }
        return PairedRatio.Of(times).Median;
    }

    /// <summary>Forward, cross-entropy and backward of one zoo module on one batch made once.</summary>
    sealed class MinimalLoop : IDisposable
    {
        readonly nn.Module<Tensor, Tensor> _module;
        readonly Tensor _images, _labels;

        /// <summary>The module starts from the run's x_1 (the zoo's draw), so both sides compute on the same kind of numbers.</summary>
        public MinimalLoop(ModelSpec spec, int batch, ulong seed)
        {
            _module = ModelZoo.Create(spec);
            var layout = new ParameterLayout(_module);
            var x1 = ParameterInit.Values(_module, layout, seed);
            using (no_grad())
                foreach (var (p, slot) in _module.parameters().Zip(layout.Slots))
                    p.copy_(torch.tensor(x1[(int)slot.Offset..(int)(slot.Offset + slot.Length)]).view(slot.Shape));
            _module.train();
            var generator = new Generator(1);
            _images = torch.randn([batch, spec.Input.Channels, spec.Input.Height, spec.Input.Width], generator: generator);
            _labels = torch.randint(spec.Classes, [batch], generator: generator);
        }

        public void Step()
        {
            using var scope = NewDisposeScope();
            _module.zero_grad();
            var loss = nn.functional.cross_entropy(_module.forward(_images), _labels);
            loss.backward();
            loss.item<float>();
        }

        public void Dispose()
        {
            _module.Dispose();
            _images.Dispose();
            _labels.Dispose();
        }
    }
}
