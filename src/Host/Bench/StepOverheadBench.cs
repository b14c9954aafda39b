using System.Diagnostics;
using Akka.Configuration;
using SignActors.Host.Configuration;
using SignActors.Messages.Protocol;
using SignActors.Node;
using SignActors.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SignActors.Host.Bench;

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
            using var loop = new MinimalLoop(ModelSpec.For(spec.Model, train), spec.BatchSize, spec.Seed);
            long round = 0;
            double NodeSide() => Median(() =>
            {
                round++;
                var start = new StartRound(round, spec.LearningRate(round), null, 0);
                long t0 = Stopwatch.GetTimestamp();
                var vote = node.ComputeVote(start) ?? throw new InvalidOperationException($"node 0 did not vote in round {round}");
                double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                node.Apply(new Aggregate(round, vote.Payload, start.LearningRate)); // step 5, not timed
                return ms;
            });
            double LoopSide() => Median(() => { long t0 = Stopwatch.GetTimestamp(); loop.Step(); return Stopwatch.GetElapsedTime(t0).TotalMilliseconds; });
            NodeSide(); LoopSide(); // warm-up: JIT tiers, libtorch's first allocations
            var ratios = new List<double>();
            var nodeMs = new List<double>();
            var loopMs = new List<double>();
            for (int p = 0; p < pairs; p++)
            {
                double a, b;
                if (p % 2 == 0) { a = NodeSide(); b = LoopSide(); }
                else { b = LoopSide(); a = NodeSide(); }
                nodeMs.Add(a); loopMs.Add(b); ratios.Add(a / b);
                output.WriteLine($"  {name,-10} pair {p + 1}: node {a,9:F1} ms  loop {b,9:F1} ms  ratio {a / b:F3}");
            }
            torch.set_num_threads(before);
            var ratio = PairedRatio.Of(ratios);
            double nodeMedian = PairedRatio.Of(nodeMs).Median, loopMedian = PairedRatio.Of(loopMs).Median;
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
