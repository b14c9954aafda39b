using SignActors.Host;
using Xunit;

namespace SignActors.Tests.Host;

/// <summary>In-process runs share NLog's one configuration: they run one at a time.</summary>
[Collection("host-runs")]
public class CommandTests
{
    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.BuildCommand(stdout, stderr).Parse(args).Invoke();
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A small synthetic set in a temporary cache, so tests never write to the user's cache.</summary>
    static readonly string SmallData =
        $"signactors.data {{ cache-directory = \"{Path.Combine(Path.GetTempPath(), "signactors-test-cache")}\", synthetic {{ train-per-class = 3, test-per-class = 1 }} }}\n"
        + "signactors { rounds = 2, evaluation.probe-records = 50 }\n";

    /// <summary>Runs write under a fresh temporary folder, never into the working directory.</summary>
    static string Output(string directory) => $"signactors.output.directory = \"{directory}\"\n";

    static string TemporaryDirectory() => Path.Combine(Path.GetTempPath(), $"signactors-runs-{Guid.NewGuid():N}");

    static string WriteConfig(string text)
    {
        text = SmallData + text;
        string path = Path.Combine(Path.GetTempPath(), $"signactors-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Run_on_the_embedded_defaults_trains_mvsm_and_writes_the_run_directory()
    {
        string runs = TemporaryDirectory();
        var (code, output, error) = Run("run", WriteConfig(Output(runs)));
        Assert.True(code == 0, output + error);
        Assert.Contains("algorithm \"mvsm-v1\" for n = 8", output);
        Assert.Contains("stochastic-sign (R = per-tensor-rms)", output);
        Assert.Contains("data: 300 train records", output);
        Assert.Contains("partition label-skew(13 classes per node) over 100 classes:", output);
        Assert.Equal(8, output.Split('\n').Count(l => l.Contains(" classes") && l.TrimStart().StartsWith("node ")));
        Assert.Contains("model cnn-small (d = 254,084) on cpu", output);
        Assert.Contains("round     2/2", output);
        Assert.Contains("done: 2 rounds completed; all 8 replicas bit-identical to the server after every round", output);

        var directory = Assert.Single(Directory.GetDirectories(runs));
        Assert.EndsWith("-mvsm-v1", directory);
        var metrics = File.ReadAllLines(Path.Combine(directory, "metrics.csv"));
        Assert.Equal(SignActors.Server.Metrics.RoundMetrics.Columns, metrics[0].Split(','));
        Assert.Equal(3, metrics.Length);
        var last = metrics[2].Split(',');
        Assert.Equal("2", last[0]);
        Assert.Equal("8", last[5]); // votes accepted
        Assert.NotEqual("", last[16]); // test accuracy after the last round
        Assert.Contains("8 of 8 nodes registered", File.ReadAllText(Path.Combine(directory, "run.log"))); // Akka's log, through NLog
        Assert.Equal(254_084 * 4, new FileInfo(Path.Combine(directory, "final-parameters.bin")).Length);

        // The written config is a config file that reproduces the run bit for bit.
        string hash = output.Split('\n').Single(l => l.StartsWith("final parameter hash ")).Trim();
        var (again, output2, _) = Run("run", Path.Combine(directory, "config.conf"));
        Assert.Equal(0, again);
        Assert.Contains(hash, output2);
        Directory.Delete(runs, recursive: true);
    }

    [Fact]
    public void Resume_refuses_a_checkpoint_of_another_run()
    {
        string runs = TemporaryDirectory();
        var (code, output, error) = Run("run", WriteConfig(Output(runs) + "signactors { nodes = 2, rounds = 3, checkpoint.every = 2, model.name = mlp }"));
        Assert.True(code == 0, output + error);
        string checkpoint = Path.Combine(Assert.Single(Directory.GetDirectories(runs)), "checkpoint.bin");
        Assert.True(File.Exists(checkpoint));
        (code, _, error) = Run("run", WriteConfig(Output(runs) + "signactors { nodes = 2, rounds = 3, seed = 9, model.name = mlp }"), "--resume", checkpoint);
        Assert.Equal(2, code);
        Assert.Equal($"signactors: {checkpoint}: written by a different run (its seed, nodes, rounds, algorithm, model, data or faults differ from this config's)", error.Trim());
        (code, output, _) = Run("run", WriteConfig(Output(runs) + "signactors { nodes = 2, rounds = 3, model.name = mlp, output.name = resumed }"), "--resume", checkpoint);
        Assert.Equal(0, code);
        Assert.Contains("resuming after round 2", output);
        Directory.Delete(runs, recursive: true);
    }

    [Fact]
    public void Weight_decay_set_in_the_config_is_applied_by_the_run()
    {
        // One round of signSGD-MV (2 nodes; the tie coins are the same in both runs): x_λ = x_1 − η(a + λ x_1) and
        // x_0 = x_1 − η a, so x_0 − x_λ = η λ x_1, with x_1 the seeded initial mlp for the CIFAR-format data.
        float[] Final(double lambda)
        {
            string runs = TemporaryDirectory();
            var (code, output, error) = Run("run", WriteConfig(Output(runs)
                + $"signactors {{ nodes = 2, rounds = 1, model.name = mlp, learning-rate.initial = 0.01, algorithm {{ preset = signsgd, weight-decay = {lambda} }} }}"));
            Assert.True(code == 0, output + error);
            var bytes = File.ReadAllBytes(Path.Combine(Assert.Single(Directory.GetDirectories(runs)), "final-parameters.bin"));
            Directory.Delete(runs, recursive: true);
            return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        }
        var plain = Final(0);
        var decayed = Final(0.5);
        using var model = new SignActors.Training.Models.FlatModel(SignActors.Training.Models.ModelSpec.Cifar100(SignActors.Training.Models.ModelKind.Mlp), 1);
        var x1 = model.CopyParameters();
        for (int k = 0; k < x1.Length; k++)
            if (!(Math.Abs(plain[k] - decayed[k] - 0.01 * 0.5 * x1[k]) <= 1e-6 * Math.Max(1, Math.Abs(x1[k]))))
                Assert.Fail($"coordinate {k}: {plain[k]} without decay, {decayed[k]} with, x_1 = {x1[k]}");
    }

    [Fact]
    public void A_user_file_overrides_over_the_reference()
    {
        string runs = TemporaryDirectory();
        var (code, output, _) = Run("run", WriteConfig(Output(runs) + "signactors { nodes = 1, model.name = mlp, algorithm { preset = ef-signsgd } }"));
        Assert.Equal(0, code);
        Assert.Contains("aggregator identity", output);
        Assert.Contains("ErrorFeedback", output);
        Directory.Delete(runs, recursive: true);
    }

    [Theory]
    [InlineData("signactors.algorithm.preset = nope", "unknown preset \"nope\"")]
    [InlineData("signactors.algorithm.uplink = two-bit", "signactors.algorithm.uplink = \"two-bit\" is not one of: sign, stochastic-sign, scaled-sign, float32")]
    [InlineData("signactors.algorithm.radius = -3", "signactors.algorithm.radius = \"-3\" must be a positive number, auto, per-tensor or per-tensor-rms")]
    [InlineData("signactors { algorithm.preset = ssvr, nodes = 4 }", "identity is for single-node runs")]
    [InlineData("signactors.learning-rate.schedule = exp", "is not one of: constant, step, cosine, inverse-sqrt, inverse")]
    [InlineData("signactors.nodes = 0", "signactors.nodes = 0 is out of range: 1..100000")]
    [InlineData("signactors.participation { per-round = 3, fraction = 0.5 }", "signactors.participation: set per-round or fraction, not both")]
    [InlineData("signactors.participation.per-round = 9", "signactors.participation.per-round = 9 is out of range: 1..8")]
    [InlineData("signactors.participation.fraction = 0", "signactors.participation.fraction must be in (0, 1], got 0")]
    [InlineData("signactors.nodes = 70000", "1-bit votes are counted in 16 bit planes, at most 65,535 per round, but there are 70,000 nodes")]
    [InlineData("signactors.nodes = many", "signactors.nodes = \"many\" is not a whole number")]
    [InlineData("signactors.algorithm.presett = signum", "unknown key signactors.algorithm.presett; did you mean signactors.algorithm.preset?")]
    [InlineData("signactors.learning-rate.intial = 0.1", "unknown key signactors.learning-rate.intial; did you mean signactors.learning-rate.initial?")]
    [InlineData("signactors.flux-capacitor = 1", "unknown key signactors.flux-capacitor; valid keys are under signactors")]
    [InlineData("signactors.data = 3", "signactors.data is a section; set the keys inside it")]
    [InlineData("signactors.verify-replicas = maybe", "signactors.verify-replicas = \"maybe\" is not one of on, off")]
    [InlineData("signactors.round-policy = sometimes", "signactors.round-policy = \"sometimes\" is not one of: wait-all, deadline")]
    [InlineData("signactors { round-policy = deadline, deadline.min-quorum = 9 }", "signactors.deadline.min-quorum = 9 is out of range: 1..8")]
    [InlineData("signactors.faults.byzantine = [ { first = 1, attack = evil } ]", "signactors.faults.byzantine[0].attack = \"evil\" is not one of: sign-flip, random, colluding, omniscient, alie, ipm")]
    [InlineData("signactors.faults.alie-z = large", "signactors.faults.alie-z = \"large\" is not a finite number")]
    [InlineData("signactors.faults.ipm-epsilon = -1", "signactors.faults.ipm-epsilon = -1 is out of range: 0..1000")]
    [InlineData("signactors.faults.stragglers = [ { first = 1, mean = 5, distribution = fixed } ]", "unknown key signactors.faults.stragglers[0].mean; did you mean signactors.faults.stragglers[0].mean-ms?")]
    [InlineData("signactors.faults.crashes = [ { nodes = [9], at-round = 2, for-rounds = 1 } ]", "signactors.faults.crashes[0].nodes: node id 9 is outside 0..7")]
    [InlineData("signactors.faults.stragglers = 5", "signactors.faults.stragglers must be a list of { … } entries")]
    [InlineData("signactors.faults.crashes = [ { at-round = 2, for-rounds = 1 } ]", "signactors.faults.crashes[0]: choose its nodes with exactly one of nodes = [ids], first = k, fraction = f, random = k")]
    [InlineData("signactors.faults.stragglers = [ { first = 1, probability = 2, distribution = fixed, mean-ms = 5 } ]", "signactors.faults.stragglers[0].probability = 2 is out of range: 0..1")]
    [InlineData("signactors.algorithm.beta = fast", "signactors.algorithm.beta = \"fast\" is not a finite number")]
    [InlineData("signactors.data.source = imagenet", "signactors.data.source = \"imagenet\" is not one of: synthetic, cifar100, idx")]
    [InlineData("signactors.data.source = cifar100", "signactors.data.directory: set it to the folder holding train.bin and test.bin")]
    [InlineData("signactors { algorithm.preset = ef-signsgd, rounds = 30, learning-rate { schedule = step, gamma = 0.01, every = 1 } }", "signactors.learning-rate: error feedback needs η_t > 0 in every round, but this schedule gives η = 0 in round 30")]
    [InlineData("signactors.data.partition.kind = stripes", "signactors.data.partition.kind = \"stripes\" is not one of: iid, label-skew, shards, dirichlet")]
    [InlineData("signactors.data { partition.kind = shards, partition.shards-per-node = 0 }", "signactors.data.partition.shards-per-node = 0 is out of range: 1..1000000")]
    [InlineData("signactors.data.validation = 1", "signactors.data.validation = 1 is out of range: 0..0.9")]
    [InlineData("signactors.data.labels = medium", "signactors.data.labels = \"medium\" is not one of: fine, coarse")]
    [InlineData("signactors.data.source = idx", "signactors.data.directory: set it to the folder holding the IDX files")]
    [InlineData("signactors.data { partition.kind = dirichlet, partition.alpha = 0 }", "dirichlet: alpha must be positive")]
    [InlineData("signactors.data.synthetic.train-per-class = 0", "synthetic train-per-class must be ≥ 1")]
    [InlineData("signactors.model.name = vgg", "signactors.model.name = \"vgg\" is not one of: mlp, cnn-small, resnet18, resnet50")]
    [InlineData("signactors.model.device = gpu", "signactors.model.device: device 'gpu' is not one of cpu, cuda, cuda:N, auto")]
    [InlineData("signactors.model.torch-threads = 0", "signactors.model.torch-threads = 0 is out of range: 1..1024")]
    public void Bad_settings_are_one_line_errors_with_exit_code_2(string hocon, string expected)
    {
        var (code, output, error) = Run("run", WriteConfig(hocon));
        Assert.Equal(2, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Equal("", output);
    }

    /// <summary>Partition limits depend on the classes present, so they are checked once the data is loaded.</summary>
    [Theory]
    [InlineData("signactors.data.partition.classes-per-node = 5", "signactors.data.partition: label-skew: 8 nodes × 5 classes-per-node = 40 < 100 classes present")]
    [InlineData("signactors.data.partition.classes-per-node = 101", "signactors.data.partition: label-skew: classes-per-node = 101, but the training data has only 100 classes")]
    public void A_partition_the_data_cannot_satisfy_is_a_one_line_error(string hocon, string expected)
    {
        var (code, _, error) = Run("run", WriteConfig(hocon));
        Assert.Equal(2, code);
        Assert.StartsWith($"signactors: {expected}", error.Trim());
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void A_bad_data_directory_is_a_one_line_error_naming_it()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"signactors-cifar-{Guid.NewGuid():N}");
        var (code, _, error) = Run("run", WriteConfig($"signactors.data {{ source = cifar100, directory = \"{directory}\" }}"));
        Assert.Equal(2, code);
        Assert.Equal($"signactors: {directory}: data directory not found (it should hold train.bin and test.bin)", error.Trim());

        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "train.bin"), new byte[3074 * 2 + 5]);
        (code, _, error) = Run("run", WriteConfig($"signactors.data {{ source = cifar100, directory = \"{directory}\" }}"));
        Assert.Equal(2, code);
        Assert.Contains("train.bin: 6,153 bytes is not a whole number of 3,074-byte CIFAR-100 records", error);
        Assert.Single(error.Trim().Split('\n'));
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var (code, _, error) = Run("run", "/nonexistent/x.conf");
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/x.conf does not exist", error);
    }

