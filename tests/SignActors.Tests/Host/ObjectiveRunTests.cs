using SignActors.Runtime.Configuration;
using SignActors.Server.Metrics;
using Xunit;

namespace SignActors.Tests.Host;

/// <summary>model.name = objective in a run: no data read, the trajectory and f − f* worked out by hand, bad settings one line.</summary>
[Collection("host-runs")]
public sealed class ObjectiveRunTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("signactors-objective-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    string Config(string model, string extra = "")
    {
        string path = Path.Combine(_directory, $"run-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, $"signactors {{ nodes = 2, rounds = 3, output {{ directory = \"{_directory}/runs\", name = o }}\n"
            + "algorithm.preset = signsgd\nlearning-rate.initial = 0.25\nevaluation { every = 1, stationarity-rounds = 100 }\n"
            + "data { source = idx, directory = \"/nowhere\" }\n" // never read
            + $"model {{ name = objective\n{model} }}\n{extra} }}\n");
        return path;
    }

    [Fact]
    public void Sign_descent_on_x1_squared_plus_x2_squared_steps_by_eta_without_reading_data()
    {
        // f = x₁² + x₂² (smoothness 2) from (1, 1), x_{t+1} = x_t − ¼·sign(x_t): x = 1, ¾, ½, ¼, so
        // f(x_t) = 2, 1.125, 0.5 and f(x_{t+1}) = 1.125, 0.5, 0.125; ‖∇f(x_t)‖₁ = 4x = 4, 3, 2.
        var (code, output, error) = CommandTests.Run("run", Config("objective = quadratic, objective-settings { dimension = 2, start = 1, smoothness = 2 }"));
        Assert.True(code == 0, output + error);
        Assert.Contains("objective f(x) = ½ Σ L_i x_i² (L = 2 in every coordinate), d = 2, f* = 0, x_1 = 1 in every coordinate", output);
        Assert.Contains("data: none — the objective is f itself", output);
        string metrics = Path.Combine(_directory, "runs", "o", "metrics.csv");
        Assert.Equal(new[] { 1.125, 0.5, 0.125 }, MetricsCsv.Values(metrics, "test_loss"));
        Assert.Empty(MetricsCsv.Values(metrics, "test_accuracy"));
        Assert.Equal(new[] { 2, 1.125, 0.5 }, MetricsCsv.Values(metrics, "full_loss"));
        Assert.Equal(new[] { 4.0, 3, 2 }, MetricsCsv.Values(metrics, "full_grad_l1"));
        Assert.Equal(new[] { 3.0, 2, 1 }, MetricsCsv.Values(metrics, "grad_l1"));
        Assert.Contains("last evaluation (round 3): f − f* = 0.125", output);
    }

    [Fact]
    public void Noisy_objective_runs_stay_bit_identical_and_bad_settings_are_one_line()
    {
        var (code, output, error) = CommandTests.Run("run", Config("objective = separable-smooth, objective-settings { dimension = 5, start = [1, -2, 3, 0.5, 0], smoothness = 4 }",
            "model.batch-size = 16\nalgorithm.noise { law = bimodal, scale = 1 }"));
        Assert.True(code == 0, output + error);
        Assert.Contains("done: 3 rounds completed; all 2 replicas bit-identical to the server after every round", output);
        Assert.Contains("plus the mean of 16 draw(s) of bimodal(σ = 1) noise", output);
        string Fingerprint(string model) => RunFingerprint.Of(RunSettings.Read(RunConfig.Load(Config(model))));
        Assert.NotEqual(Fingerprint("objective = quadratic"), Fingerprint("objective = quadratic, objective-settings.smoothness = 3"));
        Assert.NotEqual(Fingerprint("objective = quadratic"), Fingerprint("objective = separable-smooth"));

        (code, _, error) = CommandTests.Run("run", Config("objective = quadratic, objective-settings { dimension = 3, start = [1, 2] }"));
        Assert.Equal(2, code);
        Assert.Equal("signactors: signactors.model.objective-settings.start lists 2 numbers; give one number or a list of 3", error.Trim());
        (code, _, error) = CommandTests.Run("run", Config("objective = quadratic, l2 = 0.1"));
        Assert.Equal("signactors: signactors.model.l2: an objective's f is exactly as named; the L2 term is for models of data (logistic, the zoo, torchscript)", error.Trim());
        (code, _, error) = CommandTests.Run("run", Config("objective = cubic"));
        Assert.StartsWith("signactors: signactors.model.objective = \"cubic\"", error.Trim());
    }

    [Fact]
    public void An_objective_experiment_plots_f_minus_f_star_per_value_and_its_rate()
    {
        string file = Path.Combine(_directory, "objective-experiment.conf");
        File.WriteAllText(file, "signactors { nodes = 1, evaluation.every = 5, learning-rate { schedule = inverse, initial = 0.5 }\n"
            + "model { name = objective, objective = quadratic, objective-settings { dimension = 2, start = 1 } }\n"
            + "algorithm { preset = scaled-signsgd, noise { law = gaussian, scale = 0.1 } } }\n"
            + $"experiment {{ name = e, directory = \"{_directory}\", grid {{ step = [ {{ label = a, learning-rate.initial = 0.5 }}, {{ label = b, learning-rate.initial = 0.25 }} ], rounds = [10, 40], seed = [1, 2] }}\n"
            + "rate { axis = rounds, metric = test-loss, claim = -1 }\n plot-per = step }\n");
        var (code, output, error) = CommandTests.Run("experiment", file);
        Assert.True(code == 0, output + error);
        string root = Path.Combine(_directory, "e");
        foreach (var png in new[] { "f-gap-a.png", "f-gap-b.png", "grad-l1-a.png", "rate-test-loss.png" })
            Assert.True(File.Exists(Path.Combine(root, png)), png);
        Assert.False(File.Exists(Path.Combine(root, "test-accuracy-a.png"))); // an objective has no accuracy
        Assert.Contains("| step=a | 2 | 2 |", File.ReadAllText(Path.Combine(root, "summary.md"))); // the rate table: 2 horizons, 2 seeds
    }
}
