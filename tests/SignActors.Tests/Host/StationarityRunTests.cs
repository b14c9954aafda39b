using System.Globalization;
using SignActors.Runtime.Configuration;
using SignActors.Server.Metrics;
using SignActors.Training.Data;
using SignActors.Training.Models;
using Xunit;

namespace SignActors.Tests.Host;

/// <summary>evaluation.stationarity-rounds in a run: f and ‖∇f‖ at x_t (before round t's update) over every training record, in metrics.csv and the closing line.</summary>
[Collection("host-runs")]
public sealed class StationarityRunTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("signactors-stationarity-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Each_round_gets_the_whole_training_sets_gradient_at_the_point_the_round_started_from()
    {
        string config = Path.Combine(_directory, "run.conf");
        File.WriteAllText(config, $"signactors {{ nodes = 2, rounds = 4, model.name = mlp, output {{ directory = \"{_directory}/runs\", name = s }}\n"
            + "evaluation { probe-records = 20, batch-size = 7, stationarity-rounds = 100 } }\n"
            + $"signactors.data {{ cache-directory = \"{Path.Combine(Path.GetTempPath(), "signactors-test-cache")}\", synthetic {{ train-per-class = 3, test-per-class = 1 }} }}\n");
        var (code, output, error) = CommandTests.Run("run", config);
        Assert.True(code == 0, output + error);
        string metrics = Path.Combine(_directory, "runs", "s", "metrics.csv");
        var loss = MetricsCsv.Values(metrics, "full_loss");
        var l1 = MetricsCsv.Values(metrics, "full_grad_l1");
        Assert.Equal(4, loss.Length); // T = 4 ≤ 100: every round

        // Round 1's row is x_1's: the seed's initial model over all 300 records, here in one chunk.
        var settings = RunSettings.Read(RunConfig.Load(config));
        var (train, _) = settings.Data.Load(_ => { });
        using var model = new FlatModel(settings.Contract.ModelFor(train), settings.Contract.Seed);
        using var oneChunk = new MinibatchBuilder(train.Count, train);
        var x1 = model.WholeSetGradient(train, Enumerable.Range(0, train.Count).ToArray(), oneChunk);
        Assert.Equal(x1.Loss, loss[0], 5);
        Assert.Equal(x1.L1, l1[0], 1e-4 * x1.L1);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"stationarity, the mean over t of ‖∇f(x_t)‖₁ on the whole training set: {l1.Average():G6} (every one of the 4 rounds)"), output);
    }
}
