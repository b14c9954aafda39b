using SignActors.Runtime.Configuration;
using Xunit;

namespace SignActors.Tests.Host;

/// <summary>
/// The example plugin (examples/MyMethods: Nesterov momentum and centered clipping) loaded by path,
/// through `run` and an experiment with a tuning stage; what a plugin cannot be is one line.
/// </summary>
[Collection("host-runs")]
public sealed class PluginTests : IDisposable
{
    internal static readonly string Plugin = Path.Combine(AppContext.BaseDirectory, "MyMethods.dll");
    readonly string _directory = Directory.CreateTempSubdirectory("signactors-plugin-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A small run on a tiny synthetic set; <paramref name="algorithm"/> goes inside signactors.algorithm.</summary>
    string Config(string algorithm, string extra = "", string? plugin = null)
    {
        string path = Path.Combine(_directory, $"run-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, $"signactors {{ plugins = [\"{plugin ?? Plugin}\"], nodes = 4, rounds = 3, model.name = mlp, evaluation.probe-records = 50, output.directory = \"{_directory}/runs\", algorithm {{ {algorithm} }} }}\n"
            + $"signactors.data {{ cache-directory = \"{Path.Combine(Path.GetTempPath(), "signactors-test-cache")}\", synthetic {{ train-per-class = 3, test-per-class = 1 }} }}\n" + extra);
        return path;
    }

    [Theory]
    [InlineData("preset = sgd, aggregator = \"MyMethods.CenteredClipping, MyMethods\", plugin.tau = 0.5", "aggregator MyMethods.CenteredClipping, update Optimizer", "tau = 0.5")]
    [InlineData("preset = signum, estimator = \"MyMethods.NesterovMomentum, MyMethods\", plugin.beta = 0.2", "estimator MyMethods.NesterovMomentum, uplink sign", "beta = 0.2")]
    public void A_plugin_component_runs_with_every_replica_bit_identical(string algorithm, string header, string settings)
    {
        var (code, output, error) = CommandTests.Run("run", Config(algorithm));
        Assert.True(code == 0, output + error);
        Assert.Contains(header, output);
        Assert.Matches($@"plugin MyMethods\.\w+ 1\.0\.0\S* from {System.Text.RegularExpressions.Regex.Escape(Plugin)}: {settings}", output);
        Assert.Contains("done: 3 rounds completed; all 4 replicas bit-identical to the server after every round", output);
    }

    [Fact]
    public void The_plugin_and_its_settings_are_part_of_the_run()
    {
        string Fingerprint(string algorithm) => RunFingerprint.Of(RunSettings.Read(RunConfig.Load(Config(algorithm))));
        string clipped = Fingerprint("preset = sgd, aggregator = \"MyMethods.CenteredClipping, MyMethods\", plugin.tau = 0.5");
        Assert.Equal(clipped, Fingerprint("preset = sgd, aggregator = \"MyMethods.CenteredClipping\", plugin { tau = 0.5 }"));
        Assert.NotEqual(clipped, Fingerprint("preset = sgd, aggregator = \"MyMethods.CenteredClipping, MyMethods\", plugin.tau = 0.25"));
        Assert.NotEqual(clipped, Fingerprint("preset = sgd"));
    }

    [Theory]
    [InlineData("preset = sgd, aggregator = \"MyMethods.Missing, MyMethods\"", "signactors.algorithm.aggregator = \"MyMethods.Missing, MyMethods\": no type MyMethods.Missing in MyMethods.dll")]
    [InlineData("preset = sgd, aggregator = \"MyMethods.NesterovMomentum, MyMethods\"", "signactors.algorithm.aggregator = \"MyMethods.NesterovMomentum, MyMethods\": MyMethods.NesterovMomentum does not implement IAggregator (src/Server/Aggregators/IAggregator.cs)")]
    [InlineData("preset = sgd, aggregator = \"MyMethods.CenteredClipping, MyMethods\", plugin.tau = -1", "signactors.algorithm.aggregator = \"MyMethods.CenteredClipping, MyMethods\": algorithm.plugin.tau must be positive, got -1")]
    [InlineData("preset = signum, aggregator = \"MyMethods.CenteredClipping, MyMethods\"", "signactors.algorithm: aggregator MyMethods.CenteredClipping takes Dense votes, but uplink sign sends Sign")]
    public void What_a_plugin_cannot_be_is_one_line_and_exit_2(string algorithm, string expected)
    {
        var (code, _, error) = CommandTests.Run("run", Config(algorithm));
        Assert.Equal(2, code);
        Assert.Equal($"signactors: {expected}", error.Trim());
    }

    [Fact]
    public void A_plugin_file_that_is_missing_or_not_an_assembly_is_one_line()
    {
        var (code, _, error) = CommandTests.Run("run", Config("preset = sgd", plugin: Path.Combine(_directory, "none.dll")));
        Assert.Equal(2, code);
        Assert.Equal($"signactors: signactors.plugins: {Path.Combine(_directory, "none.dll")} does not exist", error.Trim());
        string text = Path.Combine(_directory, "text.dll");
        File.WriteAllText(text, "not an assembly");
        (code, _, error) = CommandTests.Run("run", Config("preset = sgd", plugin: text));
        Assert.Equal(2, code);
        Assert.Equal($"signactors: signactors.plugins: {text} is not a .NET assembly", error.Trim());
    }

    [Fact]
    public void An_experiment_tunes_a_plugins_setting_on_validation_data_then_runs_the_seeds()
    {
        string file = Config("preset = sgd, aggregator = \"MyMethods.CenteredClipping, MyMethods\"", $$"""
            signactors { data.validation = 0.2, learning-rate.initial = 0.05 }
            experiment {
              name = clipping, directory = "{{_directory}}/experiments"
              grid { seed = [1, 2] }
              tuning { rounds = 2, grid { algorithm.plugin.tau = [0.1, 10] } }
            }
            """);
        var (code, output, error) = CommandTests.Run("experiment", file);
        Assert.True(code == 0, output + error);
        var scores = File.ReadAllLines(Path.Combine(_directory, "experiments", "clipping", "tuning", "scores.csv"));
        Assert.Equal(3, scores.Length); // a header and the two points of the plugin's setting
        Assert.Contains(Directory.GetFiles(Path.Combine(_directory, "experiments", "clipping", "configs")), c => File.ReadAllText(c).Contains("tau"));
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(_directory, "experiments", "clipping", "runs")).Length);
    }

    [Fact]
    public void A_plugin_attack_runs_on_its_nodes_with_its_own_settings()
    {
        string Attack(string settings) => Config("preset = sgd", "signactors.faults.byzantine = [ { first = 1, attack = \"SignActors.Tests.Host.ScaledFlip, SignActors.Tests\"" + settings + " } ]\n",
            plugin: typeof(ScaledFlip).Assembly.Location);
        var (code, output, error) = CommandTests.Run("run", Attack(", plugin { factor = 3 }"));
        Assert.True(code == 0, output + error);
        Assert.Contains("fault: node 0 Byzantine: scaled-flip (−3 × its honest message)", output);
        Assert.NotEqual(RunFingerprint.Of(RunSettings.Read(RunConfig.Load(Attack(", plugin { factor = 3 }")))), RunFingerprint.Of(RunSettings.Read(RunConfig.Load(Attack("")))));

        (code, _, error) = CommandTests.Run("run", Config("preset = sgd", "signactors.faults.byzantine = [ { first = 1, attack = sign-flip, plugin { factor = 3 } } ]\n"));
        Assert.Equal(2, code);
        Assert.Equal("signactors: signactors.faults.byzantine[0].plugin: settings for a plugin attack, but attack = sign-flip is built in", error.Trim());
    }
}

/// <summary>A plugin attack the tests load from their own assembly: −factor × its honest float32 message (factor = plugin.factor, default 2).</summary>
public sealed class ScaledFlip(SignActors.Training.Algorithms.PluginSettings settings) : SignActors.Training.Faults.Attacks.IAttack
{
    readonly float _factor = (float)settings.Double("factor", 2);

    public string Name => "scaled-flip";
    public SignActors.Training.Faults.Attacks.AttackKnowledge Knows => SignActors.Training.Faults.Attacks.AttackKnowledge.OwnMessage;
    public string Description => $"{Name} (−{_factor} × its honest message)";

    public SignActors.Messages.Payload Forge(in SignActors.Training.Faults.Attacks.AttackInput input) =>
        new SignActors.Messages.DensePayload(((SignActors.Messages.DensePayload)input.Own).Values.Select(v => -_factor * v).ToArray());
}