    [Fact]
    public void Bench_runs_on_tiny_sizes_and_prints_ratios()
    {
        var (code, output, _) = Run("bench", "--suite", "kernels", "--d", "1000", "--n", "3", "--min-ms", "0");
        Assert.Equal(0, code);
        Assert.Contains("| majority vote | 3 | 1,000 |", output);
        Assert.Contains("| S_1 (unbiased sign) | 3 |", output);
    }
}

/// <summary>In-process runs share NLog's one configuration: they run one at a time.</summary>
[Collection("host-runs")]
public class FaultConfigTests
{
    [Fact]
    public void The_byzantine_command_tunes_at_f_0_then_sweeps_attackers_and_writes_the_tables_csvs_and_plots()
    {
        string config = Path.Combine(Path.GetTempPath(), $"signactors-{Guid.NewGuid():N}.conf");
        File.WriteAllText(config, $$"""
            signactors {
              nodes = 3
              model { name = mlp, batch-size = 8 }
              data { cache-directory = "{{Path.Combine(Path.GetTempPath(), "signactors-test-cache")}}", synthetic { train-per-class = 3, test-per-class = 1 } }
              evaluation.probe-records = 30
            }
            """);
        string output = Path.Combine(Path.GetTempPath(), $"signactors-byz-{Guid.NewGuid():N}");
        string[] args = { "byzantine", config, "--rounds", "2", "--attacks", "sign-flip", "alie", "--contenders", "majority", "median", "krum",
            "--sign-lrs", "0.001", "--float-lrs", "0.1,0.01", "--omniscient-sample", "20", "--output", output };
        var stdout = new StringWriter();
        int code = SignActors.Host.Program.BuildCommand(stdout, new StringWriter()).Parse(args).Invoke();
        Assert.True(code == 0, stdout.ToString());

        // Tuned once per aggregator without attackers, on the validation split the command adds (the config has none).
        string grid = File.ReadAllText(Path.Combine(output, "byzantine.conf"));
        Assert.Contains("per = [aggregator]", grid);
        Assert.Contains("settings { faults.byzantine = [] }", grid);
        Assert.Contains("data.validation = 0.1", grid);
        var choices = File.ReadAllLines(Path.Combine(output, "tuning", "choices.csv"));
        Assert.Equal(1 + 3, choices.Length);
        Assert.Contains("every tuning run diverged or stopped", choices.Single(l => l.StartsWith("\"aggregator=krum\""))); // Krum needs n ≥ 5 even at f = 0

        var csv = File.ReadAllLines(Path.Combine(output, "results.csv"));
        Assert.Equal("aggregator,attack,attackers,test_accuracy,test_accuracy_std,test_accuracy_ci95,test_loss,bits_up_per_round,bits_down_per_round,seeds,completed,rounds,beyond_tolerance,refused,degraded,degraded_left_out", csv[0]);
        Assert.Equal(3 * (1 + 2 * 2), csv.Length - 1); // per aggregator: f = 0 once, then f = 1, 2 per attack
        Assert.Equal(1 + 3 * 3, File.ReadAllLines(Path.Combine(output, "worst-case.csv")).Length);
        var table = File.ReadAllText(Path.Combine(output, "results.md"));
        Assert.Contains("Worst case over the attacks", table);
        Assert.Contains("| aggregator | attack | f = 0 | f = 1 | f = 2 |", table);
        Assert.Contains("| majority (signum) | alie |", table);
        Assert.Contains("| median | sign-flip |", table);
        Assert.Contains("| krum | n/a | n/a | n/a |", table);
        Assert.Contains("tuned once at f = 0 on the validation split", table);
        Assert.Contains("- majority (signum) collapses (ends within 5 points of chance", table);
        // 1 bit a coordinate up against 32: the sign contender sends 1/32 of the float32 median's bits, plus its frames' headers (under 1 %).
        double BitsUp(string aggregator) => double.Parse(csv.Single(l => l.StartsWith($"\"{aggregator}\",none,0,")).Split(',')[7], System.Globalization.CultureInfo.InvariantCulture);
        double ratio = BitsUp("majority (signum)") / BitsUp("median");
        Assert.InRange(ratio, 1 / 32.0, 1.01 / 32);
        Assert.Contains("| majority (signum) |", table[table.IndexOf("| aggregator | bits up a round | bits down a round | up, relative to median |")..]);
        Assert.Contains("| vote aggregator | float32 aggregator | f | pairs | Δ worst-case accuracy | verdict |", table);
        foreach (var png in new[] { "accuracy-vs-attackers-sign-flip.png", "accuracy-vs-attackers-alie.png", "worst-case-vs-attackers.png" })
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(Path.Combine(output, png))[..4]);

