using System.CommandLine;
using System.Globalization;
using Akka.Configuration;
using SignActors.Runtime.Configuration;
using SignActors.Training.Algorithms;
using SignActors.Training.Faults;

using SignActors.Experiments;

namespace SignActors.Host.Commands;

/// <summary>
/// `signactors byzantine [config]`: writes the tuned Byzantine sweep (<see cref="ByzantineExperiment"/>)
/// as <c>byzantine.conf</c> in its folder and runs it with <see cref="GridExperiment"/>. The folder is
/// named by a hash of the sweep, so the same command resumes it. Without a config the sweep runs on
/// the reference settings with the MLP, small enough to finish in minutes on a laptop's CPU.
/// </summary>
public static class ByzantineVerb
{
    /// <summary>The contenders by name: majority vote (the sign method), and the float32 mean and robust baselines.</summary>
    static readonly string[] Contenders = { "majority", "mean", "median", "trimmed-mean", "krum" };

    public static Command Build(TextWriter stdout, Guard guard)
    {
        var config = new Argument<string?>("config") { Description = "HOCON file (nodes, data, model, seed); without one, the reference settings with model.name = mlp", Arity = ArgumentArity.ZeroOrOne };
        var rounds = new Option<long>("--rounds") { Description = "rounds per run", DefaultValueFactory = _ => 100 };
        var tuningRounds = new Option<long?>("--tuning-rounds") { Description = "rounds per tuning run (default: --rounds)" };
        var attacks = new Option<string[]>("--attacks") { Description = string.Join(", ", ByzantineExperiment.Attacks.Select(ByzantineExperiment.Name)), AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => ByzantineExperiment.Attacks.Select(ByzantineExperiment.Name).ToArray() };
        var attackers = new Option<string?>("--attackers") { Description = "the Byzantine counts f ≥ 1 to sweep, like 1,2,4 (default 1 … ⌈n/2⌉)" };
        var contenders = new Option<string[]>("--contenders") { Description = string.Join(", ", Contenders), AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => Contenders };
        var majority = new Option<string[]>("--majority-preset") { Description = "the majority-vote contenders, one or more (signum, mvsm-v2, signsgd, …)", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => new[] { "signum" } };
        var signLrs = new Option<string>("--sign-lrs") { Description = "the step sizes the sign method is tuned over", DefaultValueFactory = _ => "0.003,0.001,0.0003,0.0001" };
        var floatLrs = new Option<string>("--float-lrs") { Description = "the step sizes the float32 contenders are tuned over", DefaultValueFactory = _ => "1,0.3,0.1,0.03" };
        var betas = new Option<string>("--betas") { Description = "the β a momentum contender is tuned over", DefaultValueFactory = _ => "0.9,0.5,0.1" };
        var validation = new Option<double?>("--validation") { Description = "validation fraction for tuning (default: the config's, or 0.1 when it has none)" };
        var sample = new Option<int>("--omniscient-sample") { Description = "training records for the omniscient attackers' full gradient (0 = all)", DefaultValueFactory = _ => 256 };
        var seeds = new Option<string?>("--seeds") { Description = "seeds of the final runs, like 1,2,3; default: the config's seed" };
        var tuningSeed = new Option<ulong?>("--tuning-seed") { Description = "the seed of the tuning runs (default: the first of --seeds)" };
        var experimentOptions = new GridExperiment.CommandOptions();
        var choice = new Option<string>("--attacker-choice") { Description = "which nodes attack: first (ids 0..f−1) or random (f drawn on each seed's stream, so an attack is not tied to those nodes' data)", DefaultValueFactory = _ => "first" };
        var outputDir = new Option<string?>("--output") { Description = "the experiment folder; default <output.directory>/byzantine-<hash of the sweep>, so the same command resumes" };
        var command = new Command("byzantine", "The headline experiment: majority vote against the float32 mean, median, trimmed mean and Krum as the number of Byzantine nodes grows, "
            + "per attack and in the worst case; each aggregator's step size tuned once at f = 0 on validation data. Writes byzantine.conf and runs it; runs resume.")
            { config, rounds, tuningRounds, attacks, attackers, contenders, majority, signLrs, floatLrs, betas, validation, sample, seeds, tuningSeed, choice, outputDir };
        foreach (var option in experimentOptions.All) command.Options.Add(option);
        command.SetAction(parse => guard(() =>
        {
            string? file = parse.GetValue(config);
            var resolved = file is null ? ConfigurationFactory.ParseString("signactors.model.name = mlp").WithFallback(RunConfig.Reference) : RunConfig.Load(file);
            var settings = RunSettings.Read(resolved);
            int n = settings.Contract.Nodes;
            long r = Positive("--rounds", parse.GetValue(rounds)), tr = Positive("--tuning-rounds", parse.GetValue(tuningRounds) ?? r);
            var chosen = parse.GetValue(attacks)!.Select(a => ByzantineExperiment.Attacks.FirstOrDefault(x => ByzantineExperiment.Name(x) == a, (ByzantineAttack)(-1))).ToArray();
            if (chosen.Any(a => (int)a < 0)) throw new ConfigurationException($"--attacks: each one of {string.Join(", ", ByzantineExperiment.Attacks.Select(ByzantineExperiment.Name))}");
            var given = parse.GetValue(attackers) is { } text ? Numbers("--attackers", text) : Enumerable.Range(1, (n + 1) / 2).Select(f => (double)f).ToArray();
            if (given.Any(f => f > n || f != Math.Floor(f))) throw new ConfigurationException($"--attackers: whole numbers in 1..{n}");
            var fs = given.Select(f => (int)f).Distinct().Order().ToArray();
            var signRates = Numbers("--sign-lrs", parse.GetValue(signLrs)!);
            var floatRates = Numbers("--float-lrs", parse.GetValue(floatLrs)!);
            var momentumBetas = Numbers("--betas", parse.GetValue(betas)!);
            var voters = parse.GetValue(majority)!.Distinct().Select(sign =>
            {
                AlgorithmSpec signSpec;
                try { signSpec = Presets.Resolve(sign, n); }
                catch (ArgumentException e) { throw RunConfig.Invalid("--majority-preset", e); }
                var momentum = signSpec.Estimator.Kind is EstimatorKind.Momentum or EstimatorKind.Storm ? momentumBetas : Array.Empty<double>();
                return new ContenderSpec($"majority ({sign})", sign, signRates, momentum);
            }).ToArray();
            var all = new Dictionary<string, ContenderSpec[]>
            {
                ["majority"] = voters,
                ["mean"] = new[] { new ContenderSpec("mean (sgd)", "sgd", floatRates, Array.Empty<double>()) },
                ["median"] = new[] { new ContenderSpec("median", "median-sgd", floatRates, Array.Empty<double>()) },
                ["trimmed-mean"] = new[] { new ContenderSpec("trimmed mean", "trimmed-mean-sgd", floatRates, Array.Empty<double>()) },
                ["krum"] = new[] { new ContenderSpec("krum", "krum-sgd", floatRates, Array.Empty<double>()) },
            };
            var picked = parse.GetValue(contenders)!.Distinct().SelectMany(c => all.TryGetValue(c, out var x) ? x : throw new ConfigurationException($"--contenders: \"{c}\" is not one of: {string.Join(", ", Contenders)}")).ToArray();
            double split = parse.GetValue(validation) ?? (settings.Data.Validation > 0 ? settings.Data.Validation : 0.1);
            if (!(split > 0 && split < 1)) throw new ConfigurationException($"--validation: a fraction in (0, 1), got {split}");
            var seedList = parse.GetValue(seeds) is { } s
                ? s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(x => ulong.TryParse(x, out ulong v) ? v : throw new ConfigurationException($"--seeds: \"{x}\" is not a seed")).ToArray()
                : new[] { settings.Contract.Seed };
            ulong tuneAt = parse.GetValue(tuningSeed) ?? seedList[0];
            int omniscient = parse.GetValue(sample);
            bool random = parse.GetValue(choice) switch { "first" => false, "random" => true, var x => throw new ConfigurationException($"--attacker-choice: \"{x}\" is not one of: first, random") };
            string Grid(string directory, string name) => ByzantineExperiment.Write(resolved, picked, chosen, fs, r, tr, omniscient, split, seedList, tuneAt, directory, name, random);
            string folder = Path.GetFullPath(parse.GetValue(outputDir)
                ?? Path.Combine(settings.Output.Directory, $"byzantine-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Grid("", ""))))[..8]}"));
            Directory.CreateDirectory(folder);
            string experiment = Path.Combine(folder, "byzantine.conf");
            File.WriteAllText(experiment, "# Written by `signactors byzantine`; `signactors experiment` on this file runs (and resumes) the same sweep.\n"
                + "# Scale it up here: more seeds, a wider tuning grid (each aggregator's tune { … }), more rounds.\n"
                + Grid(Portable(Path.GetDirectoryName(folder)!), Path.GetFileName(folder)));
            if (file is null) stdout.WriteLine("no config given: the reference settings with model.name = mlp");
            // Chance (1 / classes) for the collapse verdict: the classes of the training labels, read once at the end.
            return GridExperiment.Execute(experiment, stdout, (root, runs, degraded) => new ByzantineExperiment(stdout).Summarise(root, runs, picked, chosen, fs, n,
                settings.Data.Load(_ => { }).Train.Classes, r, omniscient, degraded, random), experimentOptions.Read(parse));
        }));
        return command;
    }

    /// <summary>A folder under the working directory as a relative path, so a committed sweep file runs in a clone elsewhere.</summary>
    static string Portable(string folder) =>
        Path.GetRelativePath(Environment.CurrentDirectory, folder) is var relative && !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative) ? relative : folder;

    static long Positive(string option, long value) => value >= 1 ? value : throw new ConfigurationException($"{option}: at least 1, got {value}");

    static double[] Numbers(string option, string text)
    {
        var values = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(x => double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && double.IsFinite(v) ? v : throw new ConfigurationException($"{option}: \"{x}\" is not a positive number")).ToArray();
        return values.Length > 0 ? values : throw new ConfigurationException($"{option}: give at least one value, like 0.1,0.01");
    }
}
