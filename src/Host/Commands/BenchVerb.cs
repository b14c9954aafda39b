using System.CommandLine;
using Akka.Configuration;
using SignActors.Bench;

namespace SignActors.Host.Commands;

/// <summary>`signactors bench [--suite …]`: the kernel, training-step, federation, link, scale and TorchScript benchmarks, each against a baseline of the same run.</summary>
public static class BenchVerb
{
    public static Command Build(TextWriter stdout, Guard guard)
    {
        var dims = new Option<int[]>("--d") { Description = "dimensions d to measure", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => KernelBench.DefaultDimensions.ToArray() };
        var nodes = new Option<int[]>("--n") { Description = "vote counts n to measure", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => KernelBench.DefaultNodes.ToArray() };
        var minMs = new Option<double>("--min-ms") { Description = "minimum measured time per kernel", DefaultValueFactory = _ => 300 };
        var suite = new Option<string[]>("--suite") { Description = "kernels, training, federation, votes, scale, link, torchscript (any of them; not run by default — torchscript: node compute with --torchscript-file against the zoo's cnn-small, --pairs pairs; link: large votes between two cluster hosts, raw Akka.Remote against the host link and Akka.Delivery; votes: aggregation per vote from n = 8 to 10,000; scale: cnn-small federations of up to 10,000 nodes in one process, each in a child process, about 25 minutes on 2 cores)", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => new[] { "kernels", "training", "federation" } };
        var rounds = new Option<int>("--rounds") { Description = "rounds of the n = 8 federation scenario", DefaultValueFactory = _ => 200 };
        var scaling = new Option<int[]>("--scaling-nodes") { Description = "federation sizes of the mlp scaling scenario", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => new[] { 8, 32, 128 } };
        var models = new Option<string[]>("--models") { Description = "models for the training suite", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => TrainingBench.DefaultModels.ToArray() };
        var batches = new Option<int[]>("--batch") { Description = "batch sizes for the training suite", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => new[] { 32, 128 } };
        var threads = new Option<int[]>("--threads") { Description = "torch thread counts for the training suite", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => new[] { 1, 2 } };
        var scaleNodes = new Option<int[]>("--scale-nodes") { Description = "federation sizes of the scale suite", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => new[] { 8, 100, 1000, 10000 } };
        var scaleRounds = new Option<int>("--scale-rounds") { Description = "rounds per point of the scale suite (throughput from the second on)", DefaultValueFactory = _ => 3 };
        var perNodeUpTo = new Option<int>("--per-node-up-to") { Description = "the scale suite also measures replicas = per-node up to this many nodes", DefaultValueFactory = _ => 1000 };
        var linkVotes = new Option<string>("--link-votes") { Description = "the link suite's votes: float32, 1-bit or both", DefaultValueFactory = _ => "both" };
        var linkRepeats = new Option<int>("--link-repeats") { Description = "repeats of the link suite's ways (interleaved)", DefaultValueFactory = _ => 3 };
        var linkWindow = new Option<int>("--link-window") { Description = "the link suite's chunks in flight per pair of hosts, for the host link and Akka.Delivery alike", DefaultValueFactory = _ => SignActors.Messages.Transport.LinkSettings.Reference.Window };
        var linkWays = new Option<string[]>("--link-ways") { Description = "the link suite's ways: raw, link, delivery (delivery: float32 votes only)", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => new[] { "raw", "link", "delivery" } };
        var overheadModels = new Option<string[]>("--overhead-models") { Description = "models of the training suite's node-compute ÷ minimal-loop pairs", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => StepOverheadBench.DefaultModels.ToArray() };
        var pairs = new Option<int>("--pairs") { Description = "interleaved pairs of the training suite's node-compute ÷ minimal-loop ratio (at least 6 for an interval; 0 skips it)", DefaultValueFactory = _ => 6 };
        var torchscriptFile = new Option<string>("--torchscript-file") { Description = "the torchscript suite's model: a cnn-small export taking 1×28×28 images of 10 classes", DefaultValueFactory = _ => "tests/SignActors.Tests/Models/TorchScript/cnn-small-1x10.pt" };
        var scalePoint = new Option<string?>("--scale-point") { Description = "one point of the scale suite (nodes,replicas,rounds), as its child process runs it", Hidden = true };
        var bench = new Command("bench", "Time the packed-sign kernels and the training step against baselines measured in the same run.") { dims, nodes, minMs, suite, models, batches, threads, rounds, scaling, scaleNodes, scaleRounds, perNodeUpTo, linkVotes, linkRepeats, linkWindow, linkWays, overheadModels, pairs, torchscriptFile, scalePoint };
        bench.SetAction(parse => guard(() =>
        {
            var suites = parse.GetValue(suite)!;
            foreach (var s in suites)
                if (s is not ("kernels" or "training" or "federation" or "votes" or "scale" or "link" or "torchscript")) throw new ConfigurationException($"--suite: '{s}' is not one of kernels, training, federation, votes, scale, link, torchscript");
            if (parse.GetValue(scalePoint) is { } point)
            {
                var (n, mode, r) = ScalePoint(point);
                new ScaleBench(stdout).RunPoint(n, mode, r);
                return 0;
            }
            foreach (var m in parse.GetValue(models)!.Concat(parse.GetValue(overheadModels)!))
                if (!TrainingBench.DefaultModels.Contains(m)) throw new ConfigurationException($"--models = \"{m}\" is not one of: {string.Join(", ", TrainingBench.DefaultModels)} (a TorchScript file: --suite torchscript)");
            if (suites.Contains("kernels")) new KernelBench(stdout, parse.GetValue(minMs)).Run(parse.GetValue(dims)!, parse.GetValue(nodes)!);
            if (suites.Contains("votes")) new KernelBench(stdout, parse.GetValue(minMs)).RunVoteScaling(100_000, KernelBench.ScalingNodes);
            if (suites.Contains("training"))
            {
                int p = parse.GetValue(pairs);
                if (p < 0) throw new ConfigurationException($"--pairs: 0 or more, got {p}");
                new TrainingBench(stdout, parse.GetValue(minMs)).Run(parse.GetValue(models)!, parse.GetValue(batches)!, parse.GetValue(threads)!);
                if (p > 0) new StepOverheadBench(stdout, parse.GetValue(minMs)).Run(parse.GetValue(overheadModels)!, p);
            }
            if (suites.Contains("federation"))
            {
                int r = parse.GetValue(rounds);
                if (r < 10) throw new ConfigurationException($"--rounds: at least 10, got {r}");
                new FederationBench(stdout, Environment.ProcessorCount).Run(r, parse.GetValue(scaling)!, Math.Max(10, r / 10));
            }
            if (suites.Contains("torchscript"))
            {
                int p = parse.GetValue(pairs);
                if (p < 6) throw new ConfigurationException($"--pairs: the torchscript suite needs at least 6 for an interval, got {p}");
                new StepOverheadBench(stdout, parse.GetValue(minMs)).RunTorchScript(parse.GetValue(torchscriptFile)!, p);
            }
            if (suites.Contains("link")) new LinkBench(stdout).Run(parse.GetValue(linkRepeats), parse.GetValue(linkVotes)!, parse.GetValue(linkWindow), parse.GetValue(linkWays)!);
            if (suites.Contains("scale")) new ScaleBench(stdout).Run(parse.GetValue(scaleNodes)!, parse.GetValue(scaleRounds), parse.GetValue(perNodeUpTo));
            return 0;
        }));
        return bench;
    }

    static (int Nodes, Node.Replicas.ReplicaMode Mode, int Rounds) ScalePoint(string point)
    {
        var parts = point.Split(',');
        if (parts.Length != 3 || !int.TryParse(parts[0], out int n) || n < 1 || parts[1] is not ("per-host" or "per-node") || !int.TryParse(parts[2], out int r) || r < 2)
            throw new ConfigurationException($"--scale-point: '{point}' is not nodes,per-host|per-node,rounds");
        return (n, parts[1] == "per-host" ? Node.Replicas.ReplicaMode.PerHost : Node.Replicas.ReplicaMode.PerNode, r);
    }
}
