using System.CommandLine;
using Akka.Configuration;
using SignActors.Host.Bench;
using SignActors.Host.Configuration;
using SignActors.Host.Experiments;
using SignActors.Training.Faults;
using SignActors.Training.Algorithms;
using SignActors.Training.Data;
using SignActors.Training.Models;
using TorchSharp;

namespace SignActors.Host;

public static class Program
{
    public static int Main(string[] args) => BuildCommand(Console.Out, Console.Error).Parse(args).Invoke();

    public static RootCommand BuildCommand(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("SignActors: sign-based distributed training on Akka.NET actors and TorchSharp.");

        var configArgument = new Argument<string?>("config") { Description = "HOCON file; the embedded reference.conf when omitted", Arity = ArgumentArity.ZeroOrOne };
        var resume = new Option<string?>("--resume") { Description = "continue from a checkpoint.bin written by the same config" };
        var run = new Command("run", "Train a federation in one process (the main job).") { configArgument, resume };
        run.SetAction(parse => Guarded(stderr, () => Federation.RunCommand.Execute(parse.GetValue(configArgument), stdout, parse.GetValue(resume))));
        root.Subcommands.Add(run);

        var dims = new Option<int[]>("--d") { Description = "dimensions d to measure", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => KernelBench.DefaultDimensions.ToArray() };
        var nodes = new Option<int[]>("--n") { Description = "vote counts n to measure", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => KernelBench.DefaultNodes.ToArray() };
        var minMs = new Option<double>("--min-ms") { Description = "minimum measured time per kernel", DefaultValueFactory = _ => 300 };
        var suite = new Option<string[]>("--suite") { Description = "kernels, training, federation, votes (any of them; votes: aggregation per vote from n = 8 to 10,000, not run by default)", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => new[] { "kernels", "training", "federation" } };
        var rounds = new Option<int>("--rounds") { Description = "rounds of the n = 8 federation scenario", DefaultValueFactory = _ => 200 };
        var scaling = new Option<int[]>("--scaling-nodes") { Description = "federation sizes of the mlp scaling scenario", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => new[] { 8, 32, 128 } };
        var models = new Option<string[]>("--models") { Description = "models for the training suite", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => TrainingBench.DefaultModels.ToArray() };
        var batches = new Option<int[]>("--batch") { Description = "batch sizes for the training suite", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => new[] { 32, 128 } };
        var threads = new Option<int[]>("--threads") { Description = "torch thread counts for the training suite", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => new[] { 1, 2 } };
        var bench = new Command("bench", "Time the packed-sign kernels and the training step against baselines measured in the same run.") { dims, nodes, minMs, suite, models, batches, threads, rounds, scaling };
        bench.SetAction(parse => Guarded(stderr, () =>
        {
            var suites = parse.GetValue(suite)!;
            foreach (var s in suites)
                if (s is not ("kernels" or "training" or "federation" or "votes")) throw new ConfigurationException($"--suite: '{s}' is not one of kernels, training, federation, votes");
            foreach (var m in parse.GetValue(models)!)
                if (!Training.Spellings.Model.TryParse(m, out _)) throw new ConfigurationException($"--models = \"{m}\" is not one of: {Training.Spellings.Model.Choices}");
            if (suites.Contains("kernels")) new KernelBench(stdout, parse.GetValue(minMs)).Run(parse.GetValue(dims)!, parse.GetValue(nodes)!);
            if (suites.Contains("votes")) new KernelBench(stdout, parse.GetValue(minMs)).RunVoteScaling(100_000, KernelBench.ScalingNodes);
            if (suites.Contains("training")) new TrainingBench(stdout, parse.GetValue(minMs)).Run(parse.GetValue(models)!, parse.GetValue(batches)!, parse.GetValue(threads)!);
            if (suites.Contains("federation"))
            {
                int r = parse.GetValue(rounds);
                if (r < 10) throw new ConfigurationException($"--rounds: at least 10, got {r}");
                new FederationBench(stdout, Environment.ProcessorCount).Run(r, parse.GetValue(scaling)!, Math.Max(10, r / 10));
            }
            return 0;
        }));
        root.Subcommands.Add(bench);

        var baselineConfig = new Argument<string?>("config") { Description = "HOCON file (data and model sections); the embedded reference.conf when omitted", Arity = ArgumentArity.ZeroOrOne };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd or signsgd", DefaultValueFactory = _ => "sgd" };
        var epochs = new Option<int>("--epochs") { Description = "passes over the training set", DefaultValueFactory = _ => 10 };
        var steps = new Option<int>("--steps") { Description = "stop after this many steps (0: after --epochs passes)", DefaultValueFactory = _ => 0 };
        var eta = new Option<double>("--lr") { Description = "learning rate η", DefaultValueFactory = _ => 0.05 };
        var baseline = new Command("baseline", "Train one model centrally (SGD or signSGD) on the configured data: the reference for a federation.") { baselineConfig, optimizer, epochs, steps, eta };
        baseline.SetAction(parse => Guarded(stderr, () =>
        {
            var config = RunConfig.Load(parse.GetValue(baselineConfig));
            var data = DataSettings.Read(config);
            var model = ModelSettings.Read(config);
            ulong seed = (ulong)new SettingsReader(config, ConfigKeys.Root).Long("seed", 0);
            torch.set_num_threads(model.TorchThreads);
            var (train, test) = data.Load(line => stdout.WriteLine(line));
            try
            {
                var split = ValidationSplit.Hold(train.Labels(), data.Validation, seed);
                int passes = parse.GetValue(epochs), limit = parse.GetValue(steps);
                if (passes < 1 && limit < 1) throw new ConfigurationException("--epochs or --steps: at least one step");
                Baselines.CentralisedTraining.Run(train, test, split, ModelSpec.For(model.Kind, train), parse.GetValue(optimizer)!,
                    limit > 0 ? limit : passes * (split.Training.Length / model.BatchSize), parse.GetValue(eta), model.BatchSize, seed, stdout);
            }
            catch (ArgumentException e) { throw RunConfig.Invalid("", e); }
            return 0;
        }));
        root.Subcommands.Add(baseline);
        root.Subcommands.Add(Experiments.ByzantineCommand.Build(stdout, body => Guarded(stderr, body)));
        var experimentFile = new Argument<string>("config") { Description = "HOCON file with signactors settings and an experiment { name, directory, grid { … } } section" };
        var experiment = new Command("experiment", "Run a grid of federations (presets × seeds × any key), skipping finished runs; summary table and plots.") { experimentFile };
        experiment.SetAction(parse => Guarded(stderr, () => GridExperiment.Execute(parse.GetValue(experimentFile)!, stdout)));
        root.Subcommands.Add(experiment);
        var plotDirectory = new Argument<string>("directory") { Description = "an experiment folder, or a folder of run folders" };
        var againstTime = new Option<bool>("--against-time") { Description = "x = wall-clock seconds (elapsed_s) instead of the round; files end in -vs-time.png" };
        var plot = new Command("plot", "Draw training loss, test accuracy, ‖∇f‖₁ and ‖∇f‖₂ against round (or wall-clock time) for finished runs.") { plotDirectory, againstTime };
        plot.SetAction(parse => Guarded(stderr, () => GridExperiment.Plot(parse.GetValue(plotDirectory)!, stdout, parse.GetValue(againstTime))));
        root.Subcommands.Add(plot);
        root.Subcommands.Add(Cluster.ClusterCommands.Server(stdout, body => Guarded(stderr, body)));
        root.Subcommands.Add(Cluster.ClusterCommands.Worker(stdout, body => Guarded(stderr, body)));
        return root;
    }

    /// <summary>Bad input ends in one line naming what is wrong, and exit code 2.</summary>
    static int Guarded(TextWriter stderr, Func<int> body)
    {
        try { return body(); }
        catch (Exception e) when (e is ConfigurationException or DataFileException or SignActors.Training.Runs.CheckpointException)
        {
            stderr.WriteLine($"signactors: {e.Message}");
            return 2;
        }
    }
}