        // The same command resumes: every completed run is skipped (signum tuned over 3 β, median over 2 η; the refused Krum runs are tried again, and refused again).
        stdout = new StringWriter();
        code = SignActors.Host.Program.BuildCommand(stdout, new StringWriter()).Parse(args).Invoke();
        Assert.Equal(0, code);
        Assert.Equal(3 + 2 + 10, stdout.ToString().Split('\n').Count(l => l.Contains("already complete, skipped")));
        Assert.Equal(csv.Length, File.ReadAllLines(Path.Combine(output, "results.csv")).Length);
        Directory.Delete(output, recursive: true);
    }

    [Fact]
    public void Participation_is_k_nodes_or_the_ceiling_of_a_fraction_and_min_quorum_follows_it()
    {
        string path = Path.Combine(Path.GetTempPath(), $"signactors-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, "signactors { participation.fraction = 0.3, round-policy = deadline }");
        var settings = SignActors.Runtime.Configuration.RunSettings.Read(SignActors.Runtime.Configuration.RunConfig.Load(path));
        Assert.Equal(3, settings.Contract.Participation.PerRound);             // ⌈0.3 · 8⌉
        Assert.Equal(2, settings.Contract.RoundPolicy.MinQuorum);              // auto: ⌈3 / 2⌉
        File.WriteAllText(path, "signactors.participation.per-round = 8");
        Assert.False(SignActors.Runtime.Configuration.RunSettings.Read(SignActors.Runtime.Configuration.RunConfig.Load(path)).Contract.Participation.Samples); // all 8: no sampling
        File.Delete(path);
    }

    [Fact]
    public void Fault_entries_select_nodes_by_id_first_k_or_fraction_and_combine()
    {
        string path = Path.Combine(Path.GetTempPath(), $"signactors-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, """
            signactors {
              round-policy = deadline
              deadline { round-ms = 750, max-extensions = 2 }
              faults {
                stragglers = [ { first = 2, distribution = log-normal, mean-ms = 300, sigma = 0.8 } ]
                crashes = [ { nodes = [6, 1], at-round = 10, for-rounds = 5 } ]
                byzantine = [ { fraction = 0.25, attack = colluding } ]
                omniscient-sample = 0
              }
            }
            """);
        var settings = SignActors.Runtime.Configuration.RunSettings.Read(SignActors.Runtime.Configuration.RunConfig.Load(path));
        var plan = settings.Contract.FaultPlan;
        Assert.Equal(new SignActors.Training.Faults.RoundPolicy(SignActors.Training.Faults.RoundPolicyKind.Deadline, 750, 4, 2), settings.Contract.RoundPolicy);
        Assert.Equal(new[] { 0, 1, 6 }, plan.Nodes.Keys.Order());
        Assert.Equal(new SignActors.Training.Faults.StragglerSpec(1.0, SignActors.Training.Faults.DelayDistribution.LogNormal, 300, 0.8), plan.For(0).Straggler);
        Assert.Equal(SignActors.Training.Faults.ByzantineAttack.Colluding, plan.For(1).Attack); // slow, crashing and Byzantine at once
        Assert.NotNull(plan.For(1).Straggler);
        Assert.Equal(new SignActors.Training.Faults.CrashSpec(10, 5), plan.For(1).Crash);
        Assert.Null(plan.For(6).Attack);
        Assert.Equal(new[] { 0, 1 }, plan.Byzantine.Order());
        Assert.True(plan.IsDown(6, 14) && !plan.IsDown(6, 15) && !plan.IsDown(6, 9));
        Assert.Equal(0, plan.OmniscientSample);
        File.Delete(path);
    }
}

/// <summary>In-process runs share NLog's one configuration: they run one at a time.</summary>
[Collection("host-runs")]
public class ExperimentTests
{
    static (int Code, string Out, string Err) Run(params string[] args) => CommandTests.Run(args);

    static string Grid(string root, string grid) => $$"""
        signactors {
          nodes = 2
          rounds = 3
          evaluation { every = 3, probe-records = 20 }
          model { name = mlp, batch-size = 8 }
          data.validation = 0 # the tests' grids hold nothing out unless they say so
          data { cache-directory = "{{Path.Combine(Path.GetTempPath(), "signactors-test-cache")}}", synthetic { train-per-class = 3, test-per-class = 1 } }
          log-level = warning
        }
        experiment {
          name = grid
          directory = "{{root}}"
          grid { {{grid}} }
        }
        """;

    /// <summary>A fresh experiment folder with grid.conf written from <paramref name="text"/> (given the folder).</summary>
    static (string Root, string Config) NewExperiment(Func<string, string> text)
    {
        string root = Path.Combine(Path.GetTempPath(), $"signactors-exp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        string config = Path.Combine(root, "grid.conf");
        File.WriteAllText(config, text(root));
        return (root, config);
    }

    [Fact]
    public void An_experiment_runs_every_cell_and_seed_summarises_plots_and_skips_finished_runs()
    {
        var (root, config) = NewExperiment(root => Grid(root, "algorithm.preset = [signsgd, sgd], seed = [1, 2]"));
        var (code, output, error) = Run("experiment", config);
        Assert.True(code == 0, output + error);
        Assert.Contains("experiment grid: 4 runs (2 cells)", output);
        Assert.Contains("| preset=signsgd | 2/2 |", output);
        Assert.Contains("| preset=sgd | 2/2 |", output);
        string folder = Path.Combine(root, "grid");
        foreach (var png in new[] { "train-loss.png", "test-accuracy.png", "grad-l1.png", "grad-l2.png" })
            Assert.True(new FileInfo(Path.Combine(folder, png)).Length > 1000, png);
        Assert.Equal(4, Directory.GetDirectories(Path.Combine(folder, "runs")).Length);

        (code, output, _) = Run("experiment", config);
        Assert.Equal(0, code);
        Assert.Equal(4, output.Split('\n').Count(l => l.Contains("already complete, skipped")));

        // A copy elsewhere (a clone of committed results) resumes too: the output folder is where, not what.
        string moved = root + "-moved";
        Directory.Move(root, moved);
        (root, folder, config) = (moved, Path.Combine(moved, "grid"), Path.Combine(moved, "grid.conf"));
        File.WriteAllText(config, File.ReadAllText(config).Replace(Path.GetFileName(moved)[..^"-moved".Length] + "\"", Path.GetFileName(moved) + "\""));
        (code, output, _) = Run("experiment", config);
        Assert.Equal(0, code);
        Assert.Equal(4, output.Split('\n').Count(l => l.Contains("already complete, skipped")));

        File.Delete(Path.Combine(folder, "train-loss.png"));
        (code, output, _) = Run("plot", folder);
        Assert.Equal(0, code);
        Assert.Contains("(2 lines)", output);
        Assert.True(File.Exists(Path.Combine(folder, "train-loss.png")));
        Assert.Equal(0, Run("plot", folder, "--against-time").Code);
        Assert.True(new FileInfo(Path.Combine(folder, "test-accuracy-vs-time.png")).Length > 1000);
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void A_run_thinned_by_metrics_every_counts_as_finished_and_one_cut_short_of_its_last_row_runs_again()
    {
        var (root, config) = NewExperiment(root => Grid(root, "output.metrics-every = [2], seed = [1, 2]"));
        Assert.Equal(0, Run("experiment", config).Code);
        string cut = Directory.GetDirectories(Path.Combine(root, "grid", "runs")).Order().First();
        var lines = File.ReadAllLines(Path.Combine(cut, "metrics.csv"));
        Assert.Equal(["2", "3"], lines.Skip(1).Select(l => l.Split(',')[0])); // round 2 (k = 2) and round 3 (the last): fewer rows than rounds

        var (code, output, _) = Run("experiment", config);
        Assert.Equal(0, code);
        Assert.Equal(2, output.Split('\n').Count(l => l.Contains("already complete, skipped")));

        File.WriteAllLines(Path.Combine(cut, "metrics.csv"), lines[..^1]); // the last round's row lost
        (code, output, _) = Run("experiment", config);
        Assert.Equal(0, code);
        Assert.Equal(1, output.Split('\n').Count(l => l.Contains("already complete, skipped")));
        Assert.Equal("3", File.ReadAllLines(Path.Combine(cut, "metrics.csv"))[^1].Split(',')[0]);
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void A_diverged_run_is_a_result_the_experiment_keeps_and_does_not_run_again()
    {
        var (root, config) = NewExperiment(root => Grid(root, "algorithm.preset = [sgd], learning-rate.initial = [0.01, 1e30]"));
        var (code, output, error) = Run("experiment", config);
        Assert.True(code == 0, output + error); // a diverged run is a result, not a failed experiment
        Assert.Contains("1 run(s) stopped before their last round", output);
        string diverged = Path.Combine(root, "grid", "runs", "preset-sgd_initial-1e30");
        Assert.Equal("stopped", File.ReadLines(Path.Combine(diverged, "outcome.txt")).First());
        var metrics = File.ReadAllText(Path.Combine(diverged, "metrics.csv"));

        (code, output, _) = Run("experiment", config);
        Assert.Equal(0, code);
        Assert.Contains("preset-sgd_initial-1e30: already ran and stopped at round", output);
        Assert.Contains("preset-sgd_initial-0.01: already complete, skipped", output);
        Assert.Equal(metrics, File.ReadAllText(Path.Combine(diverged, "metrics.csv"))); // not run again
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void An_experiment_resumes_a_stopped_run_from_its_checkpoint_in_its_own_folder()
    {
        var (root, config) = NewExperiment(root => Grid(root, "seed = [1]").Replace("rounds = 3", "rounds = 6, checkpoint.every = 4"));
        Assert.Equal(0, Run("experiment", config).Code);
        string run = Directory.GetDirectories(Path.Combine(root, "grid", "runs")).Single();
        string[] outcome = File.ReadAllLines(Path.Combine(run, "outcome.txt"));
        var metrics = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        // As a process killed after round 5 leaves it: no outcome, a row past the checkpoint of round 4.
        File.Delete(Path.Combine(run, "outcome.txt"));
        File.WriteAllLines(Path.Combine(run, "metrics.csv"), metrics[..6]);

        var (code, output, error) = Run("experiment", config);
        Assert.True(code == 0, output + error);
        Assert.Contains("seed-1: resuming from its checkpoint", output);
        Assert.Equal(outcome, File.ReadAllLines(Path.Combine(run, "outcome.txt")));     // the same final hash
        Assert.Equal(metrics.Length, File.ReadAllLines(Path.Combine(run, "metrics.csv")).Length); // rows 1..6, each once
        Assert.Single(Directory.GetDirectories(Path.Combine(root, "grid", "runs")));
        Directory.Delete(root, recursive: true);
    }

    const string TunedGrid = """
        grid {
            method = [
              { label = signum, algorithm.preset = signum }
              { label = sgd, algorithm.preset = sgd, tune { learning-rate.initial = [0.1] } }
            ]
            seed = [1, 2]
          }
          tuning {
            rounds = 2
            seed = 7
            grid { learning-rate.initial = [0.01, 0.001] }
          }
        """;

    [Fact]
    public void A_tuned_experiment_picks_each_methods_step_on_validation_data_then_runs_the_seeds_with_it()
    {
        var (root, config) = NewExperiment(root => Grid(root, "").Replace("grid {  }", TunedGrid + "\ncompare { axis = method, baseline = [signum, sgd] }\nwall-clock-budget = auto").Replace("data {", "data { validation = 0.2,"));
        var (code, output, error) = Run("experiment", config);
        Assert.True(code == 0, output + error);
        Assert.Contains("experiment grid: 4 runs (2 cells) after 3 tuning runs (2 methods)", output);
        Assert.All(output.Split('\n').Where(l => l.StartsWith("[tuning")), l => Assert.DoesNotContain("test", l)); // tuning never shows test data
        string folder = Path.Combine(root, "grid");
        var scores = File.ReadAllLines(Path.Combine(folder, "tuning", "scores.csv"));
        Assert.Equal(1 + 3, scores.Length);
        string tuningRun = File.ReadAllText(Path.Combine(folder, "tuning", "configs", "method-signum_initial-0.01.conf"));
        Assert.Contains("signactors.rounds = 2\nsignactors.seed = 7\n", tuningRun.Replace("\"", ""));
        Assert.Contains("signactors.evaluation.every = 0\nsignactors.evaluation.test = off\n", tuningRun.Replace("\"", ""));
        var tuningMetrics = File.ReadAllLines(Path.Combine(folder, "tuning", "runs", "method-signum_initial-0.01", "metrics.csv"));
        int testColumn = Array.IndexOf(tuningMetrics[0].Split(','), "test_accuracy"), validationColumn = Array.IndexOf(tuningMetrics[0].Split(','), "val_accuracy");
        Assert.All(tuningMetrics.Skip(1), row => Assert.Equal("", row.Split(',')[testColumn]));   // the test set is never evaluated
        Assert.NotEqual("", tuningMetrics[^1].Split(',')[validationColumn]);                       // validation is, after the last round

        // The choice per method is in choices.csv and in every final run of that method.
        var choices = File.ReadAllLines(Path.Combine(folder, "tuning", "choices.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(c => c[0].Trim('"'), c => c[1].Trim('"'));
        Assert.Equal("learning-rate.initial = 0.1", choices["method=sgd"]);
        Assert.Contains(choices["method=signum"], new[] { "learning-rate.initial = 0.01", "learning-rate.initial = 0.001" });
        foreach (var (method, chosen) in new[] { ("sgd", choices["method=sgd"]), ("signum", choices["method=signum"]) })
            foreach (var seed in new[] { 1, 2 })
                Assert.EndsWith($"signactors.{chosen.Replace(" = ", " = \"")}\"", File.ReadAllLines(Path.Combine(folder, "configs", $"method-{method}_seed-{seed}.conf"))[^2]);
        string summary = File.ReadAllText(Path.Combine(folder, "summary.md"));
        Assert.Contains("Tuning: 2 rounds at seed 7, selected on the final validation accuracy", summary);
        Assert.Contains("| method=sgd | signum | 2 |", summary); // the paired comparison over both seeds, against each baseline in turn
        Assert.Contains("| method=signum | sgd | 2 |", summary);
        Assert.Contains("| Δ test loss | Δ ‖∇f‖₁ | Δ ‖∇f‖₂ | test accuracy differs? |", summary);
        Assert.Contains("| cell | runs | test accuracy % at the budget | rounds closed by the budget | wall clock of all rounds (s) | Δ test accuracy at the budget (points) |", summary); // auto: the quickest run's finish; Δ against the first baseline
        Assert.True(File.Exists(Path.Combine(folder, "test-accuracy-vs-time.png")));
        Assert.Contains("| method=signum | 2/2 |", summary);

        (code, output, _) = Run("experiment", config);
        Assert.Equal(0, code);
        Assert.Equal(3 + 4, output.Split('\n').Count(l => l.Contains("already complete, skipped")));
        Directory.Delete(root, recursive: true);
    }

    [Theory]
    [InlineData("algorithm.presett = [signum]", "experiment.grid: unknown key algorithm.presett; did you mean algorithm.preset?")]
    [InlineData("seed = 3", "experiment.grid.seed must be a list of values")]
    [InlineData("aggregator = [ { label = mean, algorithm.presett = sgd } ]", "experiment.grid.aggregator[0]: unknown key algorithm.presett; did you mean algorithm.preset?")]
    [InlineData("seed = [1] }\n tuning { grid { learning-rate.initial = [0.1] } ", "experiment.tuning: selecting on validation data needs signactors.data.validation > 0, got 0 (test data is never used to tune)")]
    [InlineData("seed = [1] }\n tuning { settings { model.name = objective }, grid { learning-rate.initial = [0.1] } ", "experiment.tuning: an objective has no data and no accuracy; its validation loss is f − f*: set metric = validation-loss")]
    [InlineData("method = [ { label = a, algorithm.preset = sgd } ] }\n tuning { per = [seed], grid { learning-rate.initial = [0.1] } ", "experiment.tuning.per: \"seed\" is not an axis of experiment.grid")]
    [InlineData("seed = [1] }\n tuning { rounds = 2, metric = test-accuracy ", "experiment.tuning.metric = \"test-accuracy\" is not one of: validation-accuracy, validation-loss")]
    [InlineData("seed = [1] }\n tuning { raunds = 2 ", "unknown key experiment.tuning.raunds; did you mean experiment.tuning.rounds?")]
    [InlineData("seed = [1] }\n compare { axis = method ", "experiment.compare.axis = \"method\" is not one of the grid's axes: seed")]
    [InlineData("algorithm.preset = [signsgd, sgd], seed = [1] }\n compare { baseline = [sgd, adam] ", "experiment.compare.baseline: \"adam\" is not one of: signsgd, sgd")]
    [InlineData("method = [ { label = a, algorithm.preset = sgd, tune { learning-rate.initial = [0.1] } } ]", "experiment.grid: method = a has a tune { … } grid but there is no experiment.tuning section to run it")]
    public void A_bad_grid_is_a_one_line_error(string grid, string expected)
    {
        var (root, config) = NewExperiment(root => Grid(root, grid));
        var (code, _, error) = Run("experiment", config);
        Assert.Equal(2, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
        Directory.Delete(root, recursive: true);
    }
}

public class ShippedConfigTests
{
    public static IEnumerable<object[]> Files()
    {
        // The repository root above the build output, or above the working directory (builds with --artifacts-path).
        DirectoryInfo? Root(string start)
        {
            var d = new DirectoryInfo(start);
            while (d is not null && !File.Exists(Path.Combine(d.FullName, "SignActors.sln"))) d = d.Parent;
            return d;
        }
        var directory = Root(AppContext.BaseDirectory) ?? Root(Environment.CurrentDirectory);
        Assert.NotNull(directory);
        return Directory.GetFiles(Path.Combine(directory.FullName, "hocon"), "*.conf").Where(f => !f.EndsWith("reference.conf")).Order().Select(f => new object[] { f });
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_ready_config_in_hocon_loads_and_validates(string file)
    {
        var config = SignActors.Runtime.Configuration.RunConfig.Load(file, SignActors.Experiments.GridExperiment.Section);
        var settings = SignActors.Runtime.Configuration.RunSettings.Read(config);
        // Read refuses an invalid algorithm, so what is left to check is that the file's preset is the one resolved.
        Assert.Equal(config.GetString("signactors.algorithm.preset"), settings.Contract.Algorithm.Name);
        if (config.HasPath("experiment.grid")) Assert.NotEmpty(SignActors.Experiments.GridExperiment.Runs(config)); // an experiment file: its grid resolves
    }
}
