using System.CommandLine;
using Akka.Configuration;
using SignActors.Host.Bench;
using SignActors.Host.Configuration;
using SignActors.Training.Algorithms;

namespace SignActors.Host;

public static class Program
{
    public static int Main(string[] args) => BuildCommand(Console.Out, Console.Error).Parse(args).Invoke();

    public static RootCommand BuildCommand(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("SignActors: sign-based distributed training on Akka.NET actors and TorchSharp.");

        var configArgument = new Argument<string?>("config") { Description = "HOCON file; the embedded reference.conf when omitted", Arity = ArgumentArity.ZeroOrOne };
        var run = new Command("run", "Train a federation in one process (the main job).") { configArgument };
        run.SetAction(parse => Guarded(stderr, () => RunCommand(parse.GetValue(configArgument), stdout)));
        root.Subcommands.Add(run);

        var dims = new Option<int[]>("--d") { Description = "dimensions d to measure", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => KernelBench.DefaultDimensions.ToArray() };
        var nodes = new Option<int[]>("--n") { Description = "vote counts n to measure", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => KernelBench.DefaultNodes.ToArray() };
        var minMs = new Option<double>("--min-ms") { Description = "minimum measured time per kernel", DefaultValueFactory = _ => 300 };
        var bench = new Command("bench", "Time the packed-sign kernels against baselines measured in the same run.") { dims, nodes, minMs };
        bench.SetAction(parse => Guarded(stderr, () =>
        {
            new KernelBench(stdout, parse.GetValue(minMs)).Run(parse.GetValue(dims)!, parse.GetValue(nodes)!);
            return 0;
        }));
        root.Subcommands.Add(bench);
        return root;
    }

    /// <summary>
    /// Until the in-process federation lands (issue: "The federation in one process"), `run`
    /// resolves and validates the config and prints what it would train.
    /// </summary>
    static int RunCommand(string? path, TextWriter stdout)
    {
        var config = RunConfig.Load(path);
        int nodes = config.GetInt("signactors.nodes");
        if (nodes < 1) throw new ConfigurationException($"signactors.nodes must be ≥ 1, got {nodes}");
        long rounds = config.GetLong("signactors.rounds");
        if (rounds < 1) throw new ConfigurationException($"signactors.rounds must be ≥ 1, got {rounds}");
        var spec = AlgorithmSettings.Read(config, nodes);
        var schedule = AlgorithmSettings.ReadSchedule(config, rounds);

        stdout.WriteLine($"config: {path ?? "embedded reference.conf"}");
        stdout.WriteLine(config.GetConfig("signactors").Root.ToString(2));
        stdout.WriteLine();
        stdout.WriteLine($"resolved algorithm \"{spec.Name}\" for n={nodes}:");
        stdout.WriteLine($"  estimator  {Names.Of(spec.Estimator.Kind)} (beta {spec.Estimator.Beta})");
        stdout.WriteLine($"  uplink     {Names.Of(spec.Uplink.Kind)}{(spec.Uplink.Kind == UplinkKind.StochasticSign ? $" (R = {spec.Uplink.Radius?.ToString() ?? "auto"})" : "")}, {spec.UplinkBitsPerCoordinate} bit/coordinate");
        stdout.WriteLine($"  aggregator {Names.Of(spec.Aggregator.Kind)}{(spec.Aggregator.Kind is AggregatorKind.MajorityVote or AggregatorKind.ScaledMajority ? $" (ties: {Names.Of(spec.Aggregator.TieBreak)})" : "")}");
        stdout.WriteLine($"  update     {spec.Update}{(spec.Update == UpdateKind.Optimizer ? $" ({Names.Of(spec.Optimizer.Kind)})" : "")}, weight decay {spec.WeightDecay}");
        stdout.WriteLine($"  η_1 = {schedule.At(1)}, η_T = {schedule.At(rounds)} over T = {rounds} rounds");
        stdout.WriteLine();
        stdout.WriteLine("The federation itself (actors, data, models) lands with the next issues; this build resolves and validates the run.");
        return 0;
    }

    /// <summary>Bad input ends in one line naming what is wrong, and exit code 2.</summary>
    static int Guarded(TextWriter stderr, Func<int> body)
    {
        try { return body(); }
        catch (ConfigurationException e)
        {
            stderr.WriteLine($"signactors: {e.Message}");
            return 2;
        }
    }
}
